import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type SweepCommand } from '../../src/cli/args.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { PAUSED_EXIT_CODE } from '../../src/cli/interrupt.ts';
import { runSweepShard } from '../../src/cli/sweep-run.ts';
import { parseResultsFile } from '../../src/train/results-file.ts';
import { planSweep } from '../../src/sweep/plan.ts';
import { parseSweepSpec, sweepIdOf } from '../../src/sweep/spec.ts';
import { cleanup } from './train-fixtures.ts';
import { TINY_SPEC } from './sweep-fixtures.ts';

/** `npm run lab -- sweep --spec FILE --shard i/N --out DIR`: each shard's share, resumable, in one file each. */

afterAll(cleanup);

const dir = mkdtempSync(join(tmpdir(), 'lab-cli-sweep-'));
const specPath = join(dir, 'tiny.json');
writeFileSync(specPath, JSON.stringify(TINY_SPEC));
const spec = parseSweepSpec(TINY_SPEC);
const plan = planSweep(spec, sweepIdOf(spec));

function recorder(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => void out.push(line), err: (line) => void err.push(line) }, out, err };
}

const command = (argv: string[]): SweepCommand =>
  parseArgs(['sweep', '--spec', specPath, ...argv]) as SweepCommand;

describe('parseArgs sweep', () => {
  it('reads the run mode and refuses what it cannot do', () => {
    expect(command(['--out', 'o', '--shard', '1/3', '--engine', 'cpu', '--parallel', '2'])).toMatchObject({
      mode: 'run',
      outDir: 'o',
      shard: { index: 1, count: 3 },
      storeDir: null,
      engine: 'cpu',
      parallel: 2,
    });
    expect(() => command(['--out', 'o', '--shard', '3/3'])).toThrow(UsageError);
    expect(() => command(['--out', 'o', '--shard', '3/3'])).toThrow(/Shard 3 of 3 does not exist/);
    expect(() => command(['--out', 'o', '--plan'])).toThrow(
      /--plan prints its planned runs, --out DIR runs them/,
    );
  });
});

describe('sweep --out', () => {
  it('runs two shards that cover the sweep once between them; a shard paused by Ctrl-C goes on when run again', async () => {
    const out = join(dir, 'out');
    const interrupt = new AbortController();
    const first = recorder();
    const paused = await runSweepShard(
      command(['--out', out, '--shard', '0/2', '--engine', 'cpu', '--json']),
      {
        ...first.io,
        err: (line) => {
          first.err.push(line);
          // Ctrl-C once the SFT run has saved its first checkpoint (after its first evaluation).
          if (/tiny sft: eval at step 0/.test(line)) interrupt.abort();
        },
      },
      { interrupt: interrupt.signal },
    );
    expect(paused).toBe(PAUSED_EXIT_CODE);
    expect(JSON.parse(first.out.at(-1)!)).toMatchObject({ shard: '0/2', status: 'paused' });
    expect(first.err.join('\n')).toMatch(/Run the same command again/);

    const again = recorder();
    expect(
      await runSweepShard(command(['--out', out, '--shard', '0/2', '--engine', 'cpu', '--json']), again.io),
    ).toBe(0);
    // The SFT run went on from its checkpoint: its first evaluation was not done again.
    expect(first.err.filter((line) => /tiny sft: eval at step 0/.test(line))).toHaveLength(1);
    expect(again.err.filter((line) => /tiny sft: eval at step 0/.test(line))).toEqual([]);
    expect(again.err.filter((line) => /tiny sft: eval at step 2/.test(line))).toHaveLength(1);
    const other = recorder();
    expect(
      await runSweepShard(command(['--out', out, '--shard', '1/2', '--engine', 'cpu', '--json']), other.io),
    ).toBe(0);

    const files = [0, 1].map((index) =>
      parseResultsFile(readFileSync(join(out, `results-shard-${index}-of-2.json`), 'utf8')),
    );
    // Each file says where its runs trained, as a single run's file does.
    for (const file of files) {
      expect(file.environment).toMatchObject({
        engine: 'cpu',
        adapter: expect.stringMatching(/^CPU engine/),
      });
    }
    const ids = files.flatMap((file) => file.runs.map((entry) => entry.run.id));
    expect([...ids].sort()).toEqual(plan.runs.map((run) => run.runId).sort());
    for (const file of files) {
      for (const { run, metrics } of file.runs) {
        expect(run.status).toBe('finished');
        const keys = metrics.map((row) => `${row.kind}@${row.step}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(metrics.filter((row) => row.kind === 'eval').length).toBeGreaterThanOrEqual(2);
      }
    }
  });
});
