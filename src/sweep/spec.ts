import { z } from 'zod';
import { createRandom } from '../core/random.ts';
import { PRESET_NAMES } from '../model/config.ts';
import { issueList, MAX_STEPS, RunConfigSchema, type RunConfigInput } from '../train/config.ts';

/**
 * A sweep spec: random search over the paper's hyperparameters (PAPER.md table, under the same
 * names), RL branched from one SFT run at several SFT amounts, and the baselines the paper's first
 * finding compares with. A spec is JSON from a file, the Sweeps page or a stored SweepRecord;
 * `parseSweepSpec` validates it with every default filled in, so `{}` is a valid spec.
 */

/** The knobs a sweep samples, under the paper's names (the lab's own: constrainedDecoding, clipEpsilon). */
export const KNOBS = [
  'temperature',
  'curriculum',
  'curriculumMean',
  'curriculumTemperature',
  'discount',
  'groupedAdvantage',
  'zeroAdvantageFiltering',
  'stdNormalizedAdvantage',
  'effectiveBatchSize',
  'learningRate',
  'errorLogFeedback',
  'importanceRatio',
  'clipEpsilon',
  'constrainedDecoding',
] as const;
export type Knob = (typeof KNOBS)[number];

const both = [true, false];

/**
 * The paper's space (PAPER.md), the default of every knob a spec leaves out. Two knobs are scaled,
 * because their 8B values would mean nothing to a student of a few hundred thousand parameters:
 * - learningRate: the paper's 5e-7, 1e-6, 5e-6 around its recommended 1e-6 are moved, ratios kept
 *   (0.5x, 1x, 5x), around the lab's RL default 3e-4 (train/config.ts), the rate at which the nano
 *   and small students move at all in RL from a fresh AdamW.
 * - effectiveBatchSize: the paper's 64-1024 steps per update come from rollouts of an 8B model over
 *   99 tasks; one round of the lab's default rollout (8 goals x 4 episodes x 2-5 steps) yields about
 *   60-160 steps, so 1024 would mean many rounds per update. The ratios (1 : 4 : 8 : 16) are kept with
 *   the largest at the lab's default, 64.
 * clipEpsilon is not swept by the paper (PPO's 0.2); it is here so a sweep can vary it.
 */
export const PAPER_SPACE = {
  temperature: [0.1, 0.25, 0.5, 0.75, 1.0],
  curriculum: both,
  curriculumMean: [0.25, 0.5, 0.75],
  curriculumTemperature: [0.1, 0.3],
  discount: [0.5, 0.8, 0.9, 0.95, 0.98, 1.0],
  groupedAdvantage: both,
  zeroAdvantageFiltering: both,
  stdNormalizedAdvantage: both,
  effectiveBatchSize: [4, 16, 32, 64],
  learningRate: [1.5e-4, 3e-4, 1.5e-3],
  errorLogFeedback: both,
  importanceRatio: both,
  clipEpsilon: [0.2],
  constrainedDecoding: both,
} satisfies Record<Knob, readonly (number | boolean)[]>;

/**
 * The paper's recommended values (PAPER.md), scaled as PAPER_SPACE is (512 of 64-1024 -> 32 of 4-64;
 * 1e-6 -> 3e-4); the RL-alone baselines use them. The paper recommends no curriculum, so no mean or
 * temperature for it, and has no constrained decoding.
 */
export const PAPER_RECOMMENDED: Partial<Record<Knob, number | boolean>> = {
  temperature: 0.25,
  curriculum: false,
  discount: 0.9,
  groupedAdvantage: true,
  zeroAdvantageFiltering: true,
  stdNormalizedAdvantage: true,
  effectiveBatchSize: 32,
  learningRate: 3e-4,
  errorLogFeedback: true,
  importanceRatio: false,
  clipEpsilon: 0.2,
  constrainedDecoding: false,
};

/** A list of distinct values, at least one: one value fixes the knob. */
function values<T extends z.ZodType<number | boolean>>(item: T, fallback: z.output<T>[]) {
  return z
    .array(item)
    .min(1, 'give at least one value (one value fixes the knob)')
    .refine((list) => new Set(list).size === list.length, 'list each value once')
    .default(fallback);
}
const positive = z.number().positive();
const probability = z.number().min(0).max(1);
const flag = z.boolean();

export const SpaceSchema = z
  .object({
    temperature: values(positive, PAPER_SPACE.temperature),
    curriculum: values(flag, PAPER_SPACE.curriculum),
    curriculumMean: values(probability, PAPER_SPACE.curriculumMean),
    curriculumTemperature: values(positive, PAPER_SPACE.curriculumTemperature),
    discount: values(probability, PAPER_SPACE.discount),
    groupedAdvantage: values(flag, PAPER_SPACE.groupedAdvantage),
    zeroAdvantageFiltering: values(flag, PAPER_SPACE.zeroAdvantageFiltering),
    stdNormalizedAdvantage: values(flag, PAPER_SPACE.stdNormalizedAdvantage),
    effectiveBatchSize: values(z.number().int().positive(), PAPER_SPACE.effectiveBatchSize),
    learningRate: values(positive, PAPER_SPACE.learningRate),
    errorLogFeedback: values(flag, PAPER_SPACE.errorLogFeedback),
    importanceRatio: values(flag, PAPER_SPACE.importanceRatio),
    clipEpsilon: values(positive, PAPER_SPACE.clipEpsilon),
    constrainedDecoding: values(flag, PAPER_SPACE.constrainedDecoding),
  })
  .strict();

/** Fields of the base configuration the sweep sets itself: the spec says them once, the plan per run. */
const SWEEP_OWNED: readonly (readonly string[])[] = [
  ['name'],
  ['seed'],
  ['branch'],
  ['checkpointEvery'],
  ['model', 'preset'],
  ['env', 'split'],
  ['sft', 'steps'],
  ['sft', 'flopsBudget'],
  ['rl', 'iterations'],
  ['rl', 'flopsBudget'],
  ...KNOBS.map((knob) => ['rl', knob]),
];
const WHERE_OWNED: Record<string, string> = {
  name: 'the plan names each run',
  seed: 'give it as "seed": the plan derives each run\'s seed from it',
  branch: 'the plan branches each RL run',
  checkpointEvery: 'the plan checkpoints the SFT run at every branch point (set it under "checkpointEvery")',
  'model.preset': 'give it as "preset"',
  'env.split': 'give it as "split"',
  'sft.steps': 'the SFT amounts and budgets set it',
  'sft.flopsBudget': 'the SFT amounts and budgets set it',
  'rl.iterations': 'give it as budgets.rlIterations',
  'rl.flopsBudget': 'give it as budgets.rlFlops',
};

const amount = z.number().nonnegative();
const stepCount = z.number().int().positive().max(MAX_STEPS);

export const SweepSpecSchema = z
  .object({
    /** Names the sweep and starts its id: letters, digits, '.', '_' and '-' (ids become file names). */
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/,
        'use 1-60 letters, digits, ".", "_" or "-", starting with a letter or digit',
      )
      .default('sweep'),
    /** Seeds the sampling and every run's seed. */
    seed: z.number().int().nonnegative().default(0),
    split: z.enum(['micro', 'quick', 'paper']).default('micro'),
    preset: z.enum(PRESET_NAMES).default('nano'),
    space: SpaceSchema.default(SpaceSchema.parse({})),
    /** Where RL branches off the SFT run, in sftAmountUnit, 0 being RL from the base student. */
    sftAmounts: z
      .array(amount)
      .min(1, 'give at least one SFT amount (0 is RL from the base student)')
      .refine((list) => new Set(list).size === list.length, 'list each amount once')
      .default([0, 100, 200]),
    sftAmountUnit: z.enum(['steps', 'flops']).default('steps'),
    /** RL configurations sampled at each SFT amount. */
    rlRunsPerAmount: z.number().int().positive().max(10_000).default(4),
    budgets: z
      .object({
        /** The SFT run's length at least (it also runs to the last branch point, and on to the baselines' compute). */
        sftSteps: stepCount.optional(),
        sftFlops: positive.optional(),
        /** Each RL run's RL phase, after its branch point: iterations or training FLOPs (neither: 20 iterations). */
        rlIterations: stepCount.optional(),
        rlFlops: positive.optional(),
      })
      .strict()
      .default({}),
    /** SFT alone and RL alone at matched training compute (plan.ts says what matched means). */
    baselines: z.boolean().default(true),
    /** RL-alone baseline runs (each its own seed), with baselines. */
    baselineRlRuns: z.number().int().positive().max(100).default(2),
    /** What this sweep is for, and what it costs where (the shipped specs state their wall time). */
    description: z.string().default(''),
    /** The SFT run saves a checkpoint at least this often (and at every branch point). */
    checkpointEvery: stepCount.default(50),
    /** Any run configuration fields (train/config.ts), applied to every run of the sweep. */
    base: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const { budgets } = spec;
    if (budgets.rlIterations !== undefined && budgets.rlFlops !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['budgets'], message: 'give rlIterations or rlFlops, not both' });
    }
    if (budgets.sftSteps !== undefined && budgets.sftFlops !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['budgets'], message: 'give sftSteps or sftFlops, not both' });
    }
    if (spec.sftAmountUnit === 'steps') {
      spec.sftAmounts.forEach((value, i) => {
        if (!Number.isInteger(value) || value > MAX_STEPS) {
          ctx.addIssue({
            code: 'custom',
            path: ['sftAmounts', i],
            message: `SFT amounts in steps are whole numbers up to ${MAX_STEPS} (or set sftAmountUnit to "flops")`,
          });
        }
      });
    }
    const base = RunConfigSchema.safeParse(spec.base);
    if (!base.success) {
      for (const issue of base.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['base', ...issue.path], message: issue.message });
      }
    }
    for (const path of SWEEP_OWNED) {
      if (valueAt(spec.base, path) === undefined) continue;
      const name = path.join('.');
      const knob = path[0] === 'rl' && (KNOBS as readonly string[]).includes(path[1]!) ? path[1] : null;
      ctx.addIssue({
        code: 'custom',
        path: ['base', ...path],
        message: `the sweep sets ${name}: ${knob ? `give it as space.${knob}, a list (one value fixes it)` : WHERE_OWNED[name]}`,
      });
    }
  });

export type SweepSpec = z.output<typeof SweepSpecSchema>;
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;
export type Space = SweepSpec['space'];

function valueAt(object: unknown, path: readonly string[]): unknown {
  let here = object;
  for (const key of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

/**
 * A spec from untrusted JSON, with every default filled in, or one error listing every problem
 * with its field, e.g. `space.discount.0: must be at most 1`.
 */
export function parseSweepSpec(json: unknown, source = 'the sweep spec'): SweepSpec {
  const parsed = SweepSpecSchema.safeParse(json);
  // A copy: the defaults are shared lists (PAPER_SPACE), which no caller may change by accident.
  if (parsed.success) return structuredClone(parsed.data);
  throw new Error(
    `${source} is not valid: ${issueList(parsed.error.issues)}. Fix these fields (see configs/sweep-*.json for examples).`,
  );
}

/** The base configuration as given (validated by the spec's schema). */
export function baseConfigOf(spec: SweepSpec): RunConfigInput {
  return spec.base as RunConfigInput;
}

/** JSON with object keys sorted at every level: the same text for the same spec on every machine. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The sweep's id: its name and 8 hex digits drawn from a stream seeded by the parsed spec's
 * canonical JSON, so a spec written with or without its defaults, keys in any order, gets one id.
 */
export function sweepIdOf(spec: SweepSpec): string {
  const random = createRandom(canonicalJson(spec));
  const hex = Math.floor(random.next() * 2 ** 32)
    .toString(16)
    .padStart(8, '0');
  return `${spec.name}-${hex}`;
}
