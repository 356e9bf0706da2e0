import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalysisSummary } from '../../src/analysis/types.ts';
import { writeFigures } from '../../src/cli/figures.ts';
import { resultsFigures, type ResultsFigure } from '../../src/report/figures.ts';
import { figureToSvgText } from '../../src/report/svg.ts';
import { fixtureRuns, fixtureSummary } from './report-fixtures.ts';

const window = new Window();
const document = window.document as unknown as Document;
afterAll(() => window.happyDOM.close());

function figure(figures: ResultsFigure[], name: string): SVGSVGElement {
  const found = figures.find((f) => f.name === name);
  if (!found) throw new Error(`no figure ${name} among ${figures.map((f) => f.name).join(', ')}`);
  return found.svg;
}

/** The elements a mark drew, found by the label the figure gave the mark. */
function marks(svg: Element, label: string, element: string): Element[] {
  return [...svg.querySelectorAll(`g[aria-description="${label}"] ${element}`)];
}

const titles = (elements: Element[]): string[] =>
  elements.map((element) => element.querySelector('title')?.textContent ?? '');
const texts = (svg: Element): string[] => [...svg.querySelectorAll('text')].map((t) => t.textContent ?? '');

describe('the Results figures', () => {
  const goals = resultsFigures(fixtureSummary(), fixtureRuns(), 'goals', document);

  it('draws the figures of every analysed hyperparameter, once each, with file-safe names', () => {
    expect(goals.map((f) => f.name)).toEqual([
      'win-rate-goals-learning_rate',
      't-h-goals-learning_rate',
      'win-rate-goals-temperature',
      't-h-goals-temperature',
      'pareto-goals',
      'learning-curves-goals',
      'per-task',
    ]);
    for (const f of goals) expect(f.svg.tagName.toLowerCase()).toBe('svg');
  });

  it('draws one win-rate bar per value and SFT amount, in panels named by amount', () => {
    const svg = figure(goals, 'win-rate-goals-learning_rate');
    const bars = marks(svg, 'win rate bars', 'rect');
    expect(bars).toHaveLength(3 * 2);
    expect(titles(bars)).toContain(
      'learning_rate = 0.0003 at SFT amount 300: wins 70% of resamples (2 runs)',
    );
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(['100', '300', 'SFT amount']));
    expect(labels.some((text) => text.includes('learning_rate'))).toBe(true);
    // Numeric values sorted as numbers, whatever order the summary listed them in.
    const ticks = labels.filter((text) => /^0\.00/.test(text));
    expect(ticks.slice(0, 3)).toEqual(['0.0001', '0.0003', '0.001']);
    // The taller bar is the higher win rate (70% against 10%).
    const height = (value: string): number =>
      Number(
        bars
          .find((bar) => titles([bar])[0]!.includes(`= ${value} at SFT amount 100`))!
          .getAttribute('height'),
      );
    expect(height('0.0003')).toBeCloseTo(7 * height('0.0001'), 0);
    expect(marks(svg, 'runs per value', 'text').map((t) => t.textContent)).toContain('n=2');
  });

  it('draws T_h as a mean with its 95% interval per value and amount', () => {
    const svg = figure(goals, 't-h-goals-temperature');
    expect(marks(svg, '95% intervals', 'line')).toHaveLength(2 * 2);
    const means = marks(svg, 'T_h means', 'circle');
    expect(means).toHaveLength(2 * 2);
    expect(titles(means)).toContain(
      'temperature = 0.7 at SFT amount 100: T_h 60.0% (95% interval 50.0% to 65.0%, 3 runs)',
    );
  });

  it('leaves a value no resample drew without a T_h mark, its place on the axis kept', () => {
    const summary = fixtureSummary();
    const temperature = summary.by_sft_amount[0]!.hyperparameters.temperature!;
    temperature.values['1'] = {
      win_rate: 0,
      t_mean: null,
      t_lo: null,
      t_hi: null,
      expected_best: null,
      expected_best_lo: null,
      expected_best_hi: null,
      runs: 0,
    };
    const svg = figure(resultsFigures(summary, [], 'goals', document), 't-h-goals-temperature');
    expect(marks(svg, 'T_h means', 'circle')).toHaveLength(2 * 2 - 1);
    expect(marks(svg, '95% intervals', 'line')).toHaveLength(2 * 2 - 1);
    expect(texts(svg).filter((text) => text === '1')).toHaveLength(2);
  });

  it('draws beside T_h the expected best under normal scores, the assumption named in legend and caption', () => {
    const svg = figure(goals, 't-h-goals-temperature');
    const expected = marks(svg, 'expected best', 'circle');
    expect(expected).toHaveLength(2 * 2);
    expect(titles(expected)).toContain(
      'temperature = 0.7 at SFT amount 100: expected best of 3 runs 65.0% ' +
        '(95% interval 55.0% to 80.0%, assuming normal scores)',
    );
    expect(marks(svg, 'expected-best intervals', 'line')).toHaveLength(2 * 2);
    const labels = texts(svg);
    expect(labels).toContain('T_h, 95% percentile interval (paper)');
    expect(labels).toContain('expected best, 95% interval assuming normal scores');
    expect(labels.some((text) => /exact only if its scores are normal; none below 3 runs/.test(text))).toBe(
      true,
    );
  });

  it('leaves a value with too few runs without an expected best, and draws one past 100% to the axis end', () => {
    const summary = fixtureSummary();
    const values = summary.by_sft_amount[1]!.hyperparameters.temperature!.values;
    values['0.7'] = { ...values['0.7']!, expected_best_hi: 1.3 };
    values['1'] = { ...values['1']!, expected_best_hi: 1 };
    summary.by_sft_amount[0]!.hyperparameters.temperature!.values['1'] = {
      ...values['1']!,
      expected_best: null,
      expected_best_lo: null,
      expected_best_hi: null,
    };
    const svg = figure(resultsFigures(summary, [], 'goals', document), 't-h-goals-temperature');
    expect(marks(svg, 'expected best', 'circle')).toHaveLength(2 * 2 - 1);
    expect(marks(svg, 'T_h means', 'circle')).toHaveLength(2 * 2);
    // SFT amount 100's panel comes first: its two values reach 130% and 100%, both drawn to the top.
    const [over, full] = marks(svg, 'expected-best intervals', 'line').map((line) =>
      Math.min(Number(line.getAttribute('y1')), Number(line.getAttribute('y2'))),
    );
    expect(over).toBe(full);
    expect(titles(marks(svg, 'expected best', 'circle'))).toContain(
      'temperature = 0.7 at SFT amount 100: expected best of 3 runs 65.0% ' +
        '(95% interval 55.0% to 130.0%, assuming normal scores)',
    );
  });

  it("marks the frontier's points as given, on the spots of the evaluations that make it", () => {
    const svg = figure(goals, 'pareto-goals');
    const frontier = marks(svg, 'frontier points', 'circle');
    expect(titles(frontier).sort()).toEqual(
      [
        'SFT frontier: 20% at 1e9 FLOPs',
        'SFT frontier: 45% at 4e9 FLOPs',
        'RL frontier: 10% at 5e9 FLOPs',
        'SFT+RL frontier: 30% at 2e9 FLOPs',
        'SFT+RL frontier: 50% at 3e9 FLOPs',
        'SFT+RL frontier: 70% at 8e9 FLOPs',
      ].sort(),
    );
    // Every evaluation the frontier is built from: both of each SFT and RL run, an SFT+RL run's
    // only after its first RL update.
    const evaluations = marks(svg, 'evaluations', 'circle');
    expect(evaluations).toHaveLength(3 * 2 + 1 * 2 + 4 * 1);
    const spot = (c: Element): string => `${c.getAttribute('cx')},${c.getAttribute('cy')}`;
    const evaluationSpots = new Set(evaluations.map(spot));
    for (const point of frontier) expect(evaluationSpots).toContain(spot(point));
    // One step line per strategy.
    expect(marks(svg, 'frontier steps', 'path')).toHaveLength(3);
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(['SFT', 'RL', 'SFT+RL']));
    expect(labels.some((text) => text.startsWith('training FLOPs'))).toBe(true);
    expect(labels).toContain(
      "Dashed: pure SFT's peak, 45% at 4e9 FLOPs; SFT+RL first reaches it at 3e9 FLOPs (75% of SFT's).",
    );
    expect(marks(svg, 'SFT+RL matches SFT', 'line')).toHaveLength(1);
  });

  it('draws one learning curve per run, coloured by its strategy', () => {
    const svg = figure(goals, 'learning-curves-goals');
    const curves = marks(svg, 'learning curves', 'path');
    expect(curves).toHaveLength(8);
    const strokes = curves.map((path) => path.getAttribute('stroke'));
    expect(new Set(strokes).size).toBe(3);
    expect(strokes.filter((stroke) => stroke === strokes[0])).toHaveLength(3);
    expect(texts(svg).some((text) => text.startsWith('training FLOPs'))).toBe(true);
  });

  it('draws a cell per run and task, named by both', () => {
    const svg = figure(goals, 'per-task');
    const cells = marks(svg, 'task success', 'rect');
    expect(cells).toHaveLength(8 * 3);
    expect(titles(cells)).toContain('run b3, click-test: 70%');
    expect(texts(svg)).toEqual(expect.arrayContaining(['click-test', 'focus-text', 'run a1', 'success']));
  });

  it('draws the held-out tasks from their own frontier and leaves out what there is nothing of', () => {
    const tasks = resultsFigures(fixtureSummary(), fixtureRuns(), 'tasks', document);
    expect(titles(marks(figure(tasks, 'pareto-tasks'), 'frontier points', 'circle')).sort()).toEqual([
      'SFT frontier: 20% at 4e9 FLOPs',
      'SFT+RL frontier: 25% at 3e9 FLOPs',
    ]);
    const empty: AnalysisSummary = {
      ...fixtureSummary(),
      by_sft_amount: [],
      pareto: { goals: {}, tasks: {} },
      compute_to_match_sft: { goals: null, tasks: null },
    };
    expect(resultsFigures(empty, [], 'goals', document)).toEqual([]);
  });

  it('serializes a figure as a namespaced XML file', () => {
    const text = figureToSvgText(figure(goals, 'pareto-goals'));
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(text).not.toContain('&nbsp;');
    const parsed = new window.DOMParser().parseFromString(text, 'image/svg+xml');
    expect(parsed.querySelector('parsererror')).toBeNull();
    expect(parsed.querySelectorAll('g[aria-description="frontier points"] circle')).toHaveLength(6);
  });
});

describe('writeFigures', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes every figure of both held-out sets once, as NAME.svg', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-figures-'));
    dirs.push(dir);
    const written = await writeFigures(fixtureSummary(), fixtureRuns(), join(dir, 'out'));
    const files = (await readdir(join(dir, 'out'))).sort();
    expect(files).toHaveLength(2 * 6 + 1);
    expect(files).toContain('per-task.svg');
    expect(files).toContain('win-rate-tasks-temperature.svg');
    expect(written.map((path) => path.slice(join(dir, 'out').length + 1)).sort()).toEqual(files);
    const pareto = await readFile(join(dir, 'out', 'pareto-goals.svg'), 'utf8');
    expect(pareto).toContain('training FLOPs');
  });
});
