import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { PAUSED_EXIT_CODE, pauseOnCtrlC } from '../../src/cli/interrupt.ts';
import type { RunConfigInput } from '../../src/train/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-ctrl-c-'));
/** Time a command has to pause after Ctrl-C: a step, an evaluation of two pages, and a checkpoint. */
const PAUSE_LIMIT_MS = 30_000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `npm run lab -- ARGS` as its own process group, as a terminal does with a command, and sends
 * SIGINT to the whole group (Ctrl-C) once stderr matches `when`. With `pipeInto`, the command's
 * output goes through that program first, as in `npm run lab -- ... 2>&1 | tee log`.
 */
function ctrlCDuring(
  args: string[],
  when: RegExp,
  pipeInto?: string,
): Promise<Ended & { interrupted: boolean }> {
  const command = ['npm', 'run', '--silent', 'lab', '--', ...args];
  const child = pipeInto
    ? spawn('sh', ['-c', `${command.join(' ')} 2>&1 | ${pipeInto}`], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(command[0]!, command.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = pipeInto ? child.stdout : child.stderr;
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  output.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!interrupted && when.test(stderr)) {
      interrupted = true;
      process.kill(-child.pid!, 'SIGINT');
      // A command that ignores Ctrl-C must fail the test, not outlive it.
      setTimeout(
        () => child.exitCode === null && child.signalCode === null && process.kill(-child.pid!, 'SIGKILL'),
        PAUSE_LIMIT_MS,
      ).unref();
    }
  });
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, interrupted })),
  );
}

/** A run whose SFT steps (each blocking the event loop on the float64 reference engine, the slowest) outlast the signal. */
const SLOW_SFT: RunConfigInput = {
  name: 'ctrl-c',
  model: { preset: 'nano', maxNewTokens: 8 },
  env: { split: 'micro', tasks: ['click-test'], testTasks: ['focus-text'], maxSteps: 2, poolSize: 2 },
  teacher: { seeds: '3-4' },
  sft: { steps: 40, batchSize: 2, warmupSteps: 0 },
  rl: { iterations: 0 },
  eval: { every: 100, heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
  checkpointEvery: 100,
};

describe('Ctrl-C in a terminal', () => {
  it('pauses `npm run lab -- run` at a step boundary with a checkpoint, and --resume finishes it', async () => {
    const config = join(dir, 'slow-sft.json');
    writeFileSync(config, JSON.stringify(SLOW_SFT));
    const out = join(dir, 'runs');
    const args = ['run', '--config', config, '--dom', 'node', '--engine', 'reference', '--out', out];

    const paused = await ctrlCDuring(args, /SFT step \d+\/40/);
    expect(paused.interrupted, paused.stderr).toBe(true);
    expect(paused.stderr).toMatch(/^Pausing: the run finishes its step and saves a checkpoint/m);
    expect(paused.stderr).not.toMatch(/Quitting at once/);
    const hint =
      /paused at its checkpoint of step (\d+)\. Resume it with:\n {2}(npm run lab -- (run --resume (\S+) .*))/.exec(
        paused.stderr,
      );
    expect(hint, paused.stderr).not.toBeNull();
    const [, step, , resumeArgs, runId] = hint!;
    expect(Number(step)).toBeGreaterThan(0);
    expect(Number(step)).toBeLessThan(40);
    const run = JSON.parse(readFileSync(join(out, 'runs', `${runId}.json`), 'utf8')) as { status: string };
    expect(run.status).toBe('paused');
    expect(readdirSync(join(out, 'checkpoints', runId!))).toContain(`${step}.json`);

    const resumed = await ctrlCDuring(resumeArgs!.split(' '), /(?!)/);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1)!)).toMatchObject({ run_id: runId, steps: 40 });
  }, 240_000);

  it('pauses a browser-mode run (training in headless Chromium) at a checkpoint', async () => {
    // The page reports a step at most every 3 s; on a fast machine the first line it printed was
    // step 11 of 12, and the pause then fell on the last step (the run finished, nothing to pause).
    // A longer run leaves room: it is paused long before its end, so the length costs nothing.
    const config = join(dir, 'browser.json');
    writeFileSync(
      config,
      JSON.stringify({ ...SLOW_SFT, name: 'browser', sft: { ...SLOW_SFT.sft, steps: 200 } }),
    );
    const args = ['run', '--config', config, '--engine', 'reference', '--out', join(dir, 'browser-runs')];
    const paused = await ctrlCDuring(args, /SFT step \d+\/200/);
    expect(paused.stderr).toMatch(/^Pausing: the run finishes its step and saves a checkpoint/m);
    const step = Number(
      /paused at its checkpoint of step (\d+)\. Resume it with:\n.* --dom browser /.exec(paused.stderr)?.[1],
    );
    expect(step, paused.stderr).toBeGreaterThan(0);
    expect(step).toBeLessThan(200);
  }, 180_000);

  it('pauses a run whose output goes through a pipe that Ctrl-C closes first', async () => {
    const config = join(dir, 'piped.json');
    writeFileSync(
      config,
      JSON.stringify({ ...SLOW_SFT, name: 'piped', sft: { ...SLOW_SFT.sft, steps: 200 } }),
    );
    const out = join(dir, 'piped-runs');
    const args = ['run', '--config', config, '--dom', 'node', '--engine', 'reference', '--out', out];
    const paused = await ctrlCDuring(args, /SFT step \d+\/200/, 'cat');
    expect(paused.interrupted, paused.stdout).toBe(true);
    const [runFile] = readdirSync(join(out, 'runs'));
    const run = JSON.parse(readFileSync(join(out, 'runs', runFile!), 'utf8')) as {
      id: string;
      status: string;
    };
    expect(run.status).toBe('paused');
    expect(readdirSync(join(out, 'checkpoints', run.id)).length).toBeGreaterThan(3);
  }, 120_000);

  it('stops `npm run lab -- pretrain` after its step and saves the model of that step', async () => {
    const config = join(dir, 'pretrain.json');
    writeFileSync(config, JSON.stringify({ preset: 'nano', steps: 500, batchSize: 2, evalSamples: 2 }));
    const out = join(dir, 'base-student');
    const stopped = await ctrlCDuring(['pretrain', '--config', config, '--out', out], /^step 1 /m);
    expect(stopped.stderr).toMatch(/^Pausing: pretraining finishes its step/m);
    const step = Number(/Pretraining stopped at step (\d+) of 500/.exec(stopped.stderr)?.[1]);
    expect(step, stopped.stderr).toBeGreaterThan(0);
    expect(step).toBeLessThan(500);
    const info = JSON.parse(readFileSync(join(out, 'nano-bytes-rotary.json'), 'utf8')) as {
      steps: number;
      complete: boolean;
    };
    expect(info).toMatchObject({ steps: step, complete: false });
    expect(JSON.parse(stopped.stdout.trim().split('\n').at(-1)!)).toMatchObject({ steps: step });
  }, 120_000);
});

describe('pauseOnCtrlC', () => {
  afterEach(() => vi.restoreAllMocks());

  it('pauses on the first SIGINT, takes one delivered twice as one press, and quits on a later one', () => {
    let now = 0;
    const lines: string[] = [];
    const io: CliIo = { out: () => undefined, err: (line) => void lines.push(line) };
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const before = process.listeners('SIGINT');
    const interrupt = pauseOnCtrlC(io, 'the work stops', () => now);
    // Called directly rather than emitted: the test runner has SIGINT listeners of its own.
    const added = process.listeners('SIGINT').filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);
    const press = (): void => void added[0]!('SIGINT');
    try {
      expect(interrupt.signal.aborted).toBe(false);
      press();
      expect(interrupt.signal.aborted).toBe(true);
      expect(lines).toEqual([expect.stringMatching(/^Pausing: the work stops \(Ctrl-C again quits/)]);
      // The same press relayed by npm or a shell: still pausing.
      now = 50;
      press();
      expect(exit).not.toHaveBeenCalled();
      now = 1500;
      press();
      expect(exit).toHaveBeenCalledWith(PAUSED_EXIT_CODE);
    } finally {
      interrupt.dispose();
    }
    expect(process.listeners('SIGINT')).toEqual(before);
  });
});
