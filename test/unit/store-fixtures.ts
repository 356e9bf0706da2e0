import type { MetricRecord, RunRecord, SweepRecord } from '../../src/store/records.ts';
import { RunConfigSchema } from '../../src/train/config.ts';
import { initialRunState } from '../../src/train/state.ts';

/** Records for the store and results-file tests. */

export const SECRET = 'sk-secret-key';

export function config(name: string) {
  return RunConfigSchema.parse({ name, teacher: { kind: 'llm', llm: { apiKey: SECRET } } });
}

export function makeRun(id: string, createdAt: number): RunRecord {
  return {
    id,
    name: `run ${id}`,
    createdAt,
    updatedAt: createdAt,
    config: config(`run ${id}`),
    status: 'running',
    error: null,
    datasetId: null,
    state: initialRunState(),
    summary: null,
    lineage: { sweepId: null, strategy: 'sft', parent: null, sftAmount: null, hyperparameters: {} },
  };
}

export function makeMetric(
  runId: string,
  kind: MetricRecord['kind'],
  step: number,
  loss: number,
): MetricRecord {
  const compute = {
    teacher: step * 4e5,
    sftTraining: step * 6e5,
    rollouts: 0,
    rlTraining: 0,
    evaluation: step * 1e5,
  };
  return { runId, kind, step, phase: 'sft', flops: step * 1e6, compute, wallMs: step * 10, values: { loss } };
}

export function makeSweep(id: string, createdAt: number): SweepRecord {
  return {
    id,
    name: `sweep ${id}`,
    createdAt,
    updatedAt: createdAt,
    spec: { seed: 1, space: { learningRate: [1e-4, 3e-4] } },
    status: 'created',
    error: null,
  };
}
