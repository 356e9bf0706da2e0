import {
  LAYER_NORM_EPSILON,
  ROTARY_BASE,
  validateModelConfig,
  type ModelConfig,
  type PositionKind,
} from '../model/config.ts';
import { parameterLayout, tensorView, type ParameterLayout } from '../model/layout.ts';
import { readSafetensors, writeSafetensors, type SafetensorsFile } from './safetensors.ts';

/**
 * The engine's checkpoint, the same for the WebGPU and the CPU engine: two safetensors files.
 * `weights` holds the parameters, one tensor per layout entry under its state-dict name
 * (`wte`, `blocks.0.attn.qkv.weight`, ...), with the model configuration as strings in
 * __metadata__: it is the file other tools read (safetensors.torch.load_file gives a state dict).
 * `optimizer` holds AdamW's moments as `m.<name>` and `v.<name>` with the step count in its
 * metadata, for resuming; a checkpoint without it loads with a fresh optimizer.
 * Values are float32 in both files; the CPU engine's float64 state is rounded when saved.
 */
export interface EngineCheckpoint {
  readonly weights: ArrayBuffer;
  readonly optimizer?: ArrayBuffer;
}

/** What a checkpoint holds, in the flat parameter layout. */
export interface CheckpointContents<A extends Float32Array | Float64Array = Float32Array> {
  readonly config: ModelConfig;
  /** layout.totalFloats floats (alignment gaps zero). */
  readonly params: A;
  readonly optimizer: OptimizerContents<A> | null;
}

export interface OptimizerContents<A extends Float32Array | Float64Array = Float32Array> {
  readonly m: A;
  readonly v: A;
  /** AdamW steps taken (bias correction continues from here). */
  readonly step: number;
}

const WEIGHTS_FORMAT = 'web-agent-lab/weights';
const OPTIMIZER_FORMAT = 'web-agent-lab/optimizer';
const FORMAT_VERSION = '1';

/** The configuration fields, each written as a string in __metadata__. */
const CONFIG_KEYS = ['layers', 'width', 'heads', 'ffWidth', 'context', 'vocabSize'] as const;

/** __metadata__ of both files: the format, the configuration, and the constants the layout does not say. */
export function checkpointMetadata(config: ModelConfig, format: string): Record<string, string> {
  const metadata: Record<string, string> = { format, formatVersion: FORMAT_VERSION };
  for (const key of CONFIG_KEYS) metadata[key] = String(config[key]);
  metadata.positions = config.positions;
  metadata.layerNormEpsilon = String(LAYER_NORM_EPSILON);
  metadata.rotaryBase = String(ROTARY_BASE);
  metadata.activation = 'gelu_tanh';
  metadata.tiedOutputEmbedding = 'true';
  return metadata;
}

/** The model configuration a file's __metadata__ records, validated. */
export function configFromMetadata(metadata: Readonly<Record<string, string>>): ModelConfig {
  const numbers: Partial<Record<(typeof CONFIG_KEYS)[number], number>> = {};
  const missing: string[] = [];
  for (const key of CONFIG_KEYS) {
    const text = metadata[key];
    if (text === undefined) missing.push(key);
    else numbers[key] = Number(text);
  }
  if (metadata.positions === undefined) missing.push('positions');
  if (missing.length > 0) {
    throw new Error(
      `This safetensors file does not record the model configuration (no ${missing.join(', ')} in ` +
        '__metadata__): it was not written by the lab, so its model shape is unknown.',
    );
  }
  return validateModelConfig({
    ...(numbers as Record<(typeof CONFIG_KEYS)[number], number>),
    positions: metadata.positions as PositionKind,
  });
}

/** The parameters as a safetensors file (the exportable half of a checkpoint). */
/** Float64 parameters (the CPU engine's) are rounded to float32. */
export function writeWeights(config: ModelConfig, params: Float32Array | Float64Array): ArrayBuffer {
  const layout = parameterLayout(config);
  checkLength(layout, 'Parameters', params);
  return writeSafetensors(
    layout.tensors.map((tensor) => ({
      name: tensor.name,
      shape: tensor.shape,
      data: tensorView(params, tensor),
    })),
    checkpointMetadata(config, WEIGHTS_FORMAT),
  );
}

export function writeCheckpoint(contents: CheckpointContents<Float32Array | Float64Array>): EngineCheckpoint {
  const { config, params, optimizer } = contents;
  const weights = writeWeights(config, params);
  if (optimizer === null) return { weights };
  const layout = parameterLayout(config);
  checkLength(layout, 'Optimizer moment m', optimizer.m);
  checkLength(layout, 'Optimizer moment v', optimizer.v);
  const moments = layout.tensors.flatMap((tensor) => [
    { name: `m.${tensor.name}`, shape: tensor.shape, data: tensorView(optimizer.m, tensor) },
    { name: `v.${tensor.name}`, shape: tensor.shape, data: tensorView(optimizer.v, tensor) },
  ]);
  const metadata = { ...checkpointMetadata(config, OPTIMIZER_FORMAT), step: String(optimizer.step) };
  return { weights, optimizer: writeSafetensors(moments, metadata) };
}

/** Parses a checkpoint back into the flat layout; throws naming what does not fit. */
export function readCheckpoint(checkpoint: EngineCheckpoint): CheckpointContents {
  const weightsFile = readSafetensors(checkpoint.weights);
  const config = configFromMetadata(weightsFile.metadata);
  const layout = parameterLayout(config);
  const params = flatten(layout, weightsFile, '', 'weights');
  if (checkpoint.optimizer === undefined) return { config, params, optimizer: null };
  const optimizerFile = readSafetensors(checkpoint.optimizer);
  const optimizerConfig = configFromMetadata(optimizerFile.metadata);
  if (JSON.stringify(optimizerConfig) !== JSON.stringify(config)) {
    throw new Error(
      'The optimizer file of this checkpoint belongs to another model configuration than its weights ' +
        `(${JSON.stringify(optimizerConfig)} vs ${JSON.stringify(config)}).`,
    );
  }
  const step = Number(optimizerFile.metadata.step);
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`The optimizer file records no valid step count (got ${optimizerFile.metadata.step}).`);
  }
  const m = flatten(layout, optimizerFile, 'm.', 'optimizer');
  const v = flatten(layout, optimizerFile, 'v.', 'optimizer');
  return { config, params, optimizer: { m, v, step } };
}

/** The tensors named `prefix + layout name` of a file, placed in one flat array of the layout. */
function flatten(layout: ParameterLayout, file: SafetensorsFile, prefix: string, what: string): Float32Array {
  const flat = new Float32Array(layout.totalFloats);
  for (const tensor of layout.tensors) {
    const name = prefix + tensor.name;
    const stored = file.tensors.get(name);
    if (stored === undefined) {
      throw new Error(`The checkpoint's ${what} file has no tensor "${name}", which this model needs.`);
    }
    if (stored.shape.join(',') !== tensor.shape.join(',')) {
      throw new Error(
        `Tensor "${name}" has shape [${stored.shape.join(', ')}] in the checkpoint; the model needs ` +
          `[${tensor.shape.join(', ')}].`,
      );
    }
    tensorView(flat, tensor).set(stored.data);
  }
  return flat;
}

function checkLength(layout: ParameterLayout, what: string, array: { length: number }): void {
  if (array.length !== layout.totalFloats) {
    throw new Error(`${what} have ${array.length} floats; this model's layout needs ${layout.totalFloats}.`);
  }
}
