import type { TokenizerSpec } from '../agent/tokenizer.ts';
import type { EpisodeStep } from '../env/episode.ts';
import type { RunConfig, TeacherSettings } from '../train/config.ts';
import type { RunPhase, RunState } from '../train/state.ts';

/**
 * CONTRACT: what the lab keeps in IndexedDB (store/db.ts holds the Dexie schema). Every record is
 * plain data (structured-clone safe); ids are strings made by the lab (crypto.randomUUID()).
 */

/** A collection of teacher traces. */
export interface DatasetRecord {
  id: string;
  name: string;
  createdAt: number;
  status: 'collecting' | 'complete' | 'failed';
  error: string | null;
  /** The teacher, its LLM key blanked. */
  teacher: TeacherSettings;
  split: string;
  tasks: string[];
  observationFormat: 'html' | 'axtree';
  maxSteps: number;
  stats: DatasetStats;
}

export interface DatasetStats {
  /** Episodes the teacher played, kept or not. */
  episodes: number;
  successes: number;
  /** Episodes stored (only the successful ones when keepOnlySuccessful). */
  kept: number;
  /** Steps of the stored episodes: the SFT examples. */
  keptSteps: number;
  /** Steps of all episodes played. */
  steps: number;
  /** UTF-8 bytes of prompt + target over the stored steps (tokens under the byte tokenizer). */
  tokens: number;
  /** FLOPs of the teacher generating every step it played (failed episodes included). */
  teacherFlops: number;
  /** How teacherFlops was counted, e.g. "paper ratio 70B:8B x student (nano)" or "declared 7e9 parameters". */
  teacherFlopsBasis: string;
  perTask: Record<string, { episodes: number; successes: number }>;
}

/** One teacher episode; steps hold text only (a model's token samples are not stored). */
export interface TraceRecord {
  /** Auto-incremented. */
  id?: number;
  datasetId: string;
  task: string;
  seed: number;
  success: boolean;
  reward: number;
  steps: Omit<EpisodeStep, 'sample'>[];
}

export type RunStatus = 'created' | 'running' | 'paused' | 'finished' | 'failed';

export interface RunRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Its LLM key blanked. */
  config: RunConfig;
  status: RunStatus;
  /** Why it failed, in words the user can act on. */
  error: string | null;
  /** The dataset its SFT phase trains on (collected at its start, or config.sft.datasetId). */
  datasetId: string | null;
  /** The latest state (the last checkpoint's state is the one a resume starts from). */
  state: RunState;
  /** Filled when the run finishes. */
  summary: RunSummary | null;
}

/** The result of a finished run; the CLI prints it as the last line. */
export interface RunSummary {
  run_id: string;
  /** At the checkpoint chosen by the rolling mean (window 3) of held-out-goal success: its unsmoothed score. */
  heldout_goals_success: number;
  heldout_goals_stderr: number;
  heldout_tasks_success: number;
  heldout_tasks_stderr: number;
  selected_step: number;
  /** Total FLOPs of the run (teacher + training + rollouts + evaluation). */
  flops: number;
  wall_s: number;
  steps: number;
  per_task: Record<string, number>;
  /** RL runs: teacher + SFT training FLOPs spent before RL began (0 for RL alone); null for SFT-only runs. */
  sft_flops_at_branch: number | null;
}

/** One row of a curve: training metrics of one optimizer step or RL iteration, or one evaluation. */
export interface MetricRecord {
  runId: string;
  kind: 'train' | 'eval';
  /** Optimizer step (over both phases) the row belongs to; [runId, kind, step] is unique. */
  step: number;
  phase: RunPhase;
  /** Cumulative FLOPs when the row was recorded. */
  flops: number;
  wallMs: number;
  /** e.g. loss, gradNorm, learningRate, reward, success, filteredFraction; eval: heldOutGoalSuccess, heldOutTaskSuccess and stderrs. */
  values: Record<string, number>;
  /** Evaluations: success per task. */
  perTask?: Record<string, number>;
}

export interface CheckpointRecord {
  runId: string;
  /** [runId, step] is unique. */
  step: number;
  phase: RunPhase;
  flops: number;
  createdAt: number;
  /** engine/checkpoint.ts: safetensors of the parameters, and of AdamW's moments. */
  weights: ArrayBuffer;
  optimizer: ArrayBuffer | null;
  tokenizer: TokenizerSpec;
  /** The run's state right after this step: a resume starts here. */
  state: RunState;
}

/** A checkpoint without its buffers, for listings. */
export type CheckpointInfo = Omit<CheckpointRecord, 'weights' | 'optimizer'> & { bytes: number };
