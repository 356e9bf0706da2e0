import { describe, expect, it } from 'vitest';
import { createTokenizer, PADDING, type Tokenizer } from '../../src/agent/tokenizer.ts';
import { CpuEngine } from '../../src/engine/cpu-engine.ts';
import type { StepBatches, TrainStepOptions } from '../../src/engine/engine.ts';
import type { Observation } from '../../src/env/env.ts';
import type { EpisodeResult } from '../../src/env/episode.ts';
import type { EpisodeRunner } from '../../src/env/runner.ts';
import type { TokenBatch } from '../../src/model/batch.ts';
import { modelConfig } from '../../src/model/config.ts';
import { gatherTargetValues, packExamples } from '../../src/model/packing.ts';
import { parseRunConfig } from '../../src/train/config.ts';
import { grpoIteration, type GrpoContext } from '../../src/train/grpo.ts';

/**
 * Multi-turn GRPO against a scripted runner (the real student policy, scripted pages and outcomes):
 * what each optimizer update holds, how credit reaches each step, and what the knobs change.
 */

const tokenizer = createTokenizer({ kind: 'bytes' });
const model = modelConfig('nano', { vocabSize: tokenizer.vocabSize });

/** The paper's formula for nano (L 2, h 64, n = g 4, f 256, V 259): one token, m = 0, in a sequence of s. */
const nanoTokenFlops = (s: number): number =>
  12 * 2 * 64 * 64 * (1 + 1 + s / 64) + 18 * 2 * 64 * 256 + 6 * 259 * 64;

/**
 * Episodes of `steps(i)` steps through the real policy; episode i of a round (over all its calls)
 * ends with success when `outcome(i)`. Each step's page names its episode and step, so a training
 * example can be traced back to the step it came from.
 */
function scriptedRunner(outcome: (index: number) => boolean, steps: (index: number) => number = () => 1) {
  let played = 0;
  const runner: EpisodeRunner = {
    size: 4,
    envOptions: {},
    async run(episodes, policyFor) {
      return Promise.all(
        episodes.map(async (episode): Promise<EpisodeResult> => {
          const index = played++;
          const success = outcome(index);
          const reward = success ? 1 : -1;
          const recorded: EpisodeResult['steps'] = [];
          for (let t = 0; t < steps(index); t++) {
            const observation = {
              utterance: 'Click the button.',
              text: `episode ${index} step ${t}: button "OK" [5]`,
              lastError: null,
              step: t,
              tree: {},
            };
            const view = { observation: observation as unknown as Observation, history: [], memory: {} };
            const step = await policyFor(episode)(view);
            const last = t === steps(index) - 1;
            recorded.push({
              observation: observation.text,
              utterance: observation.utterance,
              lastError: null,
              ...step,
              reward: last ? reward : 0,
              error: null,
            });
          }
          return { ...episode, success, reward, rawReward: reward, failure: null, steps: recorded };
        }),
      );
    },
  };
  return runner;
}

/** One training example found in a packed batch: its text and its (constant) advantage weight. */
interface SeenExample {
  readonly text: string;
  readonly weight: number;
}

/** The examples of a packed batch: one per (row, segment), decoded, with the weight of its target tokens. */
function examplesIn(batch: TokenBatch, tokens: Tokenizer): SeenExample[] {
  const out: SeenExample[] = [];
  const { batchSize: B, seqLen: T } = batch;
  for (let b = 0; b < B; b++) {
    let t = 0;
    while (t < T) {
      const segment = batch.segments![b * T + t]!;
      let end = t;
      while (end < T && batch.segments![b * T + end] === segment) end++;
      if (segment !== -1) {
        const ids = Array.from(batch.tokens.subarray(b * T + t, b * T + end));
        const weights = Array.from(batch.weights!.subarray(b * T + t, b * T + end));
        const weight = weights.find((w) => w !== 0) ?? 0;
        out.push({ text: tokens.decode(Int32Array.from(ids.filter((id) => id < 256))), weight });
      }
      t = end;
    }
  }
  return out;
}

/** The CPU engine, recording what every optimizer step trained on and the parameters after it. */
class RecordingEngine extends CpuEngine {
  readonly updates: { examples: SeenExample[]; batches: TokenBatch[] }[] = [];
  readonly parametersAfter: Float32Array[] = [];
  logProbCalls = 0;

  override async trainStep(batch: StepBatches, options: TrainStepOptions) {
    const batches = Array.isArray(batch) ? batch : [batch as TokenBatch];
    this.updates.push({ examples: batches.flatMap((b) => examplesIn(b, tokenizer)), batches });
    const result = await super.trainStep(batch, options);
    const { weights } = await this.saveCheckpoint();
    this.parametersAfter.push(parametersOf(weights));
    return result;
  }

  override async logProbs(batch: TokenBatch) {
    this.logProbCalls++;
    return super.logProbs(batch);
  }
}

/** The checkpoint's float32 payload, as one flat array (its header skipped: same layout for every engine). */
function parametersOf(weights: ArrayBuffer): Float32Array {
  const headerLength = Number(new DataView(weights).getBigUint64(0, true));
  return new Float32Array(weights.slice(8 + headerLength));
}

async function iterate(
  rl: object,
  outcome: (index: number) => boolean,
  options: { steps?: (index: number) => number; flopsLeft?: number; engine?: RecordingEngine } = {},
) {
  const engine = options.engine ?? new RecordingEngine();
  if (!options.engine) await engine.create(model, 0);
  const config = parseRunConfig({
    seed: 1,
    model: { preset: 'nano', maxNewTokens: 8 },
    env: { tasks: ['click-test'], testTasks: ['focus-text'] },
    rl: {
      iterations: 1,
      goalsPerIteration: 2,
      groupSize: 2,
      effectiveBatchSize: 2,
      updatesPerRollout: 1,
      learningRate: 1e-6,
      temperature: 1,
      ...rl,
    },
  });
  const context: GrpoContext = {
    engine,
    tokenizer,
    runner: scriptedRunner(outcome, options.steps),
    config,
    model,
    tasks: ['click-test'],
    seeds: [3, 4],
    taskSuccess: {},
    flopsLeft: options.flopsLeft ?? Infinity,
  };
  return { result: await grpoIteration(context, 0), engine };
}

const alternate = (index: number): boolean => index % 2 === 0;

describe('grpoIteration', () => {
  it('raises the log-probability of the actions that succeeded and lowers the others', async () => {
    const { result, engine } = await iterate({ effectiveBatchSize: 4, learningRate: 3e-3 }, alternate);
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

  it('averages every update over exactly effectiveBatchSize examples, playing more rounds when it needs them', async () => {
    for (const [effectiveBatchSize, rounds] of [
      [2, 1],
      [4, 1],
      [6, 2],
    ] as const) {
      const { result, engine } = await iterate({ effectiveBatchSize }, alternate);
      expect(result.updates).toBe(1);
      expect(result.values.rounds).toBe(rounds);
      expect(result.values.episodes).toBe(4 * rounds);
      expect(result.values.examples).toBe(effectiveBatchSize);
      expect(engine.updates[0]!.examples).toHaveLength(effectiveBatchSize);
      // The mean over the update's target tokens: every micro-batch carries that normaliser.
      const targetTokens = engine.updates[0]!.batches.reduce(
        (sum, b) => sum + Array.from(b.weights!).filter((w) => w !== 0).length,
        0,
      );
      for (const batch of engine.updates[0]!.batches) expect(batch.normaliser).toBe(targetTokens);
    }
  });

  it('feeds updatesPerRollout updates from one rollout batch, each of effectiveBatchSize', async () => {
    const { result, engine } = await iterate({ effectiveBatchSize: 2, updatesPerRollout: 3 }, alternate);
    expect(result.updates).toBe(3);
    expect(result.values.rounds).toBe(2);
    expect(engine.updates.map((u) => u.examples.length)).toEqual([2, 2, 2]);
    // No example is trained on twice.
    const texts = engine.updates.flatMap((u) => u.examples.map((e) => e.text));
    expect(new Set(texts).size).toBe(6);
  });

  it('with zero-advantage filtering fills the batch with informative steps instead of shrinking it', async () => {
    // Round 1: group 0 all fail (advantage 0), group 1 mixed; and so on.
    const outcome = (index: number): boolean => index % 4 === 2;
    const filtered = await iterate({ effectiveBatchSize: 4 }, outcome);
    expect(filtered.result.updates).toBe(1);
    expect(filtered.result.values.rounds).toBe(2);
    expect(filtered.engine.updates[0]!.examples).toHaveLength(4);
    expect(filtered.engine.updates[0]!.examples.every((e) => e.weight !== 0)).toBe(true);

    const unfiltered = await iterate({ effectiveBatchSize: 4, zeroAdvantageFiltering: false }, outcome);
    expect(unfiltered.result.values.rounds).toBe(1);
    expect(unfiltered.engine.updates[0]!.examples).toHaveLength(4);
    expect(unfiltered.engine.updates[0]!.examples.filter((e) => e.weight === 0)).toHaveLength(2);
  });

  it('says why when its rounds or the FLOPs budget cannot fill an update', async () => {
    const { result } = await iterate({ maxRolloutRounds: 3 }, () => false);
    expect(result.updates).toBe(0);
    expect(result.values).toMatchObject({ rounds: 3, episodes: 12, examples: 0, filteredFraction: 1 });
    expect(result.trainingFlops).toBe(0);
    expect(result.shortfall).toMatch(
      /3 rounds of rollouts \(rl\.maxRolloutRounds\) kept 0 steps after zero-advantage filtering/,
    );

    const budget = await iterate({ effectiveBatchSize: 8 }, alternate, { flopsLeft: 1 });
    expect(budget.result.values.rounds).toBe(1);
    expect(budget.result.updates).toBe(0);
    expect(budget.result.shortfall).toMatch(/the RL FLOPs budget ran out during the rollouts/);
  });

  it('credits each step of a multi-step episode with its discounted share of the advantage', async () => {
    // One goal, two 3-step episodes: the first succeeds (advantage +1), the second fails (-1).
    const { engine } = await iterate(
      { goalsPerIteration: 1, effectiveBatchSize: 6, discount: 0.5 },
      (index) => index === 0,
      { steps: () => 3 },
    );
    const seen = engine.updates[0]!.examples;
    expect(seen).toHaveLength(6);
    for (const { text, weight } of seen) {
      const [, episode, step] = /episode (\d+) step (\d+)/.exec(text)!.map(Number) as [
        number,
        number,
        number,
      ];
      const sign = episode === 0 ? 1 : -1;
      expect(weight, text).toBeCloseTo(sign * 0.5 ** (2 - step), 6);
    }
  });

  it('counts rollout and training FLOPs, and reads the importance ratio with no extra pass', async () => {
    const off = await iterate({ effectiveBatchSize: 4 }, alternate);
    const on = await iterate({ effectiveBatchSize: 4, importanceRatio: true }, alternate);
    const n = off.result.episodes.flatMap((e) =>
      e.steps.map((s) => s.sample!.prompt.length + s.sample!.tokens.length),
    );
    expect(off.result.rolloutFlops).toBeCloseTo(
      n.reduce((sum, s) => sum + s * nanoTokenFlops(s), 0),
      0,
    );
    expect(off.result.trainingFlops).toBeCloseTo(
      n.reduce((sum, s) => sum + (s - 1) * 4 * nanoTokenFlops(s - 1), 0),
      0,
    );
    expect(on.result.trainingFlops).toBe(off.result.trainingFlops);
    expect(on.engine.logProbCalls).toBe(0);
    expect(
      on.engine.updates[0]!.batches.every((b) => b.oldLogProbs !== undefined && b.clipEpsilon === 0.2),
    ).toBe(true);
    expect(off.engine.updates[0]!.batches.every((b) => b.oldLogProbs === undefined)).toBe(true);
    for (const batch of [...on.engine.updates[0]!.batches, ...off.engine.updates[0]!.batches]) {
      expect(batch.temperature).toBe(1);
    }
  });

  it('with the importance ratio, updates differ once the policy has moved, and not before', async () => {
    const run = async (importanceRatio: boolean) => {
      const { engine } = await iterate(
        { effectiveBatchSize: 2, updatesPerRollout: 2, importanceRatio, learningRate: 3e-2 },
        alternate,
      );
      return engine.parametersAfter;
    };
    const [on, off] = [await run(true), await run(false)];
    const distance = (a: Float32Array, b: Float32Array): number => {
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
      return Math.sqrt(sum);
    };
    const start = new RecordingEngine();
    await start.create(model, 0);
    const initial = parametersOf((await start.saveCheckpoint()).weights);
    const firstStep = distance(on[0]!, initial);
    // The first update is taken by the policy that sampled: the ratio is 1 (to float32 rounding).
    expect(distance(on[0]!, off[0]!)).toBeLessThan(1e-4 * firstStep);
    // The second learns from steps sampled one update ago: the ratio reweighs (and clips) them.
    expect(distance(on[1]!, off[1]!)).toBeGreaterThan(1e-2 * firstStep);
  });

  it('with the curriculum, draws goals of the task whose success is nearest curriculumMean', async () => {
    const goalsOf = async (curriculum: boolean): Promise<string[]> => {
      const engine = new RecordingEngine();
      await engine.create(model, 0);
      const config = parseRunConfig({
        seed: 3,
        model: { preset: 'nano', maxNewTokens: 8 },
        env: { tasks: ['click-test', 'focus-text'], testTasks: ['click-button'] },
        rl: {
          iterations: 1,
          goalsPerIteration: 16,
          groupSize: 2,
          effectiveBatchSize: 2,
          updatesPerRollout: 1,
          curriculum,
          curriculumMean: 0.5,
          curriculumTemperature: 0.1,
        },
      });
      const result = await grpoIteration(
        {
          engine,
          tokenizer,
          runner: scriptedRunner(alternate),
          config,
          model,
          tasks: ['click-test', 'focus-text'],
          seeds: [3, 4],
          // click-test is mastered, focus-text at the curriculum's target.
          taskSuccess: { 'click-test': 1, 'focus-text': 0.5 },
          flopsLeft: Infinity,
        },
        0,
      );
      return result.episodes.filter((_, i) => i % 2 === 0).map((episode) => episode.task);
    };
    const withCurriculum = await goalsOf(true);
    const uniform = await goalsOf(false);
    const share = (goals: string[]): number =>
      goals.filter((task) => task === 'focus-text').length / goals.length;
    // Boltzmann weights exp(-|s - 0.5| / 0.1): 1 against e^-5 for the mastered task.
    expect(share(withCurriculum)).toBeGreaterThanOrEqual(15 / 16);
    expect(share(uniform)).toBeLessThan(0.85);
  });

  it('reads log p at the sampling temperature in the loss', async () => {
    const { engine } = await iterate({ effectiveBatchSize: 4, temperature: 0.25 }, alternate);
    expect(engine.updates[0]!.batches.every((b) => b.temperature === 0.25)).toBe(true);
  });
});
