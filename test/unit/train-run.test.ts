import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTokenizer, PADDING } from '../../src/agent/tokenizer.ts';
import { gatherTargetValues, packExamples } from '../../src/train/batches.ts';
import { FastCpuEngine } from '../../src/engine/cpu/engine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { DomEnvPool } from '../../src/env/dom-pool.ts';
import type { Observation } from '../../src/env/env.ts';
import type { EpisodeRunner } from '../../src/env/runner.ts';
import type { EpisodeResult } from '../../src/experts/episode.ts';
import { modelConfig } from '../../src/model/config.ts';
import { DexieStore } from '../../src/store/db.ts';
import type { MetricRecord } from '../../src/store/records.ts';
import { parseRunConfig, type RunConfigInput } from '../../src/train/config.ts';
import { grpoIteration } from '../../src/train/grpo.ts';
import { sampleFlops } from '../../src/train/evaluate.ts';
import { studentModelConfig } from '../../src/train/student.ts';
import { parseAction } from '../../src/env/actions.ts';
import {
  createRun,
  envOptionsOf,
  executeRun,
  selectCheckpoint,
  type RunEnvironment,
  type RunResult,
  type RunEvent,
} from '../../src/train/run.ts';

/** A tiny run: nano on the CPU, click-test to train on, focus-text held out, a few steps of each phase. */
const tiny: RunConfigInput = {
  name: 'tiny',
  seed: 1,
  model: { preset: 'nano', maxNewTokens: 8 },
  env: {
    split: 'micro',
    tasks: ['click-test'],
    testTasks: ['focus-text'],
    maxSteps: 2,
    poolSize: 2,
    observationFormat: 'axtree',
  },
  teacher: { seeds: '3-5' },
  sft: { steps: 2, batchSize: 2, warmupSteps: 0, learningRate: 1e-3 },
  rl: {
    iterations: 1,
    goalsPerIteration: 1,
    groupSize: 2,
    effectiveBatchSize: 4,
    seeds: '3-50',
    temperature: 1,
    errorLogFeedback: true,
  },
  eval: { every: 2, heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
  checkpointEvery: 1,
};

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanup) undo();
  cleanup = [];
});

/** Training tests run on the fast CPU engine; the float64 reference engine has tests of its own. */
const engines: Engine[] = [];
async function cpuEngine(): Promise<Engine> {
  const engine = await FastCpuEngine.open();
  engines.push(engine);
  return engine;
}
const sharedEngine = await cpuEngine();
afterAll(async () => {
  for (const engine of engines) await engine.dispose();
});

function environment(engine: Engine = sharedEngine): RunEnvironment & { store: DexieStore } {
  const store = new DexieStore(`run-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const runner = new DomEnvPool(2, envOptionsOf(parseRunConfig(tiny).env));
  cleanup.push(
    () => store.close(),
    () => runner.dispose(),
  );
  return {
    engine,
    runner,
    store,
    loadAsset: () => Promise.reject(new Error('no assets in this test')),
  };
}

/** The uninterrupted run's metrics (the first test), for the resumed runs to match. */
let reference: MetricRecord[] = [];

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
    expect(
      selectCheckpoint(
        [
          { step: 0, success: 0.5 },
          { step: 1, success: 0.5 },
        ],
        3,
      )?.step,
    ).toBe(0);
    expect(selectCheckpoint([], 3)).toBeNull();
  });
});

/** The paper's formula for nano (L 2, h 64, n = g 4, f 256, V 259): one token, m = 0, in a sequence of s. */
const nanoTokenFlops = (s: number): number =>
  12 * 2 * 64 * 64 * (1 + 1 + s / 64) + 18 * 2 * 64 * 256 + 6 * 259 * 64;

/** One-step episodes through the real policy: in each group of two, the first succeeds and the second fails (or all fail). */
function scriptedRunner(outcome: (index: number) => boolean): EpisodeRunner {
  return {
    size: 4,
    envOptions: {},
    async run(episodes, policyFor) {
      return Promise.all(
        episodes.map(async (episode, index): Promise<EpisodeResult> => {
          const observation = {
            utterance: 'Click the button.',
            text: 'button "OK" [5]',
            lastError: null,
            step: 0,
            tree: {},
          };
          const view = { observation: observation as unknown as Observation, history: [], memory: {} };
          const step = await policyFor(episode)(view);
          const success = outcome(index);
          const reward = success ? 1 : -1;
          return {
            ...episode,
            success,
            reward,
            rawReward: reward,
            failure: null,
            steps: [
              {
                observation: observation.text,
                utterance: observation.utterance,
                lastError: null,
                ...step,
                reward,
                error: null,
              },
            ],
          };
        }),
      );
    },
  };
}

describe('grpoIteration', () => {
  const tokenizer = createTokenizer({ kind: 'bytes' });
  const model = modelConfig('nano', { vocabSize: tokenizer.vocabSize });

  async function iterate(rl: object, outcome: (index: number) => boolean) {
    const engine = await cpuEngine();
    await engine.create(model, 0);
    const config = parseRunConfig({
      ...tiny,
      rl: {
        ...tiny.rl,
        goalsPerIteration: 2,
        groupSize: 2,
        effectiveBatchSize: 3,
        learningRate: 1e-6,
        ...rl,
      },
    });
    return grpoIteration(
      {
        engine,
        tokenizer,
        runner: scriptedRunner(outcome),
        config,
        model,
        tasks: ['click-test'],
        seeds: [3, 4],
        taskSuccess: {},
      },
      0,
    );
  }

  it('raises the log-probability of the actions that succeeded and lowers the others', async () => {
    const engine = await cpuEngine();
    await engine.create(model, 0);
    const config = parseRunConfig({
      ...tiny,
      rl: { ...tiny.rl, goalsPerIteration: 2, groupSize: 2, effectiveBatchSize: 4, learningRate: 3e-3 },
    });
    // In each group the first episode succeeds: advantage +1 on its tokens, -1 on the other's.
    const result = await grpoIteration(
      {
        engine,
        tokenizer,
        runner: scriptedRunner((index) => index % 2 === 0),
        config,
        model,
        tasks: ['click-test'],
        seeds: [3, 4],
        taskSuccess: {},
      },
      0,
    );
    expect(result.updates).toBe(1);
    for (const [index, episode] of result.episodes.entries()) {
      const sample = episode.steps[0]!.sample!;
      const examples = [{ prompt: sample.prompt, target: sample.tokens }];
      const packed = packExamples(examples, { context: model.context, packing: false, padding: PADDING });
      const after = gatherTargetValues(packed, examples, await engine.logProbs(packed.batch))[0]!;
      const change = after.reduce((sum, logProb, j) => sum + logProb - sample.logProbs[j]!, 0);
      // One AdamW step moves the sequence's log-probability in the direction of its advantage.
      if (index % 2 === 0) expect(change).toBeGreaterThan(0);
      else expect(change).toBeLessThan(0);
    }
  });

  /** Hand count: each example of n = prompt + generated tokens trains on n - 1 positions, one segment. */
  const lengths = (episodes: readonly EpisodeResult[]): number[] =>
    episodes.flatMap((e) => e.steps.map((s) => s.sample!.prompt.length + s.sample!.tokens.length));

  it('trains on mixed groups in updates of effectiveBatchSize, and counts rollout and training FLOPs', async () => {
    const result = await iterate({}, (index) => index % 2 === 0);
    // Two goals x two episodes of one step: advantages +1 and -1 (mean 0, std 1), none filtered.
    expect(result.values).toMatchObject({
      episodes: 4,
      examples: 4,
      filteredFraction: 0,
      success: 0.5,
      reward: 0,
    });
    expect(result.updates).toBe(2); // 3 examples, then 1
    expect(result.values.loss).toEqual(expect.any(Number));
    const n = lengths(result.episodes);
    expect(result.rolloutFlops).toBeCloseTo(
      n.reduce((sum, s) => sum + s * nanoTokenFlops(s), 0),
      0,
    );
    expect(result.trainingFlops).toBeCloseTo(
      n.reduce((sum, s) => sum + (s - 1) * 4 * nanoTokenFlops(s - 1), 0),
      0,
    );
    expect(result.taskSuccess).toEqual({ 'click-test': 0.5 });
  });

  it('adds the forward pass of the importance ratio, forward only, and clips nothing on the rollout policy', async () => {
    const result = await iterate(
      { importanceRatio: true, effectiveBatchSize: 4 },
      (index) => index % 2 === 0,
    );
    expect(result.updates).toBe(1);
    expect(result.values.clippedFraction).toBe(0);
    const n = lengths(result.episodes);
    expect(result.trainingFlops).toBeCloseTo(
      n.reduce((sum, s) => sum + (s - 1) * 5 * nanoTokenFlops(s - 1), 0),
      0,
    );
  });

  it('drops all-failure groups with zero-advantage filtering, and keeps them as zero weights without', async () => {
    const filtered = await iterate({}, () => false);
    expect(filtered.values).toMatchObject({ examples: 0, filteredFraction: 1, updates: 0 });
    expect(filtered.values.loss).toBeUndefined();
    expect(filtered.trainingFlops).toBe(0);

    const kept = await iterate({ zeroAdvantageFiltering: false }, () => false);
    expect(kept.values).toMatchObject({ examples: 4, filteredFraction: 0, updates: 2, loss: 0, gradNorm: 0 });
  });
});

describe('a run', () => {
  it('goes through traces, SFT and RL, and records every metric and checkpoint once', async () => {
    const env = environment();
    const run = await createRun(env.store, tiny);
    expect(run.status).toBe('created');
    const events: RunEvent[] = [];
    const finished = await executeRun(run.id, env, { onEvent: (event) => events.push(event) });

    expect(finished.status).toBe('finished');
    expect(await storedRows(env, run.id)).toEqual(EXPECTED_ROWS);
    const metrics = await env.store.metrics(run.id);
    const train = metrics.filter((m) => m.kind === 'train');
    expect(train.map((m) => m.phase)).toEqual(['sft', 'sft', 'rl']);
    for (let i = 1; i < train.length; i++) {
      expect(train[i]!.flops).toBeGreaterThan(train[i - 1]!.flops);
    }
    expect(train[0]!.values.loss).toBeGreaterThan(0);
    expect(train[2]!.values).toMatchObject({ episodes: 2 });
    const evals = metrics.filter((m) => m.kind === 'eval');
    expect(evals[0]!.perTask).toEqual({ 'click-test': expect.any(Number), 'focus-text': expect.any(Number) });

    expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1, 2, 3]);
    const dataset = await env.store.getDataset(finished.datasetId!);
    expect(dataset?.stats.kept).toBe(3);
    const state = finished.state;
    expect(state.compute.teacher).toBe(dataset?.stats.teacherFlops);
    expect(state.compute.sftTraining).toBeGreaterThan(0);
    expect(state.compute.rollouts).toBeGreaterThan(0);
    expect(state.compute.evaluation).toBeGreaterThan(0);
    const sftCompute = state.compute.teacher + state.compute.sftTraining;
    expect(state.sftFlopsAtBranch).toBe(sftCompute);
    expect(finished.summary).toMatchObject({
      run_id: run.id,
      steps: 3,
      flops: metrics.at(-1)!.flops,
      sft_flops_at_branch: sftCompute,
    });
    expect(events.filter((e) => e.type === 'metric')).toHaveLength(EXPECTED_ROWS.length);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'finished' });
    reference = metrics;

    // An RL run branched off the SFT checkpoint at step 2 starts there, with its state and FLOPs.
    const sftCheckpoint = (await env.store.listCheckpoints(run.id)).find((c) => c.step === 2)!;
    const branch = await createRun(env.store, { ...tiny, branch: { runId: run.id, step: 2 } });
    const branched = await executeRun(branch.id, env);
    expect(branched.status).toBe('finished');
    expect(await storedRows(env, branch.id)).toEqual(['eval@2', 'train@3', 'eval@3']);
    expect((await env.store.listCheckpoints(branch.id)).map((c) => c.step)).toEqual([2, 3]);
    const branchMetrics = await env.store.metrics(branch.id);
    expect(branchMetrics.map((m) => m.phase)).toEqual(['rl', 'rl', 'rl']);
    expect((branched.summary as RunResult | null)?.sft_flops_at_branch).toBe(
      sftCheckpoint.state.compute.teacher + sftCheckpoint.state.compute.sftTraining,
    );
    expect(branchMetrics[0]!.flops).toBeGreaterThan(sftCheckpoint.flops);
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
    const loss = async (step: number): Promise<number> =>
      (await env.store.metrics(run.id, 'train')).find((m) => m.step === step)!.values.loss!;
    const referenceLoss = (step: number): number =>
      reference.find((m) => m.kind === 'train' && m.step === step)!.values.loss!;
    expect(reference).toHaveLength(EXPECTED_ROWS.length);
    expect(await loss(1)).toBe(referenceLoss(1));
    expect(await loss(2)).toBeCloseTo(referenceLoss(2), 4);
  });

  it('resumes after a crash from its last checkpoint, with every metric once', async () => {
    const engine = await cpuEngine();
    let trainSteps = 0;
    // The engine dies in the second SFT step, after the first step's metric and checkpoint.
    const crashing = new Proxy(engine, {
      get(target, key, receiver) {
        if (key === 'trainStep') {
          return (...args: Parameters<Engine['trainStep']>) => {
            if (++trainSteps === 2) throw new Error('The GPU device was lost (unknown). Rebuild the engine.');
            return target.trainStep(...args);
          };
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
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
    const run = await createRun(env.store, { ...tiny, rl: { ...tiny.rl, constrainedDecoding: true } });
    await expect(executeRun(run.id, env)).rejects.toThrow(/raise model\.maxNewTokens to at least 32/);
    expect(await env.store.listDatasets()).toEqual([]);
  });

  it('refuses a runner whose envs differ from the run settings', async () => {
    const env = { ...environment(), runner: new DomEnvPool(2, { maxSteps: 2 }) };
    cleanup.push(() => env.runner.dispose());
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
