import { createRandom, type Random } from '../../src/core/random.ts';
import type { AnalysedRun } from '../../src/analysis/types.ts';
import type { HyperparameterValue } from '../../src/store/records.ts';

/** A standard normal draw (Box-Muller) from the seeded stream. */
export function normal(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** A finished run as the analysis reads it: success on both held-out sets equal unless given. */
export function analysedRun(
  runId: string,
  fields: Partial<AnalysedRun> & { score?: number } = {},
): AnalysedRun {
  const { score = 0.5, ...rest } = fields;
  return {
    runId,
    name: runId,
    sweepId: 'sweep',
    strategy: 'sft+rl',
    sftAmount: 100,
    hyperparameters: {},
    flops: 1e12,
    success: { goals: score, tasks: score },
    curve: [],
    perTask: {},
    ...rest,
  };
}

/**
 * A random-search sweep whose score is a planted function of the sampled values plus normal noise:
 * every hyperparameter's value is drawn uniformly from its list, independently.
 */
export function syntheticSweep(options: {
  runs: number;
  seed: string | number;
  space: Record<string, readonly HyperparameterValue[]>;
  score: (config: Record<string, HyperparameterValue>) => number;
  noise: number;
  sftAmount?: number;
}): AnalysedRun[] {
  const random = createRandom(options.seed);
  return Array.from({ length: options.runs }, (_, i) => {
    const hyperparameters: Record<string, HyperparameterValue> = {};
    for (const [name, values] of Object.entries(options.space)) hyperparameters[name] = random.pick(values);
    const score = options.score(hyperparameters) + options.noise * normal(random);
    return analysedRun(`run-${i}`, { hyperparameters, score, sftAmount: options.sftAmount ?? 100 });
  });
}
