import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../src/engine/safetensors.ts';
import { loadBaseStudent } from '../../src/train/base-student.ts';
import { CpuEngine } from '../../src/engine/cpu-engine.ts';
import type { GenerateOptions } from '../../src/engine/engine.ts';
import { runConfigOf, type RunConfigInput } from '../../src/train/config.ts';
import { createRun, executeRun } from '../../src/train/run.ts';
import { cleanup, cpuEngine, environment, tiny } from './train-fixtures.ts';

/**
 * The run as the paper runs it: the compute axis, the optimizer between the phases, and the
 * configurations refused before anything is spent. (GRPO's knobs: train-grpo.test.ts.)
 */

afterEach(cleanup);

const sftOnly: RunConfigInput = {
  ...tiny,
  sft: { ...tiny.sft, steps: 4 },
  rl: { ...tiny.rl, iterations: 0 },
};

describe('the SFT phase', () => {
  it('learns: a few steps on click-test traces cut the loss well below its start', async () => {
    const env = environment();
    const run = await createRun(env.store, {
      ...sftOnly,
      teacher: { seeds: '3-10' },
      sft: { ...sftOnly.sft, steps: 20, batchSize: 4, learningRate: 5e-3, schedule: 'constant' },
      eval: { ...sftOnly.eval, every: 100 },
    });
    await executeRun(run.id, env);
    const losses = (await env.store.metrics(run.id, 'train'))
      .sort((a, b) => a.step - b.step)
      .map((row) => row.values.loss!);
    expect(losses).toHaveLength(20);
    // From ln(259) = 5.6 for an untrained byte model; the last steps' mean, as single steps are noisy.
    const last = losses.slice(-3).reduce((sum, loss) => sum + loss, 0) / 3;
    expect(last).toBeLessThan(0.6 * losses[0]!);
  });

  it('stops at sft.epochs passes over the dataset, and at sft.flopsBudget', async () => {
    const env = environment();
    // Three one-step traces in batches of two: one pass takes two steps.
    const byEpochs = await executeRun(
      (await createRun(env.store, { ...sftOnly, sft: { ...sftOnly.sft, steps: 10, epochs: 1 } })).id,
      env,
    );
    expect(byEpochs.state.sftSteps).toBe(2);
    const perStep = byEpochs.state.compute.sftTraining / 2;
    const byFlops = await executeRun(
      (
        await createRun(env.store, {
          ...sftOnly,
          sft: { ...sftOnly.sft, steps: 10, flopsBudget: byEpochs.state.compute.teacher + 2.5 * perStep },
        })
      ).id,
      env,
    );
    expect(byFlops.state.sftSteps).toBe(3);
  });

  it('keeps failed teacher episodes with keepOnlySuccessful false', async () => {
    const env = environment();
    const config = { ...sftOnly, teacher: { seeds: '3-12', errorRate: 0.6 } };
    const kept = await executeRun((await createRun(env.store, config)).id, env);
    const dropped = await executeRun(
      (await createRun(env.store, { ...config, teacher: { ...config.teacher, keepOnlySuccessful: false } }))
        .id,
      env,
    );
    const stats = async (datasetId: string | null) => (await env.store.getDataset(datasetId!))!.stats;
    const onlySuccessful = await stats(kept.datasetId);
    const everything = await stats(dropped.datasetId);
    expect(onlySuccessful.kept).toBe(onlySuccessful.successes);
    expect(onlySuccessful.kept).toBeLessThan(onlySuccessful.episodes);
    expect(everything.kept).toBe(everything.episodes);
  });
});

describe('the student a run starts from', () => {
  it('is the shipped base student with model.init base-student, and a fresh one with scratch', async () => {
    const loadAsset = async (path: string): Promise<ArrayBuffer> => {
      const data = await readFile(join('public', path));
      return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    };
    const { checkpoint } = await loadBaseStudent(
      { preset: 'nano', tokenizer: 'bytes', positions: 'rotary' },
      loadAsset,
    );
    const shipped = readSafetensors(checkpoint.weights);
    const startingWeights = async (init: 'base-student' | 'scratch') => {
      const env = { ...environment(), loadAsset };
      const config = { ...sftOnly, model: { ...sftOnly.model, init }, sft: { ...sftOnly.sft, steps: 0 } };
      const run = await executeRun((await createRun(env.store, config)).id, env);
      const first = (await env.store.getCheckpoint(run.id, 0))!;
      return readSafetensors(first.weights);
    };
    const fromBase = await startingWeights('base-student');
    const fromScratch = await startingWeights('scratch');
    const embedding = (file: typeof shipped): number[] => {
      const [name, tensor] = [...file.tensors].find(([key]) => key.includes('wte'))!;
      expect(name).toMatch(/wte/);
      return Array.from(tensor.data);
    };
    expect(embedding(fromBase)).toEqual(embedding(shipped));
    expect(embedding(fromScratch)).not.toEqual(embedding(shipped));
  });
});

describe('evaluation', () => {
  it('decodes at eval.temperature', async () => {
    class Recording extends CpuEngine {
      readonly temperatures: number[] = [];
      override generate(prompts: readonly Int32Array[], options: GenerateOptions) {
        this.temperatures.push(options.temperature);
        return super.generate(prompts, options);
      }
    }
    const engine = new Recording();
    const env = environment(engine);
    const run = await createRun(env.store, { ...sftOnly, eval: { ...sftOnly.eval, temperature: 0.7 } });
    await executeRun(run.id, env);
    expect(engine.temperatures.length).toBeGreaterThan(0);
    expect(new Set(engine.temperatures)).toEqual(new Set([0.7]));
  });
});

describe('the compute axis', () => {
  it('stops RL at rl.flopsBudget, counted on training compute', async () => {
    const env = environment();
    const config = { ...tiny, rl: { ...tiny.rl, iterations: 10 } };
    const unbounded = await executeRun((await createRun(env.store, config)).id, env);
    const rows = (await env.store.metrics(unbounded.id, 'train')).filter((row) => row.phase === 'rl');
    // A budget reached after the third RL iteration stops the phase there.
    const budget = rows[2]!.flops;
    const bounded = await executeRun(
      (await createRun(env.store, { ...config, rl: { ...config.rl, flopsBudget: budget } })).id,
      env,
    );
    expect(unbounded.state.rlIterations).toBe(10);
    expect(bounded.state.rlIterations).toBe(3);
  });

  it('is training compute: it does not move when evaluations are more frequent', async () => {
    const rows = async (every: number) => {
      const env = environment();
      const run = await createRun(env.store, { ...sftOnly, eval: { ...sftOnly.eval, every } });
      const finished = await executeRun(run.id, env);
      const train = (await env.store.metrics(run.id, 'train')).sort((a, b) => a.step - b.step);
      return { train, finished };
    };
    const often = await rows(1);
    const rarely = await rows(4);
    expect(often.train.map((row) => row.flops)).toEqual(rarely.train.map((row) => row.flops));
    expect(often.finished.state.compute.evaluation).toBeGreaterThan(rarely.finished.state.compute.evaluation);
    expect(often.finished.summary!.flops).toBe(rarely.finished.summary!.flops);
  });
});

describe('the optimizer at the switch to RL', () => {
  const sftThenRl: RunConfigInput = {
    ...tiny,
    // An update is made whatever the outcomes: zero-advantage steps stay in the batch.
    rl: { ...tiny.rl, zeroAdvantageFiltering: false },
  };

  for (const [resetOptimizer, steps] of [
    [true, 1],
    [false, 3],
  ] as const) {
    it(`${resetOptimizer ? 'starts afresh' : "continues SFT's"} with rl.resetOptimizer ${resetOptimizer}`, async () => {
      const engine = await cpuEngine();
      const env = environment(engine);
      const run = await createRun(env.store, { ...sftThenRl, rl: { ...sftThenRl.rl, resetOptimizer } });
      const finished = await executeRun(run.id, env);
      expect(finished.status).toBe('finished');
      // Two SFT steps, then one RL update: AdamW's step count says whose moments it kept.
      expect((await engine.info()).optimizerStep).toBe(steps);
      expect(runConfigOf(finished).rl.resetOptimizer).toBe(resetOptimizer);
    });
  }
});

describe('configurations refused before anything runs', () => {
  const refused: [string, RunConfigInput, RegExp][] = [
    [
      'held-out goal seeds among the teacher seeds',
      { ...tiny, eval: { ...tiny.eval, heldOutGoalSeeds: '0-9' } },
      /teacher\.seeds "3-5" shares seeds 3, 4, 5 with eval\.heldOutGoalSeeds "0-9"/,
    ],
    [
      'held-out goal seeds among the RL seeds',
      { ...tiny, teacher: { seeds: '20-22' }, eval: { ...tiny.eval, heldOutGoalSeeds: '0-9' } },
      /rl\.seeds "3-50" shares seeds 3, 4, 5, 6, 7 with eval\.heldOutGoalSeeds "0-9"/,
    ],
    [
      'a training task held out',
      { ...tiny, env: { ...tiny.env, testTasks: ['click-test', 'focus-text'] } },
      /click-test is both a training task and a held-out task/,
    ],
    [
      'a range that runs backwards',
      { ...tiny, teacher: { seeds: '202-3' } },
      /teacher\.seeds: the range "202-3" runs backwards/,
    ],
    [
      'a billion seeds',
      { ...tiny, teacher: { seeds: '3-1000000000' } },
      /teacher\.seeds: names 999999998 seeds; a list may name at most 1000000/,
    ],
    ['a trillion SFT steps', { ...tiny, sft: { ...tiny.sft, steps: 1e12 } }, /sft\.steps: /],
    [
      'a task the lab has not built',
      { ...tiny, env: { ...tiny.env, tasks: ['click-nothing'] } },
      /env\.tasks names task the lab has not built: click-nothing/,
    ],
    [
      'groups of one with grouped advantages',
      { ...tiny, rl: { ...tiny.rl, groupSize: 1 } },
      /rl\.groupSize 1 with rl\.groupedAdvantage makes every advantage 0/,
    ],
    [
      'training seeds among 0-2',
      { ...tiny, rl: { ...tiny.rl, seeds: '0-50' } },
      /rl\.seeds "0-50" holds seeds 0, 1, 2/,
    ],
  ];
  for (const [what, config, message] of refused) {
    it(`refuses ${what}, storing nothing`, async () => {
      const env = environment();
      await expect(createRun(env.store, config)).rejects.toThrow(message);
      expect(await env.store.listRuns()).toEqual([]);
      expect(await env.store.listDatasets()).toEqual([]);
    });
  }

  it('takes {} (every default) as a valid configuration', async () => {
    const env = environment();
    const run = await createRun(env.store, {});
    expect(runConfigOf(run).env.split).toBe('micro');
  });
});
