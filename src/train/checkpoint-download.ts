import packageJson from '../../package.json';
import { configFromMetadata } from '../engine/checkpoint.ts';
import { readSafetensors } from '../engine/safetensors.ts';
import type { LabStore } from '../store/store.ts';

/**
 * A checkpoint as files a person takes away: the parameters as safetensors (what
 * safetensors.torch.load_file reads into a state dict, the model configuration in its
 * __metadata__) and a JSON sidecar with what the weights alone do not say: the tokenizer, the run's
 * configuration and lineage, where in training the checkpoint was taken. AdamW's moments stay in
 * the store: they only serve a resume.
 */
export interface CheckpointDownload {
  weights: { fileName: string; bytes: ArrayBuffer; type: 'application/octet-stream' };
  sidecar: { fileName: string; text: string; type: 'application/json' };
}

/** The sidecar's content (schema web-agent-lab/checkpoint, version 1). */
export interface CheckpointSidecar {
  schema: 'web-agent-lab/checkpoint';
  version: 1;
  labVersion: string;
  /** The safetensors file beside it, and its size, so a mismatched pair is noticed. */
  weightsFile: string;
  weightsBytes: number;
  /** Its configuration as stored (the store never keeps an LLM key). */
  run: { id: string; name: string; lineage: unknown; config: unknown };
  step: number;
  phase: string;
  /** Training FLOPs spent when it was taken, and their breakdown. */
  flops: number;
  compute: unknown;
  createdAt: string;
  /** The model configuration the weights' metadata records, read back (so it is known to load). */
  model: unknown;
  tokenizer: unknown;
}

/** The download of run `runId`'s checkpoint at `step` (its latest when omitted). */
export async function checkpointDownload(
  store: LabStore,
  runId: string,
  step?: number,
): Promise<CheckpointDownload> {
  const run = await store.getRun(runId);
  if (run === undefined)
    throw new Error(`Run ${runId} is not in the store: there is no checkpoint to download.`);
  const checkpoint =
    step === undefined ? await store.latestCheckpoint(runId) : await store.getCheckpoint(runId, step);
  if (checkpoint === undefined) {
    const steps = (await store.listCheckpoints(runId)).map((info) => info.step);
    throw new Error(
      `Run ${runId} (${run.name}) has no checkpoint${step === undefined ? '' : ` at step ${step}`}: ` +
        (steps.length
          ? `its checkpoints are at steps ${steps.join(', ')}.`
          : 'a run saves them as it trains.'),
    );
  }
  let model;
  try {
    model = configFromMetadata(readSafetensors(checkpoint.weights).metadata);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The checkpoint at step ${checkpoint.step} of run ${runId} cannot be read (${reason}): delete it, or ` +
        'download an earlier one.',
      { cause: error },
    );
  }
  const base = `${runId}.step-${checkpoint.step}`;
  const weightsFile = `${base}.weights.safetensors`;
  const sidecar: CheckpointSidecar = {
    schema: 'web-agent-lab/checkpoint',
    version: 1,
    labVersion: packageJson.version,
    weightsFile,
    weightsBytes: checkpoint.weights.byteLength,
    run: { id: run.id, name: run.name, lineage: run.lineage, config: run.config },
    step: checkpoint.step,
    phase: checkpoint.phase,
    flops: checkpoint.flops,
    compute: checkpoint.state.compute,
    createdAt: new Date(checkpoint.createdAt).toISOString(),
    model,
    tokenizer: checkpoint.tokenizer,
  };
  return {
    weights: { fileName: weightsFile, bytes: checkpoint.weights, type: 'application/octet-stream' },
    sidecar: {
      fileName: `${base}.checkpoint.json`,
      text: `${JSON.stringify(sidecar, null, 2)}\n`,
      type: 'application/json',
    },
  };
}
