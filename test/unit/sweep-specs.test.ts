import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/train/config.ts';
import { checkRunConfig } from '../../src/train/run-checks.ts';
import { CPU_2_CORES, rlIterationFlops, sftFlopsAt } from '../../src/sweep/estimate.ts';
import { cpuSecondsOf, planSweep } from '../../src/sweep/plan.ts';
import { parseSweepSpec, sweepIdOf, type SweepSpec } from '../../src/sweep/spec.ts';
import type { SweepPlan } from '../../src/sweep/types.ts';

const CONFIGS_DIR = join(import.meta.dirname, '../../configs');
const specs = readdirSync(CONFIGS_DIR).filter((name) => /^sweep-.*\.json$/.test(name));
const read = (name: string): unknown => JSON.parse(readFileSync(join(CONFIGS_DIR, name), 'utf8'));
const load = (name: string): SweepSpec => parseSweepSpec(read(name), `configs/${name}`);
const planOf = (name: string): SweepPlan => {
  const spec = load(name);
  return planSweep(spec, sweepIdOf(spec));
};

describe('configs/sweep-*.json', () => {
  it('ships the three specs the issue names', () => {
    expect(specs.sort()).toEqual(['sweep-micro.json', 'sweep-paper.json', 'sweep-tiny.json']);
  });

  it.each(specs)('%s parses and plans, and every planned configuration can run', (name) => {
    const plan = planOf(name);
    expect(plan.runs.length).toBeGreaterThan(0);
    for (const run of plan.runs) {
      const config = parseRunConfig(run.config, `${name} ${run.key}`);
      expect(() => checkRunConfig(config), `${name} ${run.key}`).not.toThrow();
      expect(config.sft.steps + config.rl.iterations, `${name} ${run.key} trains`).toBeGreaterThan(0);
      expect(run.estimatedFlops, `${name} ${run.key}`).toBeGreaterThan(0);
    }
    expect(new Set(plan.runs.map((run) => run.strategy))).toEqual(new Set(['sft', 'rl', 'sft+rl']));
  });

  it('sizes sweep-tiny for 2 CPU cores: nano, micro split, a handful of runs, under 15 minutes', () => {
    const spec = load('sweep-tiny.json');
    expect([spec.preset, spec.split]).toEqual(['nano', 'micro']);
    const plan = planOf('sweep-tiny.json');
    expect(plan.runs.length).toBeLessThanOrEqual(10);
    expect(cpuSecondsOf(plan) / 60).toBeLessThan(15);
  });

  it('gives sweep-micro 2-3 SFT amounts and at least 4 runs per value of every swept knob at each', () => {
    const spec = load('sweep-micro.json');
    expect(spec.sftAmounts.length).toBeGreaterThanOrEqual(2);
    expect(spec.sftAmounts.length).toBeLessThanOrEqual(3);
    const plan = planOf('sweep-micro.json');
    for (const amount of spec.sftAmounts) {
      const runs = plan.runs.filter((run) => run.sftAmount === amount && run.strategy !== 'sft');
      for (const [knob, values] of Object.entries(spec.space)) {
        if (values.length < 2 || ['curriculumMean', 'curriculumTemperature', 'clipEpsilon'].includes(knob))
          continue;
        for (const value of values) {
          const count = runs.filter((run) => run.hyperparameters[knob] === value).length;
          expect(count, `amount ${amount}: ${knob} = ${String(value)}`).toBeGreaterThanOrEqual(4);
        }
      }
    }
  });

  it("gives sweep-paper the paper's space on the quick split", () => {
    const spec = load('sweep-paper.json');
    expect(spec.split).toBe('quick');
    expect(spec.space.discount).toEqual([0.5, 0.8, 0.9, 0.95, 0.98, 1.0]);
    expect(spec.space.temperature).toEqual([0.1, 0.25, 0.5, 0.75, 1.0]);
    expect(spec.sftAmounts.filter((amount) => amount > 0).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the FLOPs estimate', () => {
  const config = (name: string) => parseRunConfig(read(name));

  it('is within a factor of 2 of the runs measured on 2 cores (closing note of the engine issue)', () => {
    // configs/cpu-demo.json: 1.4669e12 training FLOPs; configs/cpu-rl-demo.json: 9.830e11.
    const sft = sftFlopsAt(config('cpu-demo.json'), 200) / 1.4669e12;
    const rl = (40 * rlIterationFlops(config('cpu-rl-demo.json'))) / 9.83e11;
    for (const ratio of [sft, rl]) {
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
  });

  it('is what the measured CPU rates were computed from', () => {
    expect(sftFlopsAt(config('cpu-demo.json'), 200)).toBeCloseTo(CPU_2_CORES.sft.estimatedFlops, -7);
    expect(40 * rlIterationFlops(config('cpu-rl-demo.json'))).toBeCloseTo(CPU_2_CORES.rl.estimatedFlops, -6);
  });
});
