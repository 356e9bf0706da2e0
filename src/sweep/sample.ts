import { createRandom } from '../core/random.ts';
import type { HyperparameterValue } from '../store/records.ts';
import type { RlSettings, RunConfigInput } from '../train/config.ts';
import { KNOBS, PAPER_RECOMMENDED, type Knob, type SweepSpec } from './spec.ts';

/**
 * Random search over a spec's space, seeded: the same spec gives the same configurations on every
 * machine (core/random.ts is integer arithmetic on a hash of the seed's text, nothing platform-bound).
 *
 * Each SFT amount is its own random search, seeded by the spec's seed and the amount, so adding or
 * removing an amount leaves the other amounts' configurations as they were.
 *
 * Stratified: at one amount, each knob's values come up equally often (to within one), in an order
 * shuffled per knob, so the configurations are random combinations but no value is left with one
 * run by chance. The paper's bootstrap weights runs by 1 / (runs sharing the value) to correct
 * uneven coverage; no weight rescues a value a small sweep sampled once or never.
 *
 * Conditional knobs: curriculumMean and curriculumTemperature act only with curriculum on,
 * clipEpsilon only with importanceRatio on. Every knob is still drawn, in the fixed order of KNOBS
 * and with the same number of draws whatever its values, so a conditional knob's draw never shifts
 * the draws after it; an inactive knob is then dropped
 * from the configuration (its run keeps the config's default, which it does not read) and from the
 * recorded values, so the analysis compares, say, curriculumMean only among runs that used it.
 */

/** A knob and the knob whose value `true` makes it act. */
export const CONDITIONS: Partial<Record<Knob, Knob>> = {
  curriculumMean: 'curriculum',
  curriculumTemperature: 'curriculum',
  clipEpsilon: 'importanceRatio',
};

/** Where each knob lives in the run configuration (train/config.ts): every one is an RL setting. */
export const KNOB_PATHS: Record<Knob, `rl.${keyof RlSettings}`> = {
  temperature: 'rl.temperature',
  curriculum: 'rl.curriculum',
  curriculumMean: 'rl.curriculumMean',
  curriculumTemperature: 'rl.curriculumTemperature',
  discount: 'rl.discount',
  groupedAdvantage: 'rl.groupedAdvantage',
  zeroAdvantageFiltering: 'rl.zeroAdvantageFiltering',
  stdNormalizedAdvantage: 'rl.stdNormalizedAdvantage',
  effectiveBatchSize: 'rl.effectiveBatchSize',
  learningRate: 'rl.learningRate',
  errorLogFeedback: 'rl.errorLogFeedback',
  importanceRatio: 'rl.importanceRatio',
  clipEpsilon: 'rl.clipEpsilon',
  constrainedDecoding: 'rl.constrainedDecoding',
};

/** One sampled configuration: the active knobs' values under the paper's names. */
export type Sample = Partial<Record<Knob, HyperparameterValue>>;

/** Whether a knob acts given the other values drawn. */
export function isActive(knob: Knob, drawn: Sample): boolean {
  const condition = CONDITIONS[knob];
  return condition === undefined || drawn[condition] === true;
}

function activeOnly(drawn: Sample): Sample {
  const active: Sample = {};
  for (const knob of KNOBS) if (isActive(knob, drawn)) active[knob] = drawn[knob];
  return active;
}

/** `count` configurations for one SFT amount, in order. */
export function sampleConfigurations(spec: SweepSpec, sftAmount: number, count: number): Sample[] {
  const random = createRandom(`${spec.seed}/sft-amount/${sftAmount}`);
  // One column per knob: its values repeated to `count` and shuffled (count - 1 draws, whatever the values).
  const columns = KNOBS.map((knob) => {
    const values: readonly HyperparameterValue[] = spec.space[knob];
    return random.shuffle(Array.from({ length: count }, (_, i) => values[i % values.length]!));
  });
  return Array.from({ length: count }, (_, i) => {
    const drawn: Sample = {};
    KNOBS.forEach((knob, k) => (drawn[knob] = columns[k]![i]));
    return activeOnly(drawn);
  });
}

/**
 * The paper's recommended values where the spec's space holds them, else the space's first value
 * (a spec that fixes a knob keeps it fixed in its baselines too); inactive knobs dropped.
 */
export function recommendedSample(spec: SweepSpec): Sample {
  const drawn: Sample = {};
  for (const knob of KNOBS) {
    const space: readonly HyperparameterValue[] = spec.space[knob];
    const recommended = PAPER_RECOMMENDED[knob];
    drawn[knob] = recommended !== undefined && space.includes(recommended) ? recommended : space[0];
  }
  return activeOnly(drawn);
}

/** The run configuration fields a sample sets (paper name -> config path). */
export function configOfSample(sample: Sample): RunConfigInput {
  const rl: Record<string, HyperparameterValue> = {};
  for (const knob of KNOBS) {
    const value = sample[knob];
    if (value === undefined) continue;
    rl[KNOB_PATHS[knob].slice('rl.'.length)] = value;
  }
  return { rl } as RunConfigInput;
}
