import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHarness, openLabBrowser, type LabBrowser } from '../../src/cli/lab-browser.ts';
import type { RunTrainingStatus } from '../../src/harness/api.ts';
import type { RunConfigInput } from '../../src/train/config.ts';

/*
 * Issue 4's acceptance test, end to end in real Chromium with real IndexedDB, driven as the CLI
 * drives the harness page: a tiny run (nano; SFT, then RL) is reloaded away in its middle, resumed
 * by id, and must finish with every metric row and checkpoint stored exactly once. It launches its
 * own browser (playwright-core), so it lives with the unit tests, with a timeout for SwiftShader.
 */

const TINY: RunConfigInput = {
  name: 'e2e-reload',
  model: { preset: 'nano', maxNewTokens: 8 },
  env: { split: 'micro', tasks: ['click-test'], testTasks: ['focus-text'], maxSteps: 2, poolSize: 2 },
  teacher: { seeds: '3-4' },
  sft: { steps: 3, batchSize: 2, warmupSteps: 0 },
  rl: { iterations: 2, goalsPerIteration: 1, groupSize: 2, effectiveBatchSize: 4 },
  eval: { every: 2, heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
  checkpointEvery: 1,
};

/*
 * Hand-derived from src/train/run.ts for TINY. Step 0: an evaluation and a checkpoint before any
 * training. SFT steps 1-3 (one row and checkpoint each; evaluation at 2 by eval.every, and at 3 as
 * the end of the phase). Each RL iteration is one step: its 1 goal x 2 episodes of at most 2 steps
 * make at most 4 examples, one update of effectiveBatchSize 4, or none when filtered, which still
 * counts one step. Iteration 1 is step 4 (eval.every), iteration 2 is step 5 (end of the phase).
 */
const TRAIN_STEPS = [1, 2, 3, 4, 5];
const EVAL_STEPS = [0, 2, 3, 4, 5];
const CHECKPOINT_STEPS = [0, 1, 2, 3, 4, 5];

const STORE = `e2e-run-reload-${process.pid}`;
const POLL_MS = 250;

let lab: LabBrowser;
const pageErrors: string[] = [];
const progress: string[] = [];

beforeAll(async () => {
  lab = await openLabBrowser({
    onProgress: (line) => progress.push(line),
    onPageError: (message) => pageErrors.push(message),
  });
}, 120_000);

afterAll(async () => {
  await lab?.close();
});

function status(runId: string): Promise<RunTrainingStatus> {
  return callHarness(lab.page, 'trainingStatus', runId, STORE);
}

async function waitFor(
  runId: string,
  done: (s: RunTrainingStatus) => boolean,
  what: string,
  timeoutMs: number,
): Promise<RunTrainingStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(runId);
    if (done(s)) return s;
    if (s.status === 'failed' || Date.now() > deadline) {
      throw new Error(`Gave up waiting for ${what}: ${JSON.stringify(s)}\n${progress.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

describe('a run in the harness page', () => {
  it('survives a reload in its middle and ends with every metric and checkpoint stored once', async () => {
    const request = { builtInPage: lab.builtInPage, backend: 'auto' as const, storeName: STORE };
    const started = performance.now();
    const { runId } = await callHarness(lab.page, 'startTraining', { ...request, config: TINY });
    // The pending call dies with the page; that is the point of the test.
    const firstResult = callHarness(lab.page, 'trainingResult').then(
      () => 'finished before the reload',
      () => 'cut off by the reload',
    );

    const before = await waitFor(
      runId,
      (s) => s.checkpoints.some((c) => c.step > 0),
      'a checkpoint after step 0',
      240_000,
    );
    expect(before.status).toBe('running');
    await lab.page.reload();
    await lab.page.waitForFunction(() => window.lab !== undefined, null, { timeout: 60_000 });
    expect(await firstResult).toBe('cut off by the reload');

    const interrupted = await status(runId);
    expect(interrupted.status, 'the stored run still says running: nobody paused it').toBe('running');
    expect(interrupted.summary).toBeNull();
    const resumeFrom = interrupted.checkpoints.at(-1)!.step;
    expect(resumeFrom).toBeGreaterThan(0);
    expect(resumeFrom, 'the reload came in the middle').toBeLessThan(CHECKPOINT_STEPS.at(-1)!);

    // The old page's worker may still write a checkpoint while the reload is under way, so the
    // line between kept and new checkpoints is the resume call, not the reload call.
    const resumedAt = Date.now();
    await callHarness(lab.page, 'startTraining', { ...request, resumeRunId: runId });
    const report = await callHarness(lab.page, 'trainingResult');
    expect(report.error).toBeNull();
    expect(report.status).toBe('finished');

    const after = await status(runId);
    const stepsOf = (kind: 'train' | 'eval'): number[] =>
      after.metrics.filter((m) => m.kind === kind).map((m) => m.step);
    expect(stepsOf('train')).toEqual(TRAIN_STEPS);
    expect(stepsOf('eval')).toEqual(EVAL_STEPS);
    expect(after.checkpoints.map((c) => c.step)).toEqual(CHECKPOINT_STEPS);
    // Checkpoints up to the one resumed from were kept from before the reload; later ones are new.
    // Seen twice in full suites (checkpoint 3 written again after the resume call): the run then wrote
    // a phase's last checkpoint before its end-of-phase evaluation and again after it, and a reload
    // between the two resumed from the first. Now it is written once (train-run.test.ts counts the
    // writes). What the store held and what the page said make any failure explain itself.
    const held = JSON.stringify(interrupted.checkpoints.map((c) => [c.step, c.createdAt]));
    const story = `resume from ${resumeFrom} at ${resumedAt}; before it: ${held}\n${progress.slice(-20).join('\n')}`;
    for (const c of after.checkpoints) {
      if (c.step <= resumeFrom) expect(c.createdAt, `checkpoint ${c.step}: ${story}`).toBeLessThan(resumedAt);
      else expect(c.createdAt, `checkpoint ${c.step}: ${story}`).toBeGreaterThan(resumedAt);
    }

    expect(after.status).toBe('finished');
    expect(after.summary).toMatchObject({ run_id: runId, steps: 5 });
    expect(EVAL_STEPS).toContain(after.summary!.selected_step);
    for (const field of ['heldout_goals_success', 'heldout_tasks_success', 'flops', 'wall_s'] as const) {
      expect(Number.isFinite(after.summary![field]), field).toBe(true);
    }
    expect(after.summary!.flops).toBeGreaterThan(0);
    expect(report.summary).toEqual(after.summary);
    expect(pageErrors).toEqual([]);
    // The harness page is cross-origin isolated, so the engine's worker has shared memory for threads.
    expect(report.adapter).not.toMatch(/SharedArrayBuffer is unavailable/);
    console.info(
      `e2e run with a reload at step ${resumeFrom}: ${((performance.now() - started) / 1000).toFixed(1)} s on ${report.adapter}`,
    );
  }, 420_000);
});
