import type { StepView } from '../../env/episode.ts';
import { formatAction } from '../../env/actions.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, firstElement, need, taskArea } from '../find.ts';
import { centreOf, mouse, submitButton, type Point } from './points.ts';

type Box = NonNullable<ObsElement['box']>;

/** The marked point (the drawing's one circle) and the drawing's box. */
function marked(task: string, tree: ObsElement): { mark: Point; drawing: Box } {
  const svg = need(
    task,
    firstElement(taskArea(tree), (e) => e.tag === 'svg'),
    'the drawing',
  );
  const circles = allElements(svg, (e) => e.tag === 'circle');
  const mark = centreOf(task, need(task, circles.length === 1 ? circles[0] : undefined, 'the marked point'));
  return { mark, drawing: svg.box! };
}

const at = (p: Point, kind: 'mouse_down' | 'mouse_move' | 'mouse_up'): string =>
  formatAction({ kind, x: Math.round(p.x), y: Math.round(p.y) });

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

const HALF_LINE = 45;

/** Drags a straight line 90 px long (cut to the drawing) through the dot, then submits. */
function drawLineStep(view: StepView): { thought: string; action: string } {
  const task = 'draw-line';
  const tree = view.observation.tree;
  if (view.history.some((a) => a.startsWith('mouse_drag'))) {
    return { thought: 'The line is drawn; I submit.', action: act.click(submitButton(task, tree)) };
  }
  const horizontal = /\bhorizontal\b/.test(view.observation.utterance);
  const { mark, drawing } = marked(task, tree);
  const left = drawing.x + 3;
  const right = drawing.x + drawing.width - 3;
  const top = drawing.y + 3;
  const bottom = drawing.y + drawing.height - 3;
  const [from, to] = horizontal
    ? [
        { x: clamp(mark.x - HALF_LINE, left, right), y: mark.y },
        { x: clamp(mark.x + HALF_LINE, left, right), y: mark.y },
      ]
    : [
        { x: mark.x, y: clamp(mark.y - HALF_LINE, top, bottom) },
        { x: mark.x, y: clamp(mark.y + HALF_LINE, top, bottom) },
      ];
  return {
    thought: `I draw a ${horizontal ? 'horizontal' : 'vertical'} line through the dot.`,
    action: mouse.drag(from, to),
  };
}

const RADIUS = 20;
const CORNERS = 6;

/**
 * Draws a hexagon of radius 20 around the point, its corners all on one circle: a press at the
 * first corner (the one toward the drawing's middle, so it lies on the drawing), a move to each
 * other corner, the release back at the first; then submits.
 */
function drawCircleStep(view: StepView): { thought: string; action: string } {
  const task = 'draw-circle';
  const tree = view.observation.tree;
  const done = view.history.filter((a) => a.startsWith('mouse_')).length;
  if (done > CORNERS)
    return { thought: 'The circle is drawn; I submit.', action: act.click(submitButton(task, tree)) };
  const { mark, drawing } = marked(task, tree);
  const start = Math.atan2(drawing.y + drawing.height / 2 - mark.y, drawing.x + drawing.width / 2 - mark.x);
  const corner = (i: number): Point => ({
    x: mark.x + RADIUS * Math.cos(start + (2 * Math.PI * i) / CORNERS),
    y: mark.y + RADIUS * Math.sin(start + (2 * Math.PI * i) / CORNERS),
  });
  if (done === 0)
    return { thought: 'I press on the circle I mean to draw.', action: at(corner(0), 'mouse_down') };
  if (done < CORNERS) return { thought: 'I go on round the point.', action: at(corner(done), 'mouse_move') };
  return { thought: 'I close the circle and release.', action: at(corner(0), 'mouse_up') };
}

/** The wrong policy of both: submit with nothing drawn. */
const submitNow = (task: string) => (view: StepView) => ({
  thought: 'I submit without drawing.',
  action: act.click(submitButton(task, view.observation.tree)),
});

export const drawLineExpert: Expert = {
  task: 'draw-line',
  solve: drawLineStep,
  wrong: submitNow('draw-line'),
};
export const drawCircleExpert: Expert = {
  task: 'draw-circle',
  solve: drawCircleStep,
  wrong: submitNow('draw-circle'),
};
