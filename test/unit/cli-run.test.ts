import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, USAGE, type Command } from '../../src/cli/args.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { PAUSED_EXIT_CODE } from '../../src/cli/interrupt.ts';
import { runRunCommand, type RunOutput } from '../../src/cli/run.ts';
import { duration, RunProgressLines } from '../../src/harness/api.ts';
import type { MetricRecord } from '../../src/store/records.ts';
import { parseRunConfig, type RunConfigInput } from '../../src/train/config.ts';
import { parseResultsFile } from '../../src/train/results-file.ts';

type RunCommand = Extract<Command, { kind: 'run' }>;

function recorder(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => void out.push(line), err: (line) => void err.push(line) }, out, err };
}

function usageError(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed without complaint`);
}

const dir = mkdtempSync(join(tmpdir(), 'lab-cli-run-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('parseArgs run', () => {
  it('gives the run command its defaults', () => {
    expect(parseArgs(['run', '--config', 'configs/micro-sft.json'])).toEqual({
      kind: 'run',
      configPath: 'configs/micro-sft.json',
      json: false,
      dom: 'browser',
      engine: 'auto',
      outDir: null,
      resume: null,
      k: null,
    });
    // Node mode keeps its runs in a folder, runs/ unless --out says otherwise.
    expect(parseArgs(['run', '--config=c.json', '--dom', 'node'])).toMatchObject({
      dom: 'node',
      outDir: 'runs',
    });
  });

  it('reads every option', () => {
    const command = parseArgs([
      'run',
      '--config',
      'c.json',
      '--json',
      '--dom=node',
      '--engine',
      'cpu',
      '--out',
      '/tmp/x',
      '--resume',
      'abc',
      '--k',
      '4',
    ]);
    expect(command).toEqual({
      kind: 'run',
      configPath: 'c.json',
      json: true,
      dom: 'node',
      engine: 'cpu',
      outDir: '/tmp/x',
      resume: 'abc',
      k: 4,
    });
    // A resumed run keeps its own configuration: --config may be left out.
    expect(parseArgs(['run', '--resume', 'abc'])).toMatchObject({ configPath: null, resume: 'abc' });
  });

  it.each([
    [['run'], /--config FILE/],
    [['run', '--config', 'c.json', '--dom', 'deno'], /--dom must be browser or node, not "deno"/],
    [
      ['run', '--config', 'c.json', '--engine', 'tpu'],
      /--engine must be auto, webgpu, cpu or reference, not "tpu"/,
    ],
    [['run', '--config', 'c.json', '--k', '0'], /--k must be a whole number from 1 to 64/],
    [['run', '--config', 'c.json', '--split', 'micro'], /Unknown option --split/],
    [['run', '--config'], /--config needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(usageError(argv).message).toMatch(message);
  });

  it('hands pretrain its own arguments, and lists both commands in the help', () => {
    expect(parseArgs(['pretrain', '--steps', '5', '--help'])).toEqual({
      kind: 'pretrain',
      argv: ['--steps', '5', '--help'],
    });
    expect(USAGE).toMatch(/run --config FILE/);
    expect(USAGE).toMatch(/pretrain/);
    expect(parseArgs(['run', '--help'])).toMatchObject({
      kind: 'help',
      text: expect.stringMatching(/--resume RUN_ID/),
    });
  });
});

describe('run with a bad configuration file', () => {
  it.each([
    [
      'a file that is not there',
      join(dir, 'missing.json'),
      /Cannot read the run configuration .*missing\.json/,
    ],
    ['a file that is not JSON', file('broken.json', '{"sft": {'), /broken\.json is not JSON/],
    [
      'fields out of range',
      file(
        'bad.json',
        JSON.stringify({ sft: { steps: -1 }, rl: { discount: 2 }, model: { preset: 'huge' } }),
      ),
      // parseRunConfig lists every bad field, with its path.
      /bad\.json is not valid: .*sft\.steps.*rl\.discount|bad\.json is not valid: .*rl\.discount.*sft\.steps/,
    ],
    [
      'a misspelt knob',
      file('typo.json', JSON.stringify({ sft: { stpes: 3 } })),
      /typo\.json is not valid: sft/,
    ],
  ])('exits 2 on %s and says what is wrong', async (_, path, message) => {
    const { io, out, err } = recorder();
    expect(await main(['run', '--config', path, '--dom', 'node', '--out', join(dir, 'store')], io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(out).toEqual([]);
  });

  it('also names model.preset when it is bad', async () => {
    const { io, err } = recorder();
    await main(['run', '--config', join(dir, 'bad.json'), '--dom', 'node'], io);
    expect(err.join('\n')).toMatch(/model\.preset/);
  });

  it('exits 2 when the run to resume is not in the folder', async () => {
    const { io, err } = recorder();
    const store = join(dir, 'empty-store');
    expect(
      await main(['run', '--resume', 'no-such-run', '--dom', 'node', '--engine', 'cpu', '--out', store], io),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/No run no-such-run in the folder/);
  });
});

/** A run small enough for a unit test on the CPU engine: 3 SFT steps and 2 RL iterations. */
const TINY: RunConfigInput = {
  name: 'cli-tiny',
  model: { preset: 'nano', maxNewTokens: 8 },
  env: { split: 'micro', tasks: ['click-test'], testTasks: ['focus-text'], maxSteps: 2, poolSize: 2 },
  teacher: { seeds: '3-4' },
  sft: { steps: 3, batchSize: 2, warmupSteps: 0 },
  rl: { iterations: 2, goalsPerIteration: 1, groupSize: 2, effectiveBatchSize: 4 },
  eval: { every: 2, heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
  checkpointEvery: 2,
};

describe('a tiny run in Node on the CPU engine', () => {
  it('pauses when interrupted, says how to resume, and the resumed run prints its summary as JSON', async () => {
    const configPath = file('tiny.json', JSON.stringify(TINY));
    const out = join(dir, 'runs');
    const command = parseArgs([
      'run',
      '--config',
      configPath,
      '--dom',
      'node',
      '--engine',
      'cpu',
      '--out',
      out,
      '--json',
    ]);

    // Ctrl-C before anything ran: the run pauses (while collecting its traces) and can be resumed.
    const paused = recorder();
    const interrupted = new AbortController();
    interrupted.abort();
    const code = await runRunCommand(command as RunCommand, paused.io, { interrupt: interrupted.signal });
    expect(code).toBe(PAUSED_EXIT_CODE);
    const hint = /npm run lab -- run --resume (\S+) --dom node --out (\S+) --engine cpu --json/.exec(
      paused.err.join('\n'),
    );
    expect(hint, paused.err.join('\n')).not.toBeNull();
    expect(hint![2]).toBe(out);
    expect(paused.out).toEqual([]);

    const resumed = recorder();
    const resumeArgv = [
      'run',
      '--resume',
      hint![1]!,
      '--dom',
      'node',
      '--out',
      out,
      '--engine',
      'cpu',
      '--json',
    ];
    expect(await main(resumeArgv, resumed.io), resumed.err.join('\n')).toBe(0);
    const last = JSON.parse(resumed.out.at(-1)!) as RunOutput;
    expect(last).toMatchObject({ run_id: hint![1], dom: 'node', backend: 'cpu', name: 'cli-tiny', steps: 5 });
    for (const field of ['heldout_goals_success', 'heldout_tasks_success', 'flops', 'wall_s'] as const) {
      expect(typeof last[field], field).toBe('number');
    }
    expect(last.heldout_goals_success).toBeGreaterThanOrEqual(0);
    expect(last.heldout_goals_success).toBeLessThanOrEqual(1);
    expect(last.flops).toBeGreaterThan(0);
    expect(last.engine).toBe('cpu');
    expect(last.engine_description).toMatch(/Training on the CPU/);
    // The results file beside the store is the same kind of file a browser run exports.
    const results = JSON.parse(readFileSync(join(out, `${last.run_id}.results.json`), 'utf8'));
    expect(results.schema).toBe('web-agent-lab/results');
    expect(results.runs[0].run.summary.run_id).toBe(last.run_id);
    expect(results.environment).toEqual({
      labVersion: expect.any(String),
      runtime: `Node.js ${process.version}`,
      adapter: last.adapter,
      engine: 'cpu',
    });
    // A real run's file passes the import's meaning checks (rates in [0, 1], FLOPs, its summary).
    expect(parseResultsFile(results).runs[0]!.metrics.length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'runs', `${last.run_id}.json`))).toBe(true);
    // Progress went to stderr: steps, losses and held-out success.
    const progress = resumed.err.join('\n');
    expect(progress).toMatch(/eval at step 0: held-out goals/);
    expect(progress).toMatch(/run finished/);
  }, 120_000);
});

describe('RunProgressLines', () => {
  const metric = (
    kind: MetricRecord['kind'],
    step: number,
    values: Record<string, number>,
  ): MetricRecord => ({
    runId: 'r',
    kind,
    step,
    phase: 'sft',
    flops: 1.5e9,
    wallMs: 0,
    values,
  });

  it('prints every evaluation, and training steps at most once an interval with the pace since the first', () => {
    let now = 0;
    const lines: string[] = [];
    const config = parseRunConfig({ sft: { steps: 10 } });
    const progress = new RunProgressLines(
      config,
      (line) => lines.push(line),
      1000,
      () => now,
    );
    progress.onEvent({
      type: 'metric',
      metric: metric('eval', 0, {
        heldOutGoalSuccess: 0.5,
        heldOutGoalStderr: 0.25,
        heldOutTaskSuccess: 0,
        heldOutTaskStderr: 0,
      }),
    });
    expect(lines).toEqual([
      'eval at step 0: held-out goals 50.0% ± 25.0%, held-out tasks 0.0% ± 0.0%, 1.50e+9 FLOPs',
    ]);
    now = 100;
    progress.onEvent({ type: 'metric', metric: metric('train', 1, { loss: 2 }) });
    // The first step has no pace yet.
    expect(lines.at(-1)).toBe('SFT step 1/10, loss 2.0000, held-out goals 50.0%');
    now = 600;
    progress.onEvent({ type: 'metric', metric: metric('train', 2, { loss: 1.5 }) });
    expect(lines).toHaveLength(2);
    now = 2100;
    progress.onEvent({ type: 'metric', metric: metric('train', 3, { loss: 1.25 }) });
    // 2000 ms for steps 1 -> 3: 1000 ms a step, 7 steps to go.
    expect(lines.at(-1)).toBe('SFT step 3/10, loss 1.2500, held-out goals 50.0%, ETA 7 s');
    now = 2200;
    progress.onEvent({ type: 'metric', metric: metric('train', 10, { loss: 1 }) });
    // The last step always gets its line.
    expect(lines.at(-1)).toMatch(/^SFT step 10\/10, loss 1\.0000/);
  });

  it('writes durations in seconds, minutes or hours', () => {
    expect([duration(42_000), duration(420_000), duration(9_000_000)]).toEqual(['42 s', '7 min', '2.5 h']);
  });
});

describe('a tiny run in headless Chromium', () => {
  it('keeps its runs in the --out folder: a later command resumes them, an unknown id exits 2', async () => {
    const out = join(dir, 'browser-runs');
    const config = join(dir, 'tiny-browser.json');
    writeFileSync(config, JSON.stringify(TINY));
    const first = recorder();
    expect(await main(['run', '--config', config, '--engine', 'cpu', '--out', out, '--json'], first.io)).toBe(
      0,
    );
    const summary = JSON.parse(first.out.at(-1)!) as { run_id: string; steps: number; dom: string };
    expect(summary).toMatchObject({ dom: 'browser', steps: 5 });

    // A second browser, on the same profile: the finished run is found and reported again.
    const again = recorder();
    expect(
      await main(['run', '--resume', summary.run_id, '--engine', 'cpu', '--out', out, '--json'], again.io),
    ).toBe(0);
    expect(JSON.parse(again.out.at(-1)!)).toMatchObject({ run_id: summary.run_id, steps: 5 });

    const missing = recorder();
    expect(await main(['run', '--resume', 'no-such-run', '--out', out], missing.io)).toBe(2);
    expect(missing.err.join('\n')).toMatch(/No run no-such-run in the browser profile .*browser-profile/);
  }, 300_000);
});
