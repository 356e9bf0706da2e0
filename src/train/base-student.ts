import type { TokenizerSpec } from '../agent/tokenizer.ts';
import { configFromMetadata } from '../engine/checkpoint.ts';
import type { EngineCheckpoint } from '../engine/engine.ts';
import { readSafetensors } from '../engine/safetensors.ts';
import { MODEL_PRESETS, type ModelConfig, type PositionKind, type PresetName } from '../model/config.ts';
import type { ModelSettings } from './config.ts';

/**
 * The shipped base students (public/base-student/): the lab's counterpart of the paper's instruct
 * model, a run's starting point with `model.init: 'base-student'`. One per (preset, tokenizer,
 * positions): `<preset>-<tokenizer>-<positions>.safetensors` (weights only, float32) beside a
 * `.json` with how it was made and how well it does; `index.json` lists the names shipped.
 */

export type TokenizerKind = ModelSettings['tokenizer'];

export interface BaseStudentInfo {
  readonly name: string;
  readonly preset: PresetName;
  readonly positions: PositionKind;
  readonly tokenizerKind: TokenizerKind;
  /** The tokenizer the base student reads: a run that starts from it must use this one. */
  readonly tokenizer: TokenizerSpec;
  readonly config: ModelConfig;
  /** The pretraining options (configs/base-student.json as run). */
  readonly recipe: Readonly<Record<string, unknown>>;
  readonly command: string;
  readonly steps: number;
  readonly tokens: number;
  readonly examples: number;
  readonly flops: number;
  readonly wallSeconds: number;
  readonly finalLoss: number;
  /** Greedy decoding on held-out generated pages: the action written exactly right. */
  readonly heldoutActionAccuracy: number;
  readonly evaluations: readonly PretrainEvaluation[];
  /** Where it was trained, and on which engine. */
  readonly machine: string;
  readonly engine: string;
  /** False for an intermediate checkpoint of a recipe that was stopped before its last step. */
  readonly complete: boolean;
}

/** One evaluation of a pretraining run on held-out generated pages. */
export interface PretrainEvaluation {
  readonly step: number;
  readonly tokens: number;
  readonly seconds: number;
  /** Exact match of the generated action with the page's right action (both parsed). */
  readonly actionAccuracy: number;
  /** The generated action parses (parseAction). */
  readonly validSyntax: number;
  /** The generated action parses and names a bid present in the observation. */
  readonly existingBid: number;
}

export const BASE_STUDENT_FOLDER = 'base-student';
export const BASE_STUDENT_INDEX = `${BASE_STUDENT_FOLDER}/index.json`;

export function baseStudentName(
  preset: PresetName,
  tokenizer: TokenizerKind,
  positions: PositionKind,
): string {
  return `${preset}-${tokenizer}-${positions}`;
}

/** How to make the base student these settings ask for. */
function howToMake(preset: string, tokenizer: string, positions: string): string {
  return (
    `Make one with \`npm run lab -- pretrain --config configs/base-student.json\` after setting ` +
    `"preset": "${preset}", "tokenizer": "${tokenizer}", "positions": "${positions}" in that file ` +
    '(it writes public/base-student/), or set model.init to "scratch".'
  );
}

async function shippedNames(loadAsset: (path: string) => Promise<ArrayBuffer>): Promise<string[]> {
  try {
    const index = JSON.parse(new TextDecoder().decode(await loadAsset(BASE_STUDENT_INDEX))) as unknown;
    return Array.isArray(index) ? index.filter((name): name is string => typeof name === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The base student for the run's model settings, read through `loadAsset` (a fetch of the page's
 * public folder, or a file read in Node). Throws, naming what is shipped and how to make the missing
 * one, when none fits the preset, tokenizer and positions.
 */
export async function loadBaseStudent(
  model: Pick<ModelSettings, 'preset' | 'tokenizer' | 'positions'>,
  loadAsset: (path: string) => Promise<ArrayBuffer>,
): Promise<{ checkpoint: EngineCheckpoint; tokenizer: TokenizerSpec; info: BaseStudentInfo }> {
  const { preset, tokenizer, positions } = model;
  const name = baseStudentName(preset, tokenizer, positions);
  let infoBytes: ArrayBuffer;
  let weights: ArrayBuffer;
  try {
    [infoBytes, weights] = await Promise.all([
      loadAsset(`${BASE_STUDENT_FOLDER}/${name}.json`),
      loadAsset(`${BASE_STUDENT_FOLDER}/${name}.safetensors`),
    ]);
  } catch {
    const names = await shippedNames(loadAsset);
    const shipped = names.length > 0 ? `The lab ships: ${names.join(', ')}.` : 'The lab ships none.';
    throw new Error(
      `No base student for preset "${preset}", tokenizer "${tokenizer}" and positions "${positions}" ` +
        `(${BASE_STUDENT_FOLDER}/${name}.safetensors). ${shipped} ${howToMake(preset, tokenizer, positions)}`,
    );
  }
  const info = JSON.parse(new TextDecoder().decode(infoBytes)) as BaseStudentInfo;
  const config = configFromMetadata(readSafetensors(weights).metadata);
  const shape = MODEL_PRESETS[preset];
  const fits =
    config.layers === shape.layers &&
    config.width === shape.width &&
    config.heads === shape.heads &&
    config.ffWidth === shape.ffWidth &&
    config.context === shape.context &&
    config.positions === positions;
  if (!fits || info.tokenizer === undefined) {
    throw new Error(
      `${BASE_STUDENT_FOLDER}/${name}.safetensors holds a model of another shape (${JSON.stringify(config)}) ` +
        `than preset "${preset}" with ${positions} positions, or its .json lacks the tokenizer. ` +
        howToMake(preset, tokenizer, positions),
    );
  }
  return { checkpoint: { weights }, tokenizer: info.tokenizer, info };
}
