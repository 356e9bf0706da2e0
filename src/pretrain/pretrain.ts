import { encodePrompt, encodeTarget, parseTarget, type PromptOptions } from '../agent/prompt.ts';
import {
  createTokenizer,
  END_OF_TARGET,
  PADDING,
  type Tokenizer,
  type TokenizerSpec,
} from '../agent/tokenizer.ts';
import type { Engine, EngineCheckpoint } from '../engine/engine.ts';
import { parseAction } from '../env/actions.ts';
import { modelConfig, type ModelConfig, type PositionKind, type PresetName } from '../model/config.ts';
import { trainingBatchFlops } from '../train/compute.ts';
import { packExamples, type Example } from '../model/packing.ts';
import { learningRateAt } from '../train/schedule.ts';
import type { PretrainEvaluation } from '../train/base-student.ts';
import { createPageStream, type PretrainSample } from './pages.ts';

/**
 * The base student's recipe (issue 4, item 3): a fresh model trained on a stream of generated pages
 * (pages.ts) with cross-entropy on the target (thought and action) only, AdamW with warmup and
 * cosine decay, sequence packing; every `evalEvery` steps, greedy decoding on held-out pages drawn
 * from another seed measures how often the model writes exactly the right action. Anyone can rerun
 * it: everything random comes from `seed`.
 */

/** Settings that cannot work together (nothing fits the context): the user changes the recipe. */
export class PretrainSettingsError extends Error {
  override name = 'PretrainSettingsError';
}

export interface PretrainOptions {
  readonly preset: PresetName;
  readonly positions: PositionKind;
  readonly tokenizer: TokenizerSpec;
  /** Optimizer steps (the cosine schedule spans them). */
  readonly steps: number;
  /** Examples (one generated page each) per optimizer step. */
  readonly batchSize: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly weightDecay: number;
  readonly maxGradNorm: number;
  readonly format: 'axtree' | 'html' | 'both';
  readonly seed: number;
  /** As the run's env.historyLength: the last k actions the prompt shows. */
  readonly historyLength: number;
  readonly errorLogFeedback: boolean;
  /** As the run's model.maxNewTokens: the prompt gets context - maxNewTokens tokens. */
  readonly maxNewTokens: number;
  /** Interactive widgets per generated page at most. */
  readonly maxWidgets: number;
  /** Held-out evaluation every this many steps (and at the end). */
  readonly evalEvery: number;
  /** Held-out pages per evaluation (the same pages every time). */
  readonly evalSamples: number;
  /** Stop early, after the step that passes this many seconds (then evaluate): for runs with a time budget. */
  readonly maxSeconds?: number;
  /** Aborting it stops after the step under way, as maxSeconds does (Ctrl-C in the CLI). */
  readonly signal?: AbortSignal;
  readonly onStep?: (progress: PretrainProgress) => void;
  /** Called after every evaluation with the model as it is then (for intermediate checkpoints). */
  readonly onEvaluation?: (
    evaluation: PretrainEvaluation,
    checkpoint: EngineCheckpoint,
  ) => Promise<void> | void;
}

export interface PretrainProgress {
  readonly step: number;
  readonly loss: number;
  readonly learningRate: number;
  readonly tokens: number;
  /** Training FLOPs so far (PAPER.md formula, m = 3). */
  readonly flops: number;
  readonly seconds: number;
}

export interface PretrainStats {
  readonly steps: number;
  /** Training tokens (prompt and target, padding excluded). */
  readonly tokens: number;
  readonly examples: number;
  /** Generated pages left out because their prompt or target did not fit the context. */
  readonly examplesSkipped: number;
  /** Training FLOPs (PAPER.md formula, m = 3). */
  readonly flops: number;
  readonly seconds: number;
  readonly finalLoss: number;
  readonly heldoutActionAccuracy: number;
  readonly evaluations: readonly PretrainEvaluation[];
}

export interface PretrainResult {
  readonly checkpoint: EngineCheckpoint;
  readonly config: ModelConfig;
  readonly stats: PretrainStats;
}

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** A generated page as token ids, or null when it does not fit (the prompt would be cut, or the target is too long). */
export function encodeSample(
  tokenizer: Tokenizer,
  sample: PretrainSample,
  prompt: PromptOptions,
  context: number,
  maxNewTokens: number,
): Example | null {
  let encoded;
  try {
    encoded = encodePrompt(tokenizer, sample.context, prompt, context - maxNewTokens);
  } catch {
    return null; // the goal and history alone are longer than the prompt may be
  }
  const target = encodeTarget(tokenizer, sample.target);
  if (encoded.truncated || target.length > maxNewTokens) return null;
  return { prompt: encoded.tokens, target };
}

/** The next `count` pages of the stream that fit, and how many were drawn to find them. */
function drawFitting(
  next: () => PretrainSample,
  encode: (sample: PretrainSample) => Example | null,
  count: number,
): { samples: { sample: PretrainSample; example: Example }[]; drawn: number } {
  const samples: { sample: PretrainSample; example: Example }[] = [];
  let drawn = 0;
  while (samples.length < count) {
    if (drawn > 1000 + 100 * count) {
      throw new PretrainSettingsError(
        `Only ${samples.length} of ${drawn} generated pages fit: a page needs its prompt within the preset's ` +
          'context less maxNewTokens, and its answer within maxNewTokens. Raise maxNewTokens if answers are ' +
          'cut, lower maxWidgets if prompts are, or choose a preset with a longer context.',
      );
    }
    const sample = next();
    drawn++;
    const example = encode(sample);
    if (example) samples.push({ sample, example });
  }
  return { samples, drawn };
}

/** Bids the observation shows, as written in either format (`[12]` or `bid="12"`). */
function bidsIn(observation: string): Set<string> {
  return new Set(Array.from(observation.matchAll(/\[(\w+)\]|bid="(\w+)"/g), (m) => (m[1] ?? m[2]) as string));
}

/** Greedy decoding on the held-out pages; scores the action of each against the right one. */
export async function evaluateActions(
  engine: Engine,
  tokenizer: Tokenizer,
  heldOut: readonly { sample: PretrainSample; example: Example }[],
  maxNewTokens: number,
): Promise<Omit<PretrainEvaluation, 'step' | 'tokens' | 'seconds'>> {
  const generations = await engine.generate(
    heldOut.map(({ example }) => Int32Array.from(example.prompt)),
    { maxNewTokens, temperature: 0, stopSequences: [[END_OF_TARGET]] },
  );
  let exact = 0;
  let valid = 0;
  let existing = 0;
  generations.forEach((generation, i) => {
    const { sample } = heldOut[i] as { sample: PretrainSample };
    const written = parseAction(parseTarget(tokenizer.decode(generation.tokens)).action);
    if (!written.ok) return;
    valid++;
    const bid = 'bid' in written.action ? written.action.bid : null;
    if (bid !== null && bidsIn(sample.context.observation).has(bid)) existing++;
    const right = parseAction(sample.target.action);
    if (right.ok && JSON.stringify(right.action) === JSON.stringify(written.action)) exact++;
  });
  const n = heldOut.length;
  return { actionAccuracy: exact / n, validSyntax: valid / n, existingBid: existing / n };
}

export async function pretrainBaseStudent(engine: Engine, options: PretrainOptions): Promise<PretrainResult> {
  const tokenizer = createTokenizer(options.tokenizer);
  const config = modelConfig(options.preset, {
    vocabSize: tokenizer.vocabSize,
    positions: options.positions,
  });
  const promptOptions: PromptOptions = {
    historyLength: options.historyLength,
    errorLogFeedback: options.errorLogFeedback,
  };
  if (options.maxNewTokens >= config.context) {
    throw new PretrainSettingsError(
      `maxNewTokens (${options.maxNewTokens}) leaves no room for the prompt in ${options.preset}'s context of ${config.context} tokens: lower it.`,
    );
  }
  const encode = (sample: PretrainSample): Example | null =>
    encodeSample(tokenizer, sample, promptOptions, config.context, options.maxNewTokens);
  const pageOptions = {
    format: options.format,
    errorLogFeedback: options.errorLogFeedback,
    maxWidgets: options.maxWidgets,
  };
  const training = createPageStream(`${options.seed}/train`, pageOptions);
  const heldOut = drawFitting(
    createPageStream(`${options.seed}/heldout`, pageOptions),
    encode,
    options.evalSamples,
  ).samples;

  // Room for a batch of full rows, and for the held-out prompts generated together.
  const maxTokens = Math.max(options.batchSize, options.evalSamples) * config.context;
  await engine.create(config, options.seed, { maxTokens });
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  let tokens = 0;
  let examples = 0;
  let examplesSkipped = 0;
  let flops = 0;
  let finalLoss = Number.NaN;
  const evaluations: PretrainEvaluation[] = [];
  const evaluate = async (step: number): Promise<void> => {
    const scores = await evaluateActions(engine, tokenizer, heldOut, options.maxNewTokens);
    const evaluation = { step, tokens, seconds: seconds(), ...scores };
    evaluations.push(evaluation);
    await options.onEvaluation?.(evaluation, await engine.saveCheckpoint());
  };

  let step = 0;
  while (step < options.steps) {
    const { samples, drawn } = drawFitting(training, encode, options.batchSize);
    examples += samples.length;
    examplesSkipped += drawn - samples.length;
    const packed = packExamples(
      samples.map((s) => s.example),
      { context: config.context, packing: true, padding: PADDING },
    );
    const learningRate = learningRateAt(step, {
      learningRate: options.learningRate,
      schedule: 'cosine',
      warmupSteps: options.warmupSteps,
      totalSteps: options.steps,
    });
    const result = await engine.trainStep(packed.batch, {
      learningRate,
      ...ADAM,
      weightDecay: options.weightDecay,
      maxGradNorm: options.maxGradNorm,
    });
    step++;
    tokens += packed.tokens;
    flops += trainingBatchFlops(config, packed.batch);
    finalLoss = result.loss;
    options.onStep?.({ step, loss: result.loss, learningRate, tokens, flops, seconds: seconds() });
    // Back to the event loop between steps: the CPU engine's trainStep never leaves it, and a Ctrl-C
    // (a signal handler) or a page's pause button waits there.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const stopping =
      (options.maxSeconds !== undefined && seconds() >= options.maxSeconds) ||
      options.signal?.aborted === true;
    if (step % options.evalEvery === 0 || step === options.steps || stopping) await evaluate(step);
    if (stopping) break;
  }
  if (evaluations.length === 0) await evaluate(step);

  const last = evaluations[evaluations.length - 1] as PretrainEvaluation;
  const { weights } = await engine.saveCheckpoint();
  return {
    checkpoint: { weights },
    config,
    stats: {
      steps: step,
      tokens,
      examples,
      examplesSkipped,
      flops,
      seconds: seconds(),
      finalLoss,
      heldoutActionAccuracy: last.actionAccuracy,
      evaluations,
    },
  };
}
