import { z } from 'zod';
import { PRESET_NAMES } from '../model/config.ts';
import type { StoredSettings } from '../store/records.ts';

/**
 * One run of the method, in one typed configuration, with the paper's names for the paper's knobs
 * (PAPER.md, "name in the lab's config"). A run has up to two phases: SFT on teacher traces for a
 * budget, then multi-turn GRPO for a budget; a zero budget skips a phase (RL alone from the base
 * student: sft.steps = 0). Every field has a default, so `{}` is a valid configuration file; the
 * schema rejects unknown keys so a misspelt knob is an error and not a silent default.
 *
 * Learning rates, batch sizes and budgets are scaled for small students: the names carry over from
 * the paper, the 8B values do not (PAPER.md).
 */

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const probability = z.number().min(0).max(1);
/** The most seeds one list may name: beyond it a list is a typo, and expanding it would exhaust memory. */
export const MAX_SEEDS = 1_000_000;
/** The most optimizer steps or RL iterations a phase may be given (about a year of small steps). */
export const MAX_STEPS = 10_000_000;

/** "0-2", "3-99", "0,4,7": a list of seeds as the CLI writes it, ranges low-high, at most MAX_SEEDS seeds. */
const seedList = z
  .string()
  .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'write seeds as "0-2", "3-99" or "0,4,7"')
  .superRefine((seeds, ctx) => {
    let count = 0;
    for (const part of seeds.split(',')) {
      const [from, to] = part.split('-').map(Number) as [number, number | undefined];
      if (to !== undefined && to < from) {
        ctx.addIssue({ code: 'custom', message: `the range "${part}" runs backwards: write it low-high` });
        return;
      }
      count += (to ?? from) - from + 1;
    }
    if (count > MAX_SEEDS) {
      ctx.addIssue({ code: 'custom', message: `names ${count} seeds; a list may name at most ${MAX_SEEDS}` });
    }
  });
const stepCount = nonNegativeInt.max(MAX_STEPS);

export const ModelSettingsSchema = z
  .object({
    preset: z.enum(PRESET_NAMES).default('nano'),
    positions: z.enum(['learned', 'rotary']).default('rotary'),
    /** UTF-8 bytes and specials, or a small vocabulary learned (byte-pair merges) from the tasks' text. */
    tokenizer: z.enum(['bytes', 'learned']).default('bytes'),
    /** Merges of the learned vocabulary (its size is 259 + merges). */
    learnedMerges: positiveInt.default(512),
    /**
     * Where the student starts: the shipped base student (pretrained on generated pages; only for
     * the presets and tokenizer it was trained with), or a fresh initialisation.
     */
    init: z.enum(['base-student', 'scratch']).default('scratch'),
    /** Seed of the initialisation (and, with the run seed, of everything random). */
    initSeed: nonNegativeInt.default(0),
    /** Tokens the student may generate per step (its thought and action); the prompt gets the rest of the context. */
    maxNewTokens: positiveInt.default(96),
  })
  .strict();

export const EnvSettingsSchema = z
  .object({
    /** Named split of tasks/splits.ts: training tasks and held-out tasks. */
    split: z.enum(['micro', 'quick', 'paper']).default('micro'),
    /** Train on these built tasks instead of the split's (empty: all the split's built training tasks). */
    tasks: z.array(z.string()).default([]),
    /**
     * Hold out these built tasks instead of the split's (empty: all the split's built test tasks); any
     * built task may be named, e.g. a training task of the split left out of `tasks`.
     */
    testTasks: z.array(z.string()).default([]),
    /**
     * What the student reads: pruned HTML with bids (the paper's choice on MiniWob++; WorkArena used
     * the accessibility tree) or the accessibility-tree text, the default here because it is 0.43
     * times as long (quick split, seeds 0-2), which matters in a small student's context.
     */
    observationFormat: z.enum(['html', 'axtree']).default('axtree'),
    maxSteps: positiveInt.default(10),
    successRule: z.enum(['positive', 'perfect']).default('positive'),
    /** The last k actions shown in the prompt. */
    historyLength: nonNegativeInt.default(5),
    /** Iframes (or DOM pages in Node) side by side: episodes whose steps one model call serves. */
    poolSize: positiveInt.default(8),
  })
  .strict();

export const TeacherSettingsSchema = z
  .object({
    kind: z.enum(['expert', 'llm']).default('expert'),
    /** Probability that an expert step is replaced by a random action (an imperfect teacher). */
    errorRate: probability.default(0),
    /** Training seeds the teacher plays (training never uses seeds 0-2: they are held-out goals). */
    seeds: seedList.default('3-202'),
    /** Keep only successful episodes (the paper); failed ones still count in the teacher's FLOPs. */
    keepOnlySuccessful: z.boolean().default(true),
    /** An OpenAI-compatible chat-completions endpoint, for kind 'llm'. The key never enters an export. */
    llm: z
      .object({
        baseUrl: z.string().default('http://localhost:8000/v1'),
        model: z.string().default(''),
        apiKey: z.string().default(''),
        temperature: z.number().min(0).default(0),
        maxTokens: positiveInt.default(256),
      })
      .strict()
      .default({
        baseUrl: 'http://localhost:8000/v1',
        model: '',
        apiKey: '',
        temperature: 0,
        maxTokens: 256,
      }),
    /**
     * The teacher's size in parameters, for its FLOPs. Null: the paper's ratio (70B : 8B) times the
     * student's size, labelled as such in results.
     */
    parameters: z.number().positive().nullable().default(null),
  })
  .strict();

export const SftSettingsSchema = z
  .object({
    /** Optimizer steps of SFT; 0 skips the phase. */
    steps: stepCount.default(200),
    /** Stop SFT at this many cumulative FLOPs, whichever of steps and FLOPs comes first (null: no FLOPs budget). */
    flopsBudget: z.number().positive().nullable().default(null),
    /** Examples (one step of a trace: prompt + target) per optimizer step. */
    batchSize: positiveInt.default(32),
    learningRate: z.number().positive().default(1e-3),
    schedule: z.enum(['constant', 'cosine', 'linear']).default('cosine'),
    warmupSteps: nonNegativeInt.default(10),
    /** Passes over the dataset at most (the run also stops at `steps`). */
    epochs: z.number().positive().default(1000),
    /** Use a stored dataset (its id) instead of collecting traces with `teacher` at the start. */
    datasetId: z.string().nullable().default(null),
    /** Pack several examples into one row of the context (segments keep them apart). */
    packing: z.boolean().default(true),
  })
  .strict();

export const RlSettingsSchema = z
  .object({
    /** GRPO iterations (rollout, then update); 0 skips the phase. */
    iterations: stepCount.default(0),
    /**
     * Stop RL when the run's cumulative FLOPs (teacher, SFT and evaluation included: the x-axis of
     * every curve) reach this, whichever of iterations and FLOPs comes first (null: no FLOPs budget).
     */
    flopsBudget: z.number().positive().nullable().default(null),
    /** Goals (task + seed) per iteration; each gets a group of `groupSize` episodes. */
    goalsPerIteration: positiveInt.default(8),
    groupSize: positiveInt.default(4),
    /**
     * Step examples every optimizer update averages over: an iteration plays rounds of goals until
     * its kept (after zero-advantage filtering) steps fill updatesPerRollout such updates.
     */
    effectiveBatchSize: positiveInt.default(64),
    /**
     * Optimizer updates one rollout batch feeds, one after another: the k-th learns from steps a
     * policy k - 1 updates old sampled, the lag of the paper's asynchronous trainer that the
     * importance ratio corrects (1: strictly on-policy, the ratio always 1).
     */
    updatesPerRollout: positiveInt.default(2),
    /** Rounds of goalsPerIteration x groupSize episodes an iteration may play to fill its updates. */
    maxRolloutRounds: positiveInt.default(8),
    /** Start RL with a fresh AdamW (moments and step count), as a separate second stage does; off: continue SFT's. */
    resetOptimizer: z.boolean().default(true),
    learningRate: z.number().positive().default(3e-4),
    /** Decoding temperature of rollouts. */
    temperature: z.number().positive().default(0.25),
    discount: probability.default(0.9),
    groupedAdvantage: z.boolean().default(true),
    stdNormalizedAdvantage: z.boolean().default(true),
    zeroAdvantageFiltering: z.boolean().default(true),
    /**
     * PPO-style clipped importance ratio against the sampling policy (with clipEpsilon), computed in
     * the training step's own forward pass; off: plain policy gradient.
     */
    importanceRatio: z.boolean().default(false),
    clipEpsilon: z.number().positive().default(0.2),
    curriculum: z.boolean().default(false),
    curriculumMean: probability.default(0.5),
    curriculumTemperature: z.number().positive().default(0.3),
    /** Show the last action's error in the next observation (training and evaluation). */
    errorLogFeedback: z.boolean().default(true),
    /** Beyond the paper: decode only well-formed actions naming bids that exist. */
    constrainedDecoding: z.boolean().default(false),
    /** Training seeds rollouts draw goals from (never 0-2). */
    seeds: seedList.default('3-100000'),
  })
  .strict();

export const EvalSettingsSchema = z
  .object({
    /** Evaluate every this many optimizer steps of either phase (and at the end of each phase). */
    every: positiveInt.default(50),
    /** Held-out goals: these seeds of the training tasks. */
    heldOutGoalSeeds: seedList.default('0-2'),
    /** Held-out tasks: these seeds of the test tasks. */
    heldOutTaskSeeds: seedList.default('0-9'),
    /** Decoding temperature of evaluation (0: greedy). */
    temperature: z.number().min(0).default(0),
    /** Checkpoint selection: rolling mean of held-out-goal success over this many evaluations. */
    selectionWindow: positiveInt.default(3),
  })
  .strict();

export const RunConfigSchema = z
  .object({
    name: z.string().default('run'),
    /** Seed of everything random in the run: batches, rollouts, sampling. */
    seed: nonNegativeInt.default(0),
    model: ModelSettingsSchema.default(ModelSettingsSchema.parse({})),
    env: EnvSettingsSchema.default(EnvSettingsSchema.parse({})),
    teacher: TeacherSettingsSchema.default(TeacherSettingsSchema.parse({})),
    sft: SftSettingsSchema.default(SftSettingsSchema.parse({})),
    rl: RlSettingsSchema.default(RlSettingsSchema.parse({})),
    eval: EvalSettingsSchema.default(EvalSettingsSchema.parse({})),
    /** AdamW and clipping, shared by both phases. */
    optimizer: z
      .object({
        weightDecay: z.number().min(0).default(0.01),
        beta1: z.number().min(0).max(1).default(0.9),
        beta2: z.number().min(0).max(1).default(0.999),
        maxGradNorm: z.number().positive().default(1),
      })
      .strict()
      .default({ weightDecay: 0.01, beta1: 0.9, beta2: 0.999, maxGradNorm: 1 }),
    /** Save a checkpoint every this many optimizer steps (and at every evaluation). */
    checkpointEvery: positiveInt.default(50),
    /**
     * Start from another run's SFT checkpoint (branching): its run id and optimizer step. A branch
     * starts in the RL phase with that checkpoint's model, state and FLOPs (the sft settings are not used).
     */
    branch: z.object({ runId: z.string(), step: nonNegativeInt }).strict().nullable().default(null),
  })
  .strict();

export type ModelSettings = z.infer<typeof ModelSettingsSchema>;
export type EnvSettings = z.infer<typeof EnvSettingsSchema>;
export type TeacherSettings = z.infer<typeof TeacherSettingsSchema>;
export type SftSettings = z.infer<typeof SftSettingsSchema>;
export type RlSettings = z.infer<typeof RlSettingsSchema>;
export type EvalSettings = z.infer<typeof EvalSettingsSchema>;
export type RunConfig = z.infer<typeof RunConfigSchema>;
/** What a configuration file may hold: any part may be left out. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/**
 * A configuration from untrusted JSON (a file, an import, a form), with every default filled in, or
 * one error listing every problem with its path, e.g. `rl.discount: must be at most 1`.
 */
export function parseRunConfig(input: unknown, source = 'the run configuration'): RunConfig {
  const parsed = RunConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new Error(
    `${source} is not valid: ${issueList(parsed.error.issues)}. Fix these fields (see configs/ for examples).`,
  );
}

/** Schema problems as `path: message` ("(top level)" without a path), joined by "; ". */
export function issueList(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}

/**
 * A stored run's configuration, validated by the same schema: a record edited by hand or written
 * by another version of the lab is refused with the fields to fix, never run as it happens to read.
 */
export function runConfigOf(run: { readonly name: string; readonly config: StoredSettings }): RunConfig {
  return parseRunConfig(run.config, `The stored configuration of run "${run.name}"`);
}

/** A stored dataset's teacher settings, validated by the schema. */
export function teacherOf(dataset: {
  readonly name: string;
  readonly teacher: StoredSettings;
}): TeacherSettings {
  const parsed = TeacherSettingsSchema.safeParse(dataset.teacher);
  if (parsed.success) return parsed.data;
  throw new Error(
    `The stored teacher of dataset "${dataset.name}" is not valid (${parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ')}): collect the dataset again.`,
  );
}

/** "0-2,5" -> [0, 1, 2, 5]. The schema has already checked the syntax. */
export function parseSeedList(seeds: string): number[] {
  const out: number[] = [];
  for (const part of seeds.split(',')) {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    const last = to ?? from;
    if (last < from) throw new Error(`Seed range "${part}" runs backwards: write it low-high.`);
    for (let seed = from; seed <= last; seed++) out.push(seed);
  }
  return out;
}

/** A configuration for storing or exporting: the LLM key is blanked. */
export function withoutSecrets(config: RunConfig): RunConfig {
  return { ...config, teacher: { ...config.teacher, llm: { ...config.teacher.llm, apiKey: '' } } };
}
