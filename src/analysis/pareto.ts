import type { Strategy } from '../store/records.ts';
import type { AnalysedRun, HeldOutSet } from './types.ts';

/** [training FLOPs, success]. */
export type ComputePoint = [number, number];

/**
 * The compute-performance Pareto frontier: the points no other point beats on both axes (as much or
 * more success for as little or less compute), by rising FLOPs. Equal points are kept once.
 */
export function paretoFrontier(points: readonly ComputePoint[]): ComputePoint[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const frontier: ComputePoint[] = [];
  let bestSuccess = -Infinity;
  for (const [flops, success] of sorted) {
    if (success > bestSuccess) {
      frontier.push([flops, success]);
      bestSuccess = success;
    }
  }
  return frontier;
}

/**
 * The evaluations of the runs on one held-out set that show their strategy: every evaluation of an
 * SFT run; an RL or SFT+RL run's only after its first RL update, since before it they score the
 * model it started from (an SFT+RL run's own SFT phase would otherwise count as SFT+RL).
 */
export function curvePoints(runs: readonly AnalysedRun[], set: HeldOutSet): ComputePoint[] {
  return runs.flatMap((run) =>
    run.curve
      .filter((point) => run.strategy === 'sft' || point.phase === 'rl')
      .map((point): ComputePoint => [point.flops, point[set]]),
  );
}

/** Each strategy's frontier over all its runs' evaluations; a strategy without evaluations is absent. */
export function paretoByStrategy(
  runs: readonly AnalysedRun[],
  set: HeldOutSet,
): Partial<Record<Strategy, ComputePoint[]>> {
  const frontiers: Partial<Record<Strategy, ComputePoint[]>> = {};
  for (const strategy of ['sft', 'rl', 'sft+rl'] as const) {
    const points = curvePoints(
      runs.filter((run) => run.strategy === strategy),
      set,
    );
    if (points.length > 0) frontiers[strategy] = paretoFrontier(points);
  }
  return frontiers;
}

export interface ComputeToMatchSft {
  /** The best success any evaluation of a pure SFT run reached, and the least compute it took. */
  sft_peak: number;
  sft_peak_flops: number;
  /** The least compute at which an evaluation of an SFT+RL run reached sft_peak; null if none did. */
  sft_rl_flops: number | null;
  /** sft_rl_flops / sft_peak_flops (the paper: 6 of 11 exaFLOPs, 55%); null if not reached. */
  fraction: number | null;
}

/** PAPER.md's compute comparison on one held-out set; null without any evaluation of a pure SFT run. */
export function computeToMatchSft(runs: readonly AnalysedRun[], set: HeldOutSet): ComputeToMatchSft | null {
  const sft = curvePoints(
    runs.filter((run) => run.strategy === 'sft'),
    set,
  );
  if (sft.length === 0) return null;
  const peak = Math.max(...sft.map(([, success]) => success));
  const peakFlops = Math.min(...sft.filter(([, success]) => success === peak).map(([flops]) => flops));
  const matching = curvePoints(
    runs.filter((run) => run.strategy === 'sft+rl'),
    set,
  ).filter(([, success]) => success >= peak);
  const sftRlFlops = matching.length > 0 ? Math.min(...matching.map(([flops]) => flops)) : null;
  return {
    sft_peak: peak,
    sft_peak_flops: peakFlops,
    sft_rl_flops: sftRlFlops,
    fraction: sftRlFlops !== null && peakFlops > 0 ? sftRlFlops / peakFlops : null,
  };
}
