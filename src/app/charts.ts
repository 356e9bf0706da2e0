import * as Plot from '@observablehq/plot';
import type {
  CurveAxis,
  CurvePoint,
  HeatmapCell,
  OverlayPoint,
  SuccessPoint,
  TaskSuccess,
} from './chart-data.ts';
import { formatFlops } from './lab-format.ts';

/**
 * The pages' plots, drawn with Observable Plot from rows shaped in chart-data.ts. Each returns a
 * detached element for Chart.svelte to place; the pages never build plots themselves.
 */

const FONT = '11px system-ui, sans-serif';
const PHASE_COLORS = { domain: ['sft', 'rl', 'done'], range: ['#3b5bdb', '#e8590c', '#5d6676'] };
const HELD_OUT_COLORS = { domain: ['held-out goals', 'held-out tasks'], range: ['#2b8a3e', '#ae3ec9'] };

const flopsAxis = (points: readonly { flops: number }[]): Plot.ScaleOptions => ({
  type: 'log',
  label: 'cumulative FLOPs',
  tickFormat: formatFlops,
  // A single point would give a zero-width domain: widen it a decade each side.
  ...(new Set(points.map((p) => p.flops)).size < 2 && points[0]
    ? { domain: [points[0].flops / 10, points[0].flops * 10] }
    : {}),
  ticks: 4,
});

/** The x scale of a curve along `axis`: log FLOPs, steps or seconds of wall time. */
function xScale(points: readonly { flops: number }[], axis: CurveAxis): Plot.ScaleOptions {
  if (axis === 'flops') return flopsAxis(points);
  return { label: axis === 'step' ? 'optimizer step' : 'wall time (s)', ticks: 5, nice: true };
}

/** A training value (loss or reward) against FLOPs (or steps, or wall time), coloured by phase. */
export function trainingPlot(
  points: readonly CurvePoint[],
  label: string,
  width: number,
  axis: CurveAxis = 'flops',
): Element {
  return Plot.plot({
    width,
    height: 190,
    marginLeft: 44,
    style: { font: FONT },
    x: xScale(points, axis),
    y: { label, grid: true, nice: true, tickFormat: '.3~g' },
    color: { ...PHASE_COLORS, legend: new Set(points.map((p) => p.phase)).size > 1 },
    marks: [
      Plot.line(points, { x: axis, y: 'value', z: 'phase', stroke: 'phase', strokeWidth: 1.5 }),
      Plot.dot(points.length < 3 ? points : [], { x: axis, y: 'value', fill: 'phase', r: 2.5 }),
      Plot.tip(points, Plot.pointerX({ x: axis, y: 'value', title: (p: CurvePoint) => tipText(p, label) })),
    ],
  });
}

/** Held-out-goal and held-out-task success against FLOPs (or steps, or wall time), each with a one-standard-error band. */
export function heldOutPlot(
  points: readonly SuccessPoint[],
  width: number,
  axis: CurveAxis = 'flops',
): Element {
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 44,
    style: { font: FONT },
    x: xScale(points, axis),
    y: { label: 'success', domain: [0, 1], grid: true, tickFormat: '.0%' },
    color: { ...HELD_OUT_COLORS, legend: true },
    marks: [
      Plot.areaY(points, {
        x: axis,
        y1: 'low',
        y2: 'high',
        z: 'kind',
        fill: 'kind',
        fillOpacity: 0.15,
      }),
      Plot.line(points, { x: axis, y: 'success', z: 'kind', stroke: 'kind', strokeWidth: 1.75 }),
      Plot.dot(points, { x: axis, y: 'success', fill: 'kind', r: 2.5 }),
      Plot.tip(
        points,
        Plot.pointerX({
          x: axis,
          y: 'success',
          title: (p: SuccessPoint) =>
            `${p.kind}: ${(p.success * 100).toFixed(0)}% (±${(((p.high - p.low) / 2) * 100).toFixed(0)})\n` +
            `step ${p.step}, ${formatFlops(p.flops)} FLOPs`,
        }),
      ),
    ],
  });
}

/** Success of each task (rows) at each evaluation (columns). */
export function heatmapPlot(cells: readonly HeatmapCell[], tasks: readonly string[], width: number): Element {
  const evaluations = Math.max(...cells.map((c) => c.evaluation));
  return Plot.plot({
    width,
    height: 44 + 22 * tasks.length,
    marginTop: 6,
    marginLeft: 130,
    marginBottom: 36,
    style: { font: FONT },
    x: { label: 'evaluation', type: 'band', domain: range(1, evaluations), tickSize: 0 },
    y: { label: null, domain: [...tasks], tickSize: 0 },
    color: { type: 'linear', domain: [0, 1], range: ['#fff5f5', '#2b8a3e'], legend: true, tickFormat: '.0%' },
    marks: [
      Plot.cell(cells, { x: 'evaluation', y: 'task', fill: 'success', inset: 0.5 }),
      Plot.tip(
        cells,
        Plot.pointer({
          x: 'evaluation',
          y: 'task',
          title: (c: HeatmapCell) => `${c.task}, step ${c.step}: ${(c.success * 100).toFixed(0)}%`,
        }),
      ),
    ],
  });
}

/** A dataset's success per task, as horizontal bars. */
export function taskSuccessPlot(rows: readonly TaskSuccess[], width: number): Element {
  return Plot.plot({
    width,
    height: 46 + 22 * rows.length,
    marginTop: 6,
    marginBottom: 36,
    marginLeft: 150,
    marginRight: 40,
    style: { font: FONT },
    x: { domain: [0, 1], label: 'teacher success', tickFormat: '.0%', grid: true, ticks: 5 },
    y: { label: null, domain: rows.map((r) => r.task), tickSize: 0 },
    marks: [
      Plot.barX(rows, { x: 'success', y: 'task', fill: '#3b5bdb', fillOpacity: 0.8, inset: 2 }),
      Plot.text(rows, {
        x: 'success',
        y: 'task',
        text: (r: TaskSuccess) => `${(r.success * 100).toFixed(0)}% of ${r.episodes}`,
        textAnchor: 'start',
        dx: 4,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** Held-out success of several runs on one chart: a colour per run, goals solid and tasks dashed. */
export function overlayPlot(
  points: readonly OverlayPoint[],
  width: number,
  axis: CurveAxis = 'flops',
): Element {
  const line = (kind: OverlayPoint['kind'], dash: string): Plot.Markish =>
    Plot.line(
      points.filter((p) => p.kind === kind),
      { x: axis, y: 'success', z: 'run', stroke: 'run', strokeWidth: 1.75, strokeDasharray: dash },
    );
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 44,
    style: { font: FONT },
    x: xScale(points, axis),
    y: { label: 'success (goals solid, tasks dashed)', domain: [0, 1], grid: true, tickFormat: '.0%' },
    color: { legend: true, type: 'categorical' },
    marks: [
      line('held-out goals', 'none'),
      line('held-out tasks', '4,3'),
      Plot.dot(points, { x: axis, y: 'success', fill: 'run', r: 2.5 }),
      Plot.tip(
        points,
        Plot.pointer({
          x: axis,
          y: 'success',
          title: (p: OverlayPoint) =>
            `${p.run}\n${p.kind}: ${(p.success * 100).toFixed(0)}% at step ${p.step}`,
        }),
      ),
    ],
  });
}

function tipText(point: CurvePoint, label: string): string {
  return `${label} ${point.value.toFixed(3)}\nstep ${point.step} (${point.phase}), ${formatFlops(point.flops)} FLOPs`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
