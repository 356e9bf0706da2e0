/**
 * The student transformer's shape: a GPT-2 style pre-norm decoder (layer norm, causal multi-head
 * attention, GELU MLP, residual adds) with learned or rotary positions.
 *
 * The output embedding is tied to the token embedding (logits = lnf(x) wte^T), as in GPT-2 and
 * llm.c: one tensor fewer to lay out, checkpoint, export and optimise, and at the byte-level
 * vocabulary the lab uses (a few hundred tokens) a separate output matrix would add parameters
 * without buying the model any capacity it lacks.
 */

export type PositionKind = 'learned' | 'rotary';

export interface ModelConfig {
  /** Transformer blocks, L. */
  readonly layers: number;
  /** Residual stream width, h (the paper's hidden size). */
  readonly width: number;
  /** Attention heads, n; every head has width / heads channels. Keys and values have as many heads. */
  readonly heads: number;
  /** Hidden width of the MLP, f (GPT-2 uses 4 h). */
  readonly ffWidth: number;
  /** Longest sequence the model reads, in tokens (the learned position table has this many rows). */
  readonly context: number;
  /** Tokens in the vocabulary, V: the tokenizer sets it. */
  readonly vocabSize: number;
  /** Learned absolute position embeddings (GPT-2) or rotary positions on queries and keys. */
  readonly positions: PositionKind;
}

export const PRESET_NAMES = ['nano', 'small', 'base', 'large'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** A preset fixes the shape; the vocabulary comes from the tokenizer and positions are a setting. */
export type ModelShape = Omit<ModelConfig, 'vocabSize' | 'positions'>;

export const MODEL_PRESETS: Readonly<Record<PresetName, ModelShape>> = {
  /** For tests and CPU demonstrations. */
  nano: { layers: 2, width: 64, heads: 4, ffWidth: 256, context: 256 },
  small: { layers: 4, width: 128, heads: 4, ffWidth: 512, context: 1024 },
  base: { layers: 6, width: 256, heads: 8, ffWidth: 1024, context: 1024 },
  large: { layers: 8, width: 512, heads: 8, ffWidth: 2048, context: 2048 },
};

/**
 * Rotary is the default: the position of a bid relative to the words around it is what the policy
 * has to read, rotary encodes exactly that, and it needs no position table (one million parameters
 * fewer in `large`). Learned positions stay available for comparison with GPT-2.
 */
export const DEFAULT_POSITIONS: PositionKind = 'rotary';

/** Layer-norm epsilon (GPT-2's). */
export const LAYER_NORM_EPSILON = 1e-5;
/** Base of the rotary frequencies: channel pair i of a head turns by position * base^(-2i / headWidth). */
export const ROTARY_BASE = 10000;

/** A preset's shape with the tokenizer's vocabulary and a position kind, validated. */
export function modelConfig(
  preset: PresetName,
  options: { vocabSize: number; positions?: PositionKind },
): ModelConfig {
  const shape = MODEL_PRESETS[preset];
  if (shape === undefined) {
    throw new Error(`Unknown model preset "${preset}": choose one of ${PRESET_NAMES.join(', ')}.`);
  }
  return validateModelConfig({
    ...shape,
    vocabSize: options.vocabSize,
    positions: options.positions ?? DEFAULT_POSITIONS,
  });
}

/** Channels per attention head. */
export function headWidth(config: ModelConfig): number {
  return config.width / config.heads;
}

/** Returns the config unchanged, or throws one error that lists every problem and how to fix it. */
export function validateModelConfig(config: ModelConfig): ModelConfig {
  const problems: string[] = [];
  const positiveInteger = (name: keyof ModelConfig, min = 1): void => {
    const value = config[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      problems.push(`${name} must be an integer >= ${min} (got ${String(value)})`);
    }
  };
  positiveInteger('layers');
  positiveInteger('width');
  positiveInteger('heads');
  positiveInteger('ffWidth');
  positiveInteger('context');
  positiveInteger('vocabSize', 2);
  if (config.positions !== 'learned' && config.positions !== 'rotary') {
    problems.push(`positions must be 'learned' or 'rotary' (got ${String(config.positions)})`);
  }
  if (problems.length === 0) {
    if (config.width % config.heads !== 0) {
      const divisors = [];
      for (let d = 1; d <= config.width; d++) if (config.width % d === 0) divisors.push(d);
      problems.push(
        `width (${config.width}) must be divisible by heads (${config.heads}): ` +
          `choose heads among ${divisors.join(', ')}`,
      );
    } else if (config.positions === 'rotary' && headWidth(config) % 2 !== 0) {
      problems.push(
        `rotary positions turn channels in pairs, so the head width width / heads ` +
          `(${config.width} / ${config.heads} = ${headWidth(config)}) must be even: ` +
          `change heads or width, or use positions: 'learned'`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid model configuration: ${problems.join('; ')}.`);
  }
  return config;
}
