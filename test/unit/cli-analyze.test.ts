import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createRandom } from '../../src/core/random.ts';
import { RESULTS_SCHEMA_VERSION, type ResultsFile } from '../../src/train/results-file.ts';
import { evalRow, runRecord, selection, summaryOf } from './analysis-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-analyze-'));

/** `npm run lab -- analyze ...` in this process, its output kept. */
async function lab(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['analyze', ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

/** A finished run: SFT alone, or RL at an SFT amount with a sampled discount; its score planted. */
function entry(id: string, strategy: 'sft' | 'sft+rl', discount: number | null, score: number) {
  const curve = [evalRow(id, 2, 5, score / 2, score / 2), evalRow(id, 4, 10, score, score)];
  return {
    run: runRecord(id, {
      summary: summaryOf(id, selection(4, 10, score, score), null),
      lineage: {
        strategy,
        sftAmount: 100,
        hyperparameters: discount === null ? {} : { discount },
      },
      rlEvaluations: strategy === 'sft' ? [] : [2, 4],
    }),
    metrics: curve,
  };
}

function resultsFile(runs: ResultsFile['runs']): ResultsFile {
  return {
    schema: 'web-agent-lab/results',
    version: RESULTS_SCHEMA_VERSION,
    exportedAt: 'now',
    environment: null,
    sweeps: [],
    runs,
  };
}

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Twelve RL runs (discount 0.5 planted best) and one SFT run, in one file or in two shards. */
function sweepFiles(): { whole: string; shards: string[] } {
  const random = createRandom('analyze');
  const runs = Array.from({ length: 12 }, (_, i) => {
    const discount = [0.5, 0.9, 0.98][i % 3]!;
    return entry(`rl-${i}`, 'sft+rl', discount, (discount === 0.5 ? 0.6 : 0.4) + 0.05 * random.next());
  });
  runs.push(entry('sft', 'sft', null, 0.5));
  // Shard 0 wrote rl-6 before it finished, shard 1 again once it had.
  const unfinished = { ...runs[6]!, run: { ...runs[6]!.run, status: 'running' as const, summary: null } };
  return {
    whole: write('whole.json', resultsFile(runs)),
    shards: [
      write('shard-0.json', resultsFile([...runs.slice(0, 6), unfinished])),
      write('shard-1.json', resultsFile(runs.slice(6))),
    ],
  };
}

describe('npm run lab -- analyze', () => {
  it('merges shards by run id into the summary of the whole sweep, and writes summary.json', async () => {
    const { whole, shards } = sweepFiles();
    const fromWhole = await lab([whole, '--out', join(dir, 'whole'), '--resamples', '200', '--json']);
    expect(fromWhole.code).toBe(0);
    expect(fromWhole.out).toHaveLength(1);
    const summary = JSON.parse(fromWhole.out[0]!);
    expect(JSON.parse(readFileSync(join(dir, 'whole', 'summary.json'), 'utf8'))).toEqual(summary);

    const fromShards = await lab([...shards, '--out', join(dir, 'shards'), '--resamples', '200']);
    expect(fromShards.code, fromShards.err.join('\n')).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'shards', 'summary.json'), 'utf8'))).toEqual(summary);

    expect(summary.runs).toBe(13);
    expect(summary.sft_amounts).toEqual([100]);
    expect(summary.bootstrap.resamples).toBe(200);
    expect(summary.recommended.goals.discount).toBe('0.5');
    expect(Object.keys(summary.pareto.goals).sort()).toEqual(['sft', 'sft+rl']);
    expect(summary.compute_to_match_sft.goals.sft_peak).toBe(0.5);

    expect(fromShards.out[0]).toMatch(
      /^Analysed 13 finished runs of 13 in 2 files; SFT amounts 100; bootstrap B = 200/,
    );
    expect(fromShards.out.join('\n')).toMatch(
      /Recommended on held-out goals \(pooled win rate\): discount=0\.5 \(\d/,
    );
    // Per held-out set: discount's win rates and T_h, the Pareto frontier, the curves; one heat map.
    expect(fromShards.out.at(-1)).toBe(
      `Wrote ${join(dir, 'shards', 'summary.json')} and 9 figures (SVG) beside it.`,
    );
    const pareto = readFileSync(join(dir, 'shards', 'pareto-goals.svg'), 'utf8');
    expect(pareto).toMatch(/^<\?xml [^>]*>\s*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(pareto).toContain('training FLOPs');
  });

  it.each([
    [
      'a file whose second run is malformed',
      () => {
        const bad = sweepFiles().whole;
        const file = JSON.parse(readFileSync(bad, 'utf8'));
        file.runs[1].run.summary.flops = 'many';
        return write('malformed.json', file);
      },
      /^lab: .*malformed\.json: The results file is not valid: runs\.1\.run\.summary\.flops: /,
    ],
    [
      'a file that is not JSON',
      () => write('cut.json', '{"schema": "web-agent-lab/res'),
      /^lab: .*cut\.json: The results file is not JSON/,
    ],
    [
      'a file that is not there',
      () => join(dir, 'missing.json'),
      /^lab: Cannot read the results file .*missing\.json: ENOENT/,
    ],
  ])('%s: one message, exit 2, nothing written', async (_, makeFile, message) => {
    const out = join(dir, `refused-${Math.random()}`);
    const { code, out: printed, err } = await lab([sweepFiles().whole, makeFile(), '--out', out]);
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(printed).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('asks for a file and for --out', async () => {
    const noFile = await lab(['--out', dir]);
    expect(noFile.code).toBe(2);
    expect(noFile.err[0]).toMatch(/^Name at least one results file/);
    const noOut = await lab([sweepFiles().whole]);
    expect(noOut.code).toBe(2);
    expect(noOut.err[0]).toMatch(/^Name the folder to write summary\.json in with --out DIR\./);
  });
});
