import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/train/config.ts';
import { sftFlopsAt } from '../../src/sweep/estimate.ts';
import { MATCH_MARGIN, planSweep, sftCheckpointSteps } from '../../src/sweep/plan.ts';
import { configOfSample, KNOB_PATHS, sampleConfigurations } from '../../src/sweep/sample.ts';
import { KNOBS, parseSweepSpec, type SweepSpecInput } from '../../src/sweep/spec.ts';
import type { PlannedRun, SweepPlan } from '../../src/sweep/types.ts';

/** A small spec: nano on two micro tasks, three amounts, three RL runs each. */
const SMALL: SweepSpecInput = {
  name: 'unit',
  seed: 7,
  sftAmounts: [0, 40, 100],
  rlRunsPerAmount: 3,
  budgets: { rlIterations: 5 },
  checkpointEvery: 20,
  base: {
    model: { init: 'base-student', maxNewTokens: 80 },
    env: { tasks: ['click-test', 'focus-text'], testTasks: ['click-test-2'], maxSteps: 3 },
    teacher: { seeds: '3-52' },
    sft: { batchSize: 8 },
    eval: { every: 30 },
  },
};

const plan = (input: SweepSpecInput = SMALL, id = 'unit-0'): SweepPlan =>
  planSweep(parseSweepSpec(input), id);
const byKey = (p: SweepPlan, key: string): PlannedRun => p.runs.find((run) => run.key === key)!;
const config = (run: PlannedRun) => parseRunConfig(run.config);

describe('planSweep', () => {
  it('gives the same plan for the same spec, and another for another seed', () => {
    const a = plan();
    expect(JSON.stringify(plan())).toBe(JSON.stringify(a));
    const other = plan({ ...SMALL, seed: 8 });
    const samples = (p: SweepPlan) => p.runs.map((run) => run.hyperparameters);
    expect(samples(other)).not.toEqual(samples(a));
    expect(other.runs.map((run) => run.key)).toEqual(a.runs.map((run) => run.key));
  });

  it('plans the SFT run, RL runs at every amount and the baselines, with their strategies and amounts', () => {
    const p = plan();
    expect(p.sftAmounts).toEqual([0, 40, 100]);
    expect(p.sftAmountUnit).toBe('steps');
    expect(p.runs.map((run) => [run.key, run.strategy, run.sftAmount])).toEqual([
      ['sft', 'sft', expect.any(Number)],
      ['rl-0', 'rl', 0],
      ['rl-1', 'rl', 0],
      ['rl-2', 'rl', 0],
      ['sft+rl-0@40', 'sft+rl', 40],
      ['sft+rl-1@40', 'sft+rl', 40],
      ['sft+rl-2@40', 'sft+rl', 40],
      ['sft+rl-0@100', 'sft+rl', 100],
      ['sft+rl-1@100', 'sft+rl', 100],
      ['sft+rl-2@100', 'sft+rl', 100],
      ['rl-baseline-0', 'rl', null],
      ['rl-baseline-1', 'rl', null],
    ]);
    for (const run of p.runs.filter((r) => r.strategy === 'rl')) {
      expect([run.parent, config(run).sft.steps, config(run).branch]).toEqual([null, 0, null]);
    }
    const sft = config(byKey(p, 'sft'));
    expect([sft.rl.iterations, sft.branch]).toEqual([0, null]);
    expect(byKey(p, 'sft').sftAmount).toBe(sft.sft.steps);
  });

  it('puts parents before children and branches only at steps where the parent saves a checkpoint', () => {
    const p = plan({ ...SMALL, sftAmounts: [30, 70], checkpointEvery: 50 });
    const seen = new Set<string>();
    for (const run of p.runs) {
      if (run.parent) {
        expect(seen.has(run.parent.key), `${run.key} after its parent`).toBe(true);
        const parent = byKey(p, run.parent.key);
        expect(sftCheckpointSteps(config(parent))).toContain(run.parent.step);
        expect(config(run).branch).toEqual({ runId: parent.runId, step: run.parent.step });
        expect(run.parent.step).toBe(run.sftAmount);
      }
      seen.add(run.key);
    }
    expect(config(byKey(p, 'sft')).checkpointEvery).toBe(10);
  });

  it('turns SFT amounts in FLOPs into branch steps on the checkpoint grid, at or past the amount', () => {
    const amounts = [5e11, 1e12];
    const p = plan({ ...SMALL, sftAmountUnit: 'flops', sftAmounts: amounts });
    const shared = config(byKey(p, 'sft'));
    for (const amount of amounts) {
      const step = byKey(p, `sft+rl-0@${amount}`).parent!.step;
      expect(step % 20).toBe(0);
      expect(sftFlopsAt(shared, step)).toBeGreaterThanOrEqual(amount);
      expect(sftFlopsAt(shared, step - 20)).toBeLessThan(amount);
    }
    expect(() => plan({ ...SMALL, sftAmountUnit: 'flops', sftAmounts: [5e11, 5.01e11] })).toThrow(
      /sftAmounts 500000000000 and 501000000000 both branch at SFT step \d+/,
    );
  });

  it('trains the baselines to the largest estimated compute of the RL runs, with margin', () => {
    const p = plan();
    const sampled = p.runs.filter((run) => run.strategy !== 'sft' && run.sftAmount !== null);
    const largest = Math.max(...sampled.map((run) => run.estimatedFlops));
    expect(byKey(p, 'sft').estimatedFlops).toBeGreaterThanOrEqual(MATCH_MARGIN * largest);
    for (const key of ['rl-baseline-0', 'rl-baseline-1']) {
      const run = config(byKey(p, key));
      expect(run.rl.flopsBudget).toBeCloseTo(MATCH_MARGIN * largest);
      expect([run.rl.temperature, run.rl.discount, run.rl.curriculum]).toEqual([0.25, 0.9, false]);
    }
    expect(config(byKey(p, 'rl-baseline-0')).seed).not.toBe(config(byKey(p, 'rl-baseline-1')).seed);
    // Every sampled RL run keeps the spec's budget.
    for (const run of sampled)
      expect([config(run).rl.iterations, config(run).rl.flopsBudget]).toEqual([5, null]);
  });

  it('without baselines, the SFT run stops at the last branch point and no RL-alone run is added', () => {
    const p = plan({ ...SMALL, baselines: false });
    expect(config(byKey(p, 'sft')).sft.steps).toBe(100);
    expect(p.runs.filter((run) => run.key.startsWith('rl-baseline'))).toEqual([]);
    expect(plan({ ...SMALL, baselines: false, sftAmounts: [0] }).runs.map((run) => run.key)).toEqual([
      'rl-0',
      'rl-1',
      'rl-2',
    ]);
  });

  it('gives an RL FLOPs budget on top of the branch point, iterations capped', () => {
    const p = plan({ ...SMALL, budgets: { rlFlops: 4e11 } });
    const child = byKey(p, 'sft+rl-0@40');
    const start = sftFlopsAt(config(byKey(p, 'sft')), 40);
    expect(config(child).rl.flopsBudget).toBeCloseTo(start + 4e11);
    expect(config(byKey(p, 'rl-0')).rl.flopsBudget).toBe(4e11);
    expect(config(child).rl.iterations).toBeGreaterThan(1);
  });

  it('sets each sampled value at its config path, and records it under the paper name', () => {
    for (const run of plan().runs.filter((r) => r.strategy !== 'sft')) {
      const rl = config(run).rl as Record<string, unknown>;
      for (const [knob, value] of Object.entries(run.hyperparameters)) {
        expect(rl[KNOB_PATHS[knob as keyof typeof KNOB_PATHS].slice(3)], `${run.key} ${knob}`).toBe(value);
      }
    }
  });

  it('makes run ids unique, stable and storable as file names', () => {
    const p = plan();
    const ids = p.runs.map((run) => run.runId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^unit-0--[A-Za-z0-9._-]+$/);
    expect(byKey(p, 'sft+rl-2@100').runId).toBe('unit-0--sft-rl-2-at-100');
  });

  it('refuses a spec whose runs cannot run, naming the planned run and what to change', () => {
    const bad = { ...SMALL, base: { ...SMALL.base, model: { init: 'base-student', maxNewTokens: 16 } } };
    expect(() => plan({ ...bad, space: { constrainedDecoding: [true] } })).toThrow(
      /plans run "rl-0" \(rl, SFT amount 0\), which cannot run: rl\.constrainedDecoding needs room .*model\.maxNewTokens/,
    );
    expect(() => plan({ ...SMALL, base: { ...SMALL.base, env: { tasks: ['no-such-task'] } } })).toThrow(
      /Every run the sweep "unit" plans shares settings that cannot run: .*no-such-task.*Change the spec's base/,
    );
  });
});

describe('sampleConfigurations', () => {
  it('drops curriculumMean and curriculumTemperature without curriculum, clipEpsilon without the importance ratio', () => {
    const spec = parseSweepSpec({ seed: 1 });
    const samples = sampleConfigurations(spec, 0, 200);
    for (const sample of samples) {
      expect('curriculumMean' in sample).toBe(sample.curriculum === true);
      expect('curriculumTemperature' in sample).toBe(sample.curriculum === true);
      expect('clipEpsilon' in sample).toBe(sample.importanceRatio === true);
      const rl = configOfSample(sample).rl as Record<string, unknown>;
      expect('curriculumMean' in rl).toBe(sample.curriculum === true);
    }
    expect(samples.some((s) => s.curriculum === true) && samples.some((s) => s.curriculum === false)).toBe(
      true,
    );
  });

  it('draws every knob in a fixed order, so a conditional knob never shifts the draws after it', () => {
    const a = sampleConfigurations(parseSweepSpec({ seed: 2 }), 40, 30);
    const b = sampleConfigurations(
      parseSweepSpec({ seed: 2, space: { curriculumMean: [0.5], clipEpsilon: [0.1, 0.2, 0.3] } }),
      40,
      30,
    );
    const unconditional = KNOBS.filter(
      (k) => !['curriculumMean', 'curriculumTemperature', 'clipEpsilon'].includes(k),
    );
    const pick = (s: (typeof a)[number]) => unconditional.map((k) => s[k]);
    expect(b.map(pick)).toEqual(a.map(pick));
  });

  it('samples each amount on its own stream, each value equally often to within one', () => {
    const spec = parseSweepSpec({ seed: 3 });
    expect(sampleConfigurations(spec, 40, 5)).toEqual(sampleConfigurations(spec, 40, 5));
    expect(sampleConfigurations(spec, 40, 5)).not.toEqual(sampleConfigurations(spec, 100, 5));
    const samples = sampleConfigurations(spec, 40, 14);
    for (const knob of ['temperature', 'discount', 'effectiveBatchSize', 'curriculum'] as const) {
      const counts = spec.space[knob].map((value) => samples.filter((s) => s[knob] === value).length);
      expect(Math.max(...counts) - Math.min(...counts), knob).toBeLessThanOrEqual(1);
    }
  });
});
