import type { MetricRecord } from '../store/records.ts';
import type { RunConfig } from './config.ts';

/** Where a run's training stands: its phase, the step of the phase's total, the pace and what is left. */
export interface PhaseProgress {
  phase: 'sft' | 'rl';
  /** "SFT step" or "RL iteration". */
  unit: string;
  done: number;
  total: number;
  /** Wall time per step or iteration since this pace first saw the phase (evaluations included); null before two rows. */
  msPerStep: number | null;
  etaMs: number | null;
}

/**
 * The pace of a run's training rows, as the CLI prints it and the Train page shows it: the pace is
 * measured from the first row seen in the phase, so a resume does not count the steps done before it,
 * and it includes the evaluations in between, as the steps to come will have theirs.
 */
export class RunPace {
  private first: { phase: 'sft' | 'rl'; done: number; at: number } | null = null;

  constructor(
    private readonly config: Pick<RunConfig, 'sft' | 'rl'>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The progress a training row shows; null for evaluation rows. */
  onRow(metric: MetricRecord): PhaseProgress | null {
    if (metric.kind !== 'train') return null;
    const phase = metric.phase === 'sft' ? 'sft' : 'rl';
    const done = phase === 'sft' ? metric.step : (metric.values.iteration ?? 0);
    const total = phase === 'sft' ? this.config.sft.steps : this.config.rl.iterations;
    const now = this.now();
    if (this.first?.phase !== phase) this.first = { phase, done, at: now };
    const measured = done - this.first.done;
    const msPerStep = measured > 0 ? (now - this.first.at) / measured : null;
    return {
      phase,
      unit: phase === 'sft' ? 'SFT step' : 'RL iteration',
      done,
      total,
      msPerStep,
      etaMs: msPerStep === null ? null : msPerStep * Math.max(0, total - done),
    };
  }
}
