import {
  createTokenizer,
  FIRST_MERGE_ID,
  learnVocabulary,
  type Tokenizer,
  type TokenizerSpec,
} from '../agent/tokenizer.ts';
import { configFromMetadata } from '../engine/checkpoint.ts';
import type { Engine } from '../engine/engine.ts';
import { readSafetensors } from '../engine/safetensors.ts';
import { modelConfig, type ModelConfig } from '../model/config.ts';
import type { RunConfig } from './config.ts';
import { engineMaxTokens } from './examples.ts';

/**
 * The student a run trains: its tokenizer and its model on the engine. It starts from the shipped
 * base student (the lab's counterpart of the paper's instruct model) or from a fresh seeded
 * initialisation, and a resumed or branched run starts from a checkpoint instead.
 */

export interface Student {
  readonly tokenizer: Tokenizer;
  readonly model: ModelConfig;
}

/** The vocabulary size the student will have, before any text is seen (for the teacher's FLOPs). */
export function expectedVocabSize(config: RunConfig): number {
  return config.model.tokenizer === 'learned' && config.model.init === 'scratch'
    ? FIRST_MERGE_ID + config.model.learnedMerges
    : FIRST_MERGE_ID;
}

/** The model a run's settings describe, for a vocabulary size. */
export function studentModelConfig(config: RunConfig, vocabSize: number): ModelConfig {
  return modelConfig(config.model.preset, { vocabSize, positions: config.model.positions });
}

/**
 * A fresh student: the base student's weights and tokenizer, or a seeded initialisation with byte
 * tokens or a vocabulary learned from `texts` (the SFT dataset's prompts and targets).
 */
export async function createStudent(
  engine: Engine,
  config: RunConfig,
  options: { texts: () => Iterable<string>; loadAsset: (path: string) => Promise<ArrayBuffer> },
): Promise<Student> {
  const settings = config.model;
  if (settings.init === 'base-student') {
    // Loaded on demand: only runs that start from the base student need the pretraining module.
    const { loadBaseStudent } = await import('./base-student.ts');
    const base = await loadBaseStudent(settings, options.loadAsset);
    return loadStudent(engine, { ...base.checkpoint, tokenizer: base.tokenizer });
  }
  let spec: TokenizerSpec = { kind: 'bytes' };
  if (settings.tokenizer === 'learned') {
    const texts = [...options.texts()];
    if (texts.length === 0) {
      throw new Error(
        "model.tokenizer 'learned' learns its vocabulary from the SFT dataset's text, and this run has none " +
          "(sft.steps is 0): use model.tokenizer 'bytes', or model.init 'base-student'.",
      );
    }
    spec = learnVocabulary(texts, settings.learnedMerges);
  }
  const tokenizer = createTokenizer(spec);
  const model = studentModelConfig(config, tokenizer.vocabSize);
  await engine.create(model, settings.initSeed, { maxTokens: engineMaxTokens(model.context) });
  return { tokenizer, model };
}

/** A student from a checkpoint (its weights, optimizer state and tokenizer), on an engine sized for the run's batches. */
export async function loadStudent(
  engine: Engine,
  checkpoint: {
    readonly weights: ArrayBuffer;
    readonly optimizer?: ArrayBuffer | null;
    readonly tokenizer: TokenizerSpec;
  },
): Promise<Student> {
  const tokenizer = createTokenizer(checkpoint.tokenizer);
  const model = configFromMetadata(readSafetensors(checkpoint.weights).metadata);
  if (model.vocabSize !== tokenizer.vocabSize) {
    throw new Error(
      `The checkpoint's model reads ${model.vocabSize} token ids but its tokenizer has ${tokenizer.vocabSize}: ` +
        'the checkpoint is damaged; resume from an earlier one or start the run again.',
    );
  }
  // create() sizes the engine's buffers for the run's batches; the checkpoint then replaces the weights.
  await engine.create(model, 0, { maxTokens: engineMaxTokens(model.context) });
  await engine.loadCheckpoint(
    checkpoint.optimizer
      ? { weights: checkpoint.weights, optimizer: checkpoint.optimizer }
      : { weights: checkpoint.weights },
  );
  return { tokenizer, model };
}
