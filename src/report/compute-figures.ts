import * as Plot from '@observablehq/plot';
import type { AnalysisSummary, HeldOutSet } from '../analysis/types.ts';
import type { Strategy } from '../store/records.ts';
import {
  HELD_OUT_LABELS,
  STRATEGIES,
  STRATEGY_LABELS,
  type FrontierPoint,
  type RunPoint,
} from './figure-rows.ts';
import { formatFlops, formatPercent } from './format.ts';
import { FONT, STRATEGY_COLORS, STRATEGY_SCALE } from './palette.ts';
import { stackSvg, swatchLegend, textLine } from './svg.ts';

/**
 * Success against training compute (PAPER.md's first finding): each strategy's compute-performance
 * Pareto frontier over the runs, and every run's learning curve.
 */

/** A log axis of training compute; a single value is widened a decade each side. */
function flopsAxis(points: readonly { flops: number }[]): Plot.ScaleOptions {
  const values = points.map((point) => point.flops);
  const single = new Set(values).size < 2 && values[0] !== undefined;
  return {
    type: 'log',
    label: 'training FLOPs',
    tickFormat: formatFlops,
    ticks: 5,
    ...(single ? { domain: [values[0]! / 10, values[0]! * 10] } : {}),
  };
}

/** Success on the held-out set against training compute (log), coloured by strategy. */
function successPlot(
  document: Document,
  heldOut: HeldOutSet,
  points: readonly { flops: number }[],
  width: number,
  marks: Plot.Markish[],
): SVGSVGElement {
  return Plot.plot({
    document,
    width,
    height: 300,
    marginLeft: 46,
    style: { font: FONT },
    x: flopsAxis(points),
    y: { label: `success on ${HELD_OUT_LABELS[heldOut]}`, domain: [0, 1], grid: true, tickFormat: '.0%' },
    color: STRATEGY_SCALE,
    marks,
  }) as SVGSVGElement;
}

function strategyLegend(document: Document, strategies: Iterable<Strategy>): SVGSVGElement {
  const present = new Set(strategies);
  const swatches = STRATEGIES.filter((s) => present.has(s)).map((s) => ({
    label: STRATEGY_LABELS[s],
    color: STRATEGY_COLORS[s],
  }));
  return swatchLegend(document, swatches, 'strategy');
}

export function paretoFigure(
  document: Document,
  summary: AnalysisSummary,
  heldOut: HeldOutSet,
  points: readonly RunPoint[],
  frontier: readonly FrontierPoint[],
  width: number,
): SVGSVGElement {
  // Where SFT+RL first reaches pure SFT's peak (the paper's first finding), drawn dashed and said below.
  const match = summary.compute_to_match_sft[heldOut];
  const annotations: Plot.Markish[] = [];
  let caption: string | null = null;
  if (match) {
    annotations.push(
      Plot.ruleY([match.sft_peak], {
        stroke: STRATEGY_COLORS.sft,
        strokeDasharray: '4 3',
        ariaDescription: 'SFT peak',
      }),
    );
    const peak = `Dashed: pure SFT's peak, ${formatPercent(match.sft_peak)} at ${formatFlops(match.sft_peak_flops)} FLOPs`;
    caption = `${peak}; no SFT+RL run reaches it.`;
    if (match.sft_rl_flops !== null) {
      annotations.push(
        Plot.ruleX([match.sft_rl_flops], {
          stroke: STRATEGY_COLORS['sft+rl'],
          strokeDasharray: '4 3',
          ariaDescription: 'SFT+RL matches SFT',
        }),
      );
      const share = match.fraction === null ? '' : ` (${formatPercent(match.fraction)} of SFT's)`;
      caption = `${peak}; SFT+RL first reaches it at ${formatFlops(match.sft_rl_flops)} FLOPs${share}.`;
    }
  }
  const plot = successPlot(document, heldOut, [...points, ...frontier], width, [
    Plot.dot(points, {
      x: 'flops',
      y: 'success',
      stroke: 'strategy',
      fill: 'white',
      r: 3,
      ariaDescription: 'evaluations',
      title: (p: RunPoint) =>
        `${p.name} (${STRATEGY_LABELS[p.strategy]}): ${formatPercent(p.success)} at ${formatFlops(p.flops)} FLOPs`,
    }),
    Plot.line(frontier, {
      x: 'flops',
      y: 'success',
      z: 'strategy',
      stroke: 'strategy',
      curve: 'step-after',
      strokeWidth: 1.75,
      ariaDescription: 'frontier steps',
    }),
    Plot.dot(frontier, {
      x: 'flops',
      y: 'success',
      fill: 'strategy',
      r: 3.5,
      ariaDescription: 'frontier points',
      title: (p: FrontierPoint) =>
        `${STRATEGY_LABELS[p.strategy]} frontier: ${formatPercent(p.success)} at ${formatFlops(p.flops)} FLOPs`,
    }),
    ...annotations,
  ]);
  const legend = strategyLegend(
    document,
    [...points, ...frontier].map((p) => p.strategy),
  );
  const parts = caption === null ? [legend, plot] : [legend, plot, textLine(document, caption)];
  return stackSvg(document, parts, `Pareto frontier, ${HELD_OUT_LABELS[heldOut]}`);
}

export function learningCurvesFigure(
  document: Document,
  curves: readonly RunPoint[],
  heldOut: HeldOutSet,
  width: number,
): SVGSVGElement {
  const plot = successPlot(document, heldOut, curves, width, [
    Plot.line(curves, {
      x: 'flops',
      y: 'success',
      z: 'runId',
      stroke: 'strategy',
      strokeOpacity: 0.75,
      strokeWidth: 1.4,
      ariaDescription: 'learning curves',
    }),
    Plot.dot(curves, {
      x: 'flops',
      y: 'success',
      fill: 'strategy',
      r: 1.8,
      ariaDescription: 'evaluations',
      title: (p: RunPoint) => `${p.name}: ${formatPercent(p.success)} at ${formatFlops(p.flops)} FLOPs`,
    }),
  ]);
  const legend = strategyLegend(
    document,
    curves.map((p) => p.strategy),
  );
  return stackSvg(document, [legend, plot], `Learning curves, ${HELD_OUT_LABELS[heldOut]}`);
}
