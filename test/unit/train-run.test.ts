import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { DomEnvPool } from '../../src/env/dom-pool.ts';
import type { EpisodeResult } from '../../src/env/episode.ts';
import type { MetricRecord } from '../../src/store/records.ts';
import { parseRunConfig } from '../../src/train/config.ts';
import { sampleFlops } from '../../src/train/evaluate.ts';
import { createTokenizer } from '../../src/agent/tokenizer.ts';
import { teacherStepFlops } from '../../src/train/compute.ts';
import { traceExamples } from '../../src/train/examples.ts';
import { studentModelConfig } from '../../src/train/student.ts';
import { parseAction } from '../../src/env/actions.ts';
import { createRun, executeRun } from '../../src/train/run.ts';
import { selectCheckpoint } from '../../src/train/evaluate.ts';
import { type RunEnvironment } from '../../src/train/run-environment.ts';
import { type RunEvent } from '../../src/train/run-book.ts';
import { cleanup, cpuEngine, crashingAt, environment, onCleanup, tiny } from './train-fixtures.ts';

afterEach(cleanup);

/** The uninterrupted run's metrics, for the resumed runs to match: the first test's, or a run of its own when a test runs alone. */
let referenceMetrics: Promise<MetricRecord[]> | null = null;
function uninterruptedMetrics(): Promise<MetricRecord[]> {
  referenceMetrics ??= (async () => {
    const env = environment();
    const run = await createRun(env.store, tiny);
    await executeRun(run.id, env);
    return env.store.metrics(run.id);
  })();
  return referenceMetrics;
}

const rowsOf = (metrics: readonly MetricRecord[]): string[] => metrics.map((m) => `${m.kind}@${m.step}`);

/** Every train row's step, phase and FLOPs, and every eval row's step. */
const EXPECTED_ROWS = ['eval@0', 'train@1', 'train@2', 'eval@2', 'train@3', 'eval@3'];

async function storedRows(env: RunEnvironment, runId: string): Promise<string[]> {
  const metrics = await env.store.metrics(runId);
  return rowsOf([...metrics].sort((a, b) => a.step - b.step || (a.kind === 'train' ? -1 : 1)));
}

describe('selectCheckpoint', () => {
  it('takes the best rolling mean of held-out-goal success, the earliest on ties', () => {
    const history = [
      { step: 0, success: 0.2 },
      { step: 2, success: 0.6 },
      { step: 4, success: 0.4 },
      { step: 6, success: 0.8 },
      { step: 8, success: 0.3 },
    ];
    // Window 3: 0.2, 0.4, 0.4, (0.6 + 0.4 + 0.8) / 3 = 0.6, (0.4 + 0.8 + 0.3) / 3 = 0.5.
    const best = selectCheckpoint(history, 3);
    expect(best?.step).toBe(6);
    expect(best?.smoothed).toBeCloseTo(0.6, 12);
    expect(selectCheckpoint(history, 1)).toEqual({ step: 6, smoothed: 0.8 });
    // Window 2: 0.2, 0.4, 0.5, 0.6, 0.55.
    expect(selectCheckpoint(history, 2)?.step).toBe(6);
    // Fewer evaluations than the window: the window is all of them, so only the last is a candidate.
    expect(
      selectCheckpoint(
        [
          { step: 0, success: 0.5 },
          { step: 1, success: 0.5 },
        ],
        3,
      )?.step,
    ).toBe(1);
    expect(selectCheckpoint([], 3)).toBeNull();
  });

  it('applies the same window at every step: one lucky early evaluation cannot win alone', () => {
    const history = [1, 0.2, 0.3, 0.9, 0.9, 0.8].map((success, i) => ({ step: 10 * i, success }));
    // Full windows only: (1 + 0.2 + 0.3) / 3 = 0.5, 0.47, 0.7, 0.87: step 50 (0.9 + 0.9 + 0.8), not step 0.
    expect(selectCheckpoint(history, 3)).toEqual({ step: 50, smoothed: expect.closeTo(2.6 / 3, 12) });
  });
});

describe('a run', () => {
  it('goes through traces, SFT and RL, and records every metric and checkpoint once', async () => {
    const env = environment();
    const run = await createRun(env.store, tiny);
    expect(run.status).toBe('created');
    const events: RunEvent[] = [];
    const written = vi.spyOn(env.store, 'putCheckpoint');
    const finished = await executeRun(run.id, env, { onEvent: (event) => events.push(event) });
    // Each checkpoint written once: a phase's last step only after its end-of-phase evaluation, so a
    // run cut off between the two resumes from the step before and never from a step missing its row.
    expect(written.mock.calls.map(([c]) => c.step)).toEqual([0, 1, 2, 3]);

    expect(finished.status).toBe('finished');
    expect(await storedRows(env, run.id)).toEqual(EXPECTED_ROWS);
    const metrics = await env.store.metrics(run.id);
    const train = metrics.filter((m) => m.kind === 'train');
    expect(train.map((m) => m.phase)).toEqual(['sft', 'sft', 'rl']);
    for (let i = 1; i < train.length; i++) {
      expect(train[i]!.flops).toBeGreaterThan(train[i - 1]!.flops);
    }
    expect(train[0]!.values.loss).toBeGreaterThan(0);
    expect(train[2]!.values.episodes).toBeOneOf([2, 4]);
    const evals = metrics.filter((m) => m.kind === 'eval');
    expect(evals[0]!.perTask).toEqual({ 'click-test': expect.any(Number), 'focus-text': expect.any(Number) });

    expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1, 2, 3]);
    const dataset = await env.store.getDataset(finished.datasetId!);
    expect(dataset?.stats.kept).toBe(3);
    const state = finished.state;
    // The teacher is counted in the student's tokens (not the dataset's UTF-8 bytes), charged as
    // SFT first reads its examples: none at step 0, 2 of 3 after the first step of 2, all after.
    const traces = await env.store.traces(dataset!.id);
    const examples = traces.flatMap((trace) =>
      traceExamples(createTokenizer({ kind: 'bytes' }), trace, {
        prompt: { historyLength: 5, errorLogFeedback: true },
        context: 256,
        maxNewTokens: 8,
      }),
    );
    const nano = studentModelConfig(parseRunConfig(tiny), 259);
    const teacherTotal = examples.reduce(
      (sum, e) => sum + teacherStepFlops(nano, null, e.prompt.length, e.target.length, 'nano').flops,
      0,
    );
    expect(state.compute.teacher).toBeCloseTo(teacherTotal, 0);
    expect(state.compute.teacher).not.toBeCloseTo(dataset!.stats.teacherFlops, 0);
    const teacherAt = (kind: string, step: number): number | undefined =>
      metrics.find((m) => m.kind === kind && m.step === step)?.compute?.teacher;
    expect(teacherAt('eval', 0)).toBe(0);
    expect(teacherAt('train', 1)).toBeCloseTo((2 / 3) * teacherTotal, 0);
    expect(teacherAt('train', 2)).toBeCloseTo(teacherTotal, 0);
    // Every row: the training-compute axis, and the breakdown behind it (evaluation beside it, not on it).
    for (const row of metrics) {
      const c = row.compute!;
      expect(row.flops).toBeCloseTo(c.teacher + c.sftTraining + c.rollouts + c.rlTraining, 0);
    }
    expect(metrics.at(-1)!.compute!.evaluation).toBeGreaterThan(0);
    expect(state.compute.sftTraining).toBeGreaterThan(0);
    expect(state.compute.rollouts).toBeGreaterThan(0);
    expect(state.compute.evaluation).toBeGreaterThan(0);
    const sftCompute = state.compute.teacher + state.compute.sftTraining;
    expect(state.sftFlopsAtBranch).toBe(sftCompute);
    expect(finished.summary).toMatchObject({
      run_id: run.id,
      steps: 3,
      flops: metrics.at(-1)!.flops,
      compute: state.compute,
      sft_flops_at_branch: sftCompute,
    });
    // Each phase selects among its own evaluations; the run reports RL's, an RL checkpoint.
    expect(finished.summary!.sft?.selected_step).toBe(2);
    expect(finished.summary!.rl?.selected_step).toBe(3);
    expect(finished.summary!.selected_step).toBe(3);
    expect(events.filter((e) => e.type === 'metric')).toHaveLength(EXPECTED_ROWS.length);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'finished' });
    referenceMetrics = Promise.resolve(metrics);

    // An RL run branched off the SFT checkpoint at step 2 starts there, with its state and FLOPs.
    const sftCheckpoint = (await env.store.listCheckpoints(run.id)).find((c) => c.step === 2)!;
    const branch = await createRun(env.store, { ...tiny, branch: { runId: run.id, step: 2 } });
    const branched = await executeRun(branch.id, env);
    expect(branched.status).toBe('finished');
    expect(await storedRows(env, branch.id)).toEqual(['eval@2', 'train@3', 'eval@3']);
    expect((await env.store.listCheckpoints(branch.id)).map((c) => c.step)).toEqual([2, 3]);
    const branchMetrics = await env.store.metrics(branch.id);
    expect(branchMetrics.map((m) => m.phase)).toEqual(['rl', 'rl', 'rl']);
    expect(branched.summary?.selected_step).toBe(3);
    expect(branched.summary?.sft_flops_at_branch).toBe(
      sftCheckpoint.state.compute.teacher + sftCheckpoint.state.compute.sftTraining,
    );
    // It starts at the checkpoint's training compute: its first evaluation is not on the axis.
    expect(branchMetrics[0]!.flops).toBe(sftCheckpoint.flops);
    expect(branchMetrics[0]!.compute!.evaluation).toBeGreaterThan(sftCheckpoint.state.compute.evaluation);
    expect(branched.state.compute.teacher).toBe(state.compute.teacher);
    expect(branched.state.compute.sftTraining).toBe(sftCheckpoint.state.compute.sftTraining);
  });

  it('pauses on abort after the current step, and resumes to the same rows, none twice', async () => {
    const env = environment();
    const run = await createRun(env.store, tiny);
    const controller = new AbortController();
    const paused = await executeRun(run.id, env, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'metric' && event.metric.kind === 'train') controller.abort();
      },
    });
    expect(paused.status).toBe('paused');
    expect(await storedRows(env, run.id)).toEqual(['eval@0', 'train@1']);
    expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1]);

    const resumed = await executeRun(run.id, env);
    expect(resumed.status).toBe('finished');
    expect(await storedRows(env, run.id)).toEqual(EXPECTED_ROWS);
    expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1, 2, 3]);

    // Same seed, same batches: the uninterrupted run's SFT losses, up to the checkpoint's float32 rounding.
    const reference = await uninterruptedMetrics();
    const loss = async (step: number): Promise<number> =>
      (await env.store.metrics(run.id, 'train')).find((m) => m.step === step)!.values.loss!;
    const referenceLoss = (step: number): number =>
      reference.find((m) => m.kind === 'train' && m.step === step)!.values.loss!;
    expect(reference).toHaveLength(EXPECTED_ROWS.length);
    expect(await loss(1)).toBe(referenceLoss(1));
    expect(await loss(2)).toBeCloseTo(referenceLoss(2), 4);
  });

  it('resumes after a crash from its last checkpoint, with every metric once', async () => {
    // The engine dies in the second SFT step, after the first step's metric and checkpoint.
    const crashing = crashingAt(
      await cpuEngine(),
      2,
      new Error('The GPU device was lost (unknown). Rebuild the engine.'),
    );
    const env = environment(crashing);
    const run = await createRun(env.store, tiny);
    await expect(executeRun(run.id, env)).rejects.toThrow(
      /device was lost.*can be resumed from its last checkpoint \(step 1\)/,
    );
    expect((await env.store.getRun(run.id))?.status).toBe('failed');

    const resumed = await executeRun(run.id, { ...env, engine: await cpuEngine() });
    expect(resumed.status).toBe('finished');
    expect(resumed.error).toBeNull();
    expect(await storedRows(env, run.id)).toEqual(EXPECTED_ROWS);
    expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1, 2, 3]);
  });

  it('pauses when its pages are closed mid-evaluation, keeps nothing of that evaluation, and resumes', async () => {
    // The pages go while the student writes its first action of the evaluation after step 2: the
    // episode then acts on a closed page, which can never end (its timers never fire).
    const env = environment();
    let closeAtNextGenerate = false;
    const engine = new Proxy(env.engine, {
      get(target, key, receiver) {
        if (key === 'generate') {
          return (...args: Parameters<Engine['generate']>) => {
            if (closeAtNextGenerate) {
              closeAtNextGenerate = false;
              (env.runner as DomEnvPool).dispose();
            }
            return target.generate(...args);
          };
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const run = await createRun(env.store, tiny);
    const statuses: string[] = [];
    const paused = await executeRun(
      run.id,
      { ...env, engine },
      {
        onEvent: (event) => {
          if (event.type === 'metric' && event.metric.kind === 'train' && event.metric.step === 2) {
            closeAtNextGenerate = true;
          }
          if (event.type === 'status') statuses.push(`${event.status}: ${event.message}`);
        },
      },
    );
    expect(paused.status).toBe('paused');
    expect(statuses.at(-1)).toMatch(
      /^paused: Paused: The task page .* was closed while an episode ran on it.*from the last checkpoint \(step 1\)\.$/,
    );
    // No evaluation of step 2 from episodes cut off by the closed pages, and no checkpoint after it.
    expect(await storedRows(env, run.id)).toEqual(['eval@0', 'train@1', 'train@2']);
    expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1]);
    expect((await env.store.getRun(run.id))?.state.step).toBe(1);

    const runner = new DomEnvPool(2, env.runner.envOptions);
    onCleanup(() => runner.dispose());
    const resumed = await executeRun(run.id, { ...env, runner });
    expect(resumed.status).toBe('finished');
    expect(await storedRows(env, run.id)).toEqual(EXPECTED_ROWS);
    expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1, 2, 3]);
  });

  it('with constrained decoding, the student only emits well-formed actions on existing bids', async () => {
    const env = environment();
    const run = await createRun(env.store, {
      ...tiny,
      model: { ...tiny.model, maxNewTokens: 32 },
      sft: { ...tiny.sft, steps: 0 },
      rl: { ...tiny.rl, constrainedDecoding: true },
    });
    const episodes: EpisodeResult[] = [];
    const finished = await executeRun(run.id, env, {
      onEvent: (event) => {
        if (event.type === 'episode') episodes.push(event.result);
      },
    });
    expect(finished.status).toBe('finished');
    const steps = episodes.flatMap((episode) => episode.steps);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      // The untrained student may act wrongly, but never malformed or on a missing element.
      expect(parseAction(step.action).ok).toBe(true);
      expect(step.error).toBeNull();
    }
    // The candidates it scored are charged beyond the samples' own tokens (rollouts and evaluations).
    const { rollouts, evaluation } = finished.state.compute;
    const samplesOnly = sampleFlops(studentModelConfig(parseRunConfig(tiny), 259), episodes);
    expect(rollouts + evaluation).toBeGreaterThan(1.5 * samplesOnly);
  });

  it('refuses constrained decoding without room for an action', async () => {
    const env = environment();
    await expect(
      createRun(env.store, { ...tiny, rl: { ...tiny.rl, constrainedDecoding: true } }),
    ).rejects.toThrow(/raise model\.maxNewTokens to at least 32/);
    expect(await env.store.listRuns()).toEqual([]);
    expect(await env.store.listDatasets()).toEqual([]);
  });

  it('refuses a runner whose envs differ from the run settings', async () => {
    const env = { ...environment(), runner: new DomEnvPool(2, { maxSteps: 2 }) };
    onCleanup(() => env.runner.dispose());
    const run = await createRun(env.store, tiny);
    await expect(executeRun(run.id, env)).rejects.toThrow(
      /differ from the run's env settings in format \(html, not axtree\): build the runner with envOptionsOf/,
    );
  });

  it('never stores the LLM key', async () => {
    const env = environment();
    const run = await createRun(env.store, {
      ...tiny,
      teacher: { kind: 'llm', llm: { apiKey: 'sk-secret' } },
    });
    expect(JSON.stringify(await env.store.getRun(run.id))).not.toContain('sk-secret');
  });
});
