import * as Plot from '@observablehq/plot';
import type { AnalysedRun, AnalysisSummary, HeldOutSet } from '../analysis/types.ts';
import { bestScoreFigure, winRateFigure } from './bootstrap-figures.ts';
import { learningCurvesFigure, paretoFigure } from './compute-figures.ts';
import {
  analysedAmounts,
  analysedHyperparameters,
  curvePoints,
  frontierCandidates,
  frontierPoints,
  HELD_OUT_LABELS,
  taskCells,
  valueRows,
  type TaskCell,
} from './figure-rows.ts';
import { formatPercent } from './format.ts';
import { FONT } from './palette.ts';
import { rampLegend, stackSvg } from './svg.ts';

/**
 * The Results page's figures, drawn with Observable Plot into the document given: the page's own,
 * or a Node DOM (happy-dom) for `npm run lab -- analyze`, so both draw the same SVG. Each figure is
 * one self-contained SVG element (legends included) that downloads as it is shown.
 */

export interface ResultsFigure {
  /** A file name without extension, unique among the figures: "win-rate-goals-learning_rate". */
  name: string;
  title: string;
  svg: SVGSVGElement;
}

export interface FigureOptions {
  /** Width in pixels of a full-width figure. */
  width?: number;
}

const HEAT_LOW = '#fff5f5';
const HEAT_HIGH = '#2b8a3e';

/** Every figure of a summary and its runs on one held-out set; the per-task heat map does not depend on it. */
export function resultsFigures(
  summary: AnalysisSummary,
  runs: readonly AnalysedRun[],
  heldOut: HeldOutSet,
  document: Document,
  options: FigureOptions = {},
): ResultsFigure[] {
  const width = options.width ?? 640;
  const figures: ResultsFigure[] = [];
  for (const hyperparameter of analysedHyperparameters(summary, heldOut)) {
    const rows = valueRows(summary, heldOut, hyperparameter);
    const amounts = analysedAmounts(summary, heldOut);
    const slug = fileSlug(hyperparameter);
    figures.push({
      name: `win-rate-${heldOut}-${slug}`,
      title: `Win rate of ${hyperparameter} by SFT amount, ${HELD_OUT_LABELS[heldOut]}`,
      svg: winRateFigure(document, rows, amounts, hyperparameter, width),
    });
    figures.push({
      name: `t-h-${heldOut}-${slug}`,
      title: `Best reachable success T_h of ${hyperparameter} by SFT amount, ${HELD_OUT_LABELS[heldOut]}`,
      svg: bestScoreFigure(document, rows, amounts, hyperparameter, width),
    });
  }
  // Drawn over the evaluations the analysis builds the frontier from, not only selected checkpoints.
  const candidates = frontierCandidates(runs, heldOut);
  if (candidates.length > 0) {
    figures.push({
      name: `pareto-${heldOut}`,
      title: `Compute-performance Pareto frontier per strategy, ${HELD_OUT_LABELS[heldOut]}`,
      svg: paretoFigure(document, summary, heldOut, candidates, frontierPoints(summary, heldOut), width),
    });
  }
  const curves = curvePoints(runs, heldOut);
  if (curves.length > 0) {
    figures.push({
      name: `learning-curves-${heldOut}`,
      title: `Learning curves against training compute, ${HELD_OUT_LABELS[heldOut]}`,
      svg: learningCurvesFigure(document, curves, heldOut, width),
    });
  }
  const heat = taskCells(runs);
  if (heat.cells.length > 0) {
    figures.push({
      name: 'per-task',
      title: 'Success per task of each run at its selected checkpoint',
      svg: taskHeatmapFigure(document, heat, width),
    });
  }
  return figures;
}

/** A hyperparameter's name as part of a file name. */
function fileSlug(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-');
}

function taskHeatmapFigure(
  document: Document,
  heat: { cells: TaskCell[]; runs: string[]; tasks: string[] },
  width: number,
): SVGSVGElement {
  const longestRun = Math.max(...heat.runs.map((run) => run.length));
  const longestTask = Math.max(...heat.tasks.map((task) => task.length));
  const marginLeft = Math.min(220, 12 + longestRun * 6);
  const plotWidth = Math.max(width, marginLeft + 20 + heat.tasks.length * 34);
  const cellWidth = (plotWidth - marginLeft - 20) / heat.tasks.length;
  const plot = Plot.plot({
    document,
    width: plotWidth,
    height: 30 + Math.min(150, 10 + longestTask * 5) + 20 * heat.runs.length,
    marginLeft,
    marginRight: 20,
    marginTop: 10,
    marginBottom: Math.min(150, 10 + longestTask * 5),
    style: { font: FONT },
    x: { label: null, domain: heat.tasks, tickRotate: -40, tickSize: 0, padding: 0 },
    y: { label: null, domain: heat.runs, tickSize: 0, padding: 0 },
    color: { type: 'linear', domain: [0, 1], range: [HEAT_LOW, HEAT_HIGH] },
    marks: [
      Plot.cell(heat.cells, {
        x: 'task',
        y: 'run',
        fill: 'success',
        inset: 0.5,
        ariaDescription: 'task success',
        title: (cell: TaskCell) => `${cell.run}, ${cell.task}: ${formatPercent(cell.success)}`,
      }),
      // Numbers in the cells where they fit: the colour alone reads poorly between close values.
      ...(cellWidth >= 30 ? [cellText(heat.cells, false), cellText(heat.cells, true)] : []),
    ],
  }) as SVGSVGElement;
  const legend = rampLegend(document, HEAT_LOW, HEAT_HIGH, 'success');
  return stackSvg(document, [legend, plot], 'Success per task');
}

/** The cells' percentages, white on the dark cells and black on the light ones. */
function cellText(cells: readonly TaskCell[], dark: boolean): Plot.Markish {
  return Plot.text(
    cells.filter((cell) => cell.success > 0.6 === dark),
    {
      x: 'task',
      y: 'run',
      text: (cell: TaskCell) => formatPercent(cell.success),
      fill: dark ? 'white' : 'black',
      fontSize: 9,
      ariaDescription: 'cell values',
    },
  );
}
