import * as Plot from '@observablehq/plot';
import { valueOrder, type ValueRow } from './figure-rows.ts';
import { formatFlops, formatPercent } from './format.ts';
import { BAR_COLOR, EXPECTED_BEST_COLOR, FONT } from './palette.ts';
import { stackSvg, swatchLegend, textLine } from './svg.ts';

/**
 * The bootstrap's figures for one hyperparameter on one held-out set (PAPER.md): its win rates, and
 * T_h with its 95% interval, per value, as small multiples with one panel per SFT amount.
 */

/** SFT amounts are steps or FLOPs: a large one is written as FLOPs are. */
const amountLabel = (amount: number): string => (amount >= 1e4 ? formatFlops(amount) : String(amount));

/** The width small multiples need: every value gets room for its bar in every panel. */
function multiplesWidth(rows: readonly ValueRow[], amounts: readonly number[], width: number): number {
  return Math.max(width, 70 + amounts.length * (valueOrder(rows).length * 30 + 20));
}

/** Panels side by side, one per SFT amount, each with the hyperparameter's values on x and a share on y. */
function smallMultiples(
  document: Document,
  rows: readonly ValueRow[],
  amounts: readonly number[],
  hyperparameter: string,
  width: number,
  yLabel: string,
  marks: Plot.Markish[],
): SVGSVGElement {
  const values = valueOrder(rows);
  const long = values.some((value) => value.length > 5);
  return Plot.plot({
    document,
    width: multiplesWidth(rows, amounts, width),
    height: 240,
    marginLeft: 46,
    marginBottom: long ? 60 : 40,
    style: { font: FONT },
    fx: { label: 'SFT amount', domain: [...amounts], tickFormat: amountLabel },
    x: { label: hyperparameter, domain: values, tickRotate: long ? -30 : 0 },
    y: { label: yLabel, domain: [0, 1], grid: true, tickFormat: '.0%' },
    marks,
  }) as SVGSVGElement;
}

export function winRateFigure(
  document: Document,
  rows: readonly ValueRow[],
  amounts: readonly number[],
  hyperparameter: string,
  width: number,
): SVGSVGElement {
  return smallMultiples(document, rows, amounts, hyperparameter, width, 'win rate', [
    Plot.barY(rows, {
      fx: 'amount',
      x: 'value',
      y: 'winRate',
      fill: BAR_COLOR,
      fillOpacity: 0.85,
      ariaDescription: 'win rate bars',
      title: (row: ValueRow) =>
        `${hyperparameter} = ${row.value} at SFT amount ${amountLabel(row.amount)}: ` +
        `wins ${formatPercent(row.winRate)} of resamples (${row.runs} runs)`,
    }),
    // How many runs carry each value: a high win rate from two runs is worth less than from twenty.
    Plot.text(rows, {
      fx: 'amount',
      x: 'value',
      y: 'winRate',
      text: (row: ValueRow) => `n=${row.runs}`,
      dy: -6,
      fontSize: 9,
      ariaDescription: 'runs per value',
    }),
    Plot.ruleY([0]),
  ]);
}

/**
 * T_h as the paper reads it (its mean and 95% percentile interval), and to its right the expected
 * best score with its 95% interval under normal scores, which the analysis adds: the paper's interval
 * covers the expected best only about half the time (analysis/types.ts, ValueStats). Legend and
 * caption travel with the SVG, so a downloaded figure names the assumption too.
 */
export function bestScoreFigure(
  document: Document,
  rows: readonly ValueRow[],
  amounts: readonly number[],
  hyperparameter: string,
  width: number,
): SVGSVGElement {
  const where = (row: ValueRow): string =>
    `${hyperparameter} = ${row.value} at SFT amount ${amountLabel(row.amount)}`;
  const describe = (row: ValueRow): string =>
    `${where(row)}: T_h ${formatPercent(row.tMean, 1)} ` +
    `(95% interval ${formatPercent(row.tLow, 1)} to ${formatPercent(row.tHigh, 1)}, ${row.runs} runs)`;
  const describeExpected = (row: ValueRow): string =>
    `${where(row)}: expected best of ${row.runs} runs ${formatPercent(row.expectedBest, 1)} ` +
    `(95% interval ${formatPercent(row.expectedBestLow, 1)} to ${formatPercent(row.expectedBestHigh, 1)}, ` +
    'assuming normal scores)';
  const plot = smallMultiples(document, rows, amounts, hyperparameter, width, 'best success', [
    // A value no resample drew has no T_h (null): Plot leaves its place on the axis empty.
    Plot.ruleX(rows, {
      fx: 'amount',
      x: 'value',
      y1: 'tLow',
      y2: 'tHigh',
      dx: -MARK_OFFSET,
      stroke: BAR_COLOR,
      strokeWidth: 2,
      ariaDescription: '95% intervals',
    }),
    Plot.dot(rows, {
      fx: 'amount',
      x: 'value',
      y: 'tMean',
      dx: -MARK_OFFSET,
      fill: BAR_COLOR,
      r: 3.5,
      ariaDescription: 'T_h means',
      title: describe,
    }),
    // Under normal scores the interval can reach past 100% (nothing bounds a normal): drawn to the
    // axis's end, its title gives the figures as they are.
    Plot.ruleX(rows, {
      fx: 'amount',
      x: 'value',
      y1: (row: ValueRow) => onAxis(row.expectedBestLow),
      y2: (row: ValueRow) => onAxis(row.expectedBestHigh),
      dx: MARK_OFFSET,
      stroke: EXPECTED_BEST_COLOR,
      strokeWidth: 2,
      ariaDescription: 'expected-best intervals',
    }),
    Plot.dot(rows, {
      fx: 'amount',
      x: 'value',
      y: (row: ValueRow) => onAxis(row.expectedBest),
      dx: MARK_OFFSET,
      fill: 'white',
      stroke: EXPECTED_BEST_COLOR,
      strokeWidth: 1.5,
      r: 3.5,
      ariaDescription: 'expected best',
      title: describeExpected,
    }),
  ]);
  const legend = swatchLegend(
    document,
    [
      { label: 'T_h, 95% percentile interval (paper)', color: BAR_COLOR },
      { label: 'expected best, 95% interval assuming normal scores', color: EXPECTED_BEST_COLOR },
    ],
    'T_h',
  );
  const caption = textLine(
    document,
    "Right: expected best of a value's n runs, exact only if its scores are normal; none below 3 runs.",
  );
  return stackSvg(document, [legend, plot, caption], `Best success T_h of ${hyperparameter}`);
}

/** How far each of a value's two marks sits from its tick, so that they read side by side. */
const MARK_OFFSET = 5;

/** A share as the [0, 1] axis can draw it. */
const onAxis = (share: number | null): number | null =>
  share === null ? null : Math.min(1, Math.max(0, share));
