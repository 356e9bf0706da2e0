import type { PolicyStep, StepView } from '../../env/episode.ts';
import { formatAction } from '../../env/actions.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'hot-cold';

/** Readings: -1 off the area (no signal), 0 ICE COLD, 1 COLD, 2 WARM, 3 HOT. */
const LEVEL: Record<string, number> = { 'ICE COLD': 0, COLD: 1, WARM: 2, HOT: 3 };
/** The distance bands of the levels: [nearest, furthest) from the spot, in px. */
const BANDS: readonly [number, number][] = [
  [40, Infinity],
  [10, 40],
  [5, 10],
  [0, 5],
];
const COLD_PX = 40;
/** Halvings per end of a chord: 40 px down to 2.5 px. */
const HALVINGS = 4;
/** The MiniWoB++ page: 160x210 px. Probes stay on it. */
const PAGE = { width: 160, height: 210 };

/**
 * Probes at most 40 px apart over the task part of the page, so the first one on the area that
 * reads COLD or warmer is within 40 px of the spot wherever the area sits.
 */
const GRID: readonly [number, number][] = [75, 115, 160, 65].flatMap((y) =>
  [25, 75, 125].map((x) => [x, y] as [number, number]),
);

type Point = [number, number];
type Readings = Map<string, number>;
type Move = { probe: Point } | { click: Point };

const key = ([x, y]: Point): string => `${x},${y}`;
const clampToPage = ([x, y]: Point): Point => [
  Math.min(PAGE.width - 1, Math.max(1, x)),
  Math.min(PAGE.height - 1, Math.max(1, y)),
];

/**
 * Where the spot can be, given every reading: the points of the page that agree with the most
 * readings (each reading puts the spot in a band of distances around its probe); their centre.
 */
function bestGuess(readings: Readings): Point {
  const known = [...readings]
    .filter(([, level]) => level >= 0)
    .map(([point, level]) => [...point.split(',').map(Number), ...(BANDS[level] as [number, number])]);
  let best = -1;
  let sumX = 0;
  let sumY = 0;
  let count = 0;
  for (let x = 0; x < PAGE.width; x++) {
    for (let y = 0; y < PAGE.height; y++) {
      let agree = 0;
      for (const [px, py, near, far] of known) {
        const d = Math.hypot(x - (px as number), y - (py as number));
        if (d >= (near as number) && d < (far as number)) agree++;
      }
      if (agree > best) [best, sumX, sumY, count] = [agree, 0, 0, 0];
      if (agree === best) [sumX, sumY, count] = [sumX + x, sumY + y, count + 1];
    }
  }
  return [Math.round(sumX / count), Math.round(sumY / count)];
}

/**
 * The next move, replayed from the readings so far: search the grid for COLD; then halve towards
 * both ends of the COLD disc (radius 40 around the spot) along a row and along a column through it,
 * which pins the disc's edge down; then click where the spot fits every reading best.
 */
function nextMove(readings: Readings): Move {
  const read = (point: Point): number | undefined => readings.get(key(point));
  for (const [point, level] of readings)
    if (level === LEVEL.HOT) return { click: point.split(',').map(Number) as Point };
  const found = GRID.find((point) => (read(point) ?? 0) >= 1);
  if (!found) {
    const unread = GRID.find((point) => read(point) === undefined);
    if (unread) return { probe: unread };
    throw new ExpertConfusedError(TASK, 'no probe of the area reads COLD or warmer');
  }
  // The ends of a chord through a point inside the disc, each to within 2.5 px; off the area counts as outside.
  const chord = (at: (t: number) => Point, inside: number): Move | number => {
    const ends: number[] = [];
    for (const direction of [-1, 1]) {
      let near = inside;
      let far = inside + direction * COLD_PX;
      for (let i = 0; i < HALVINGS; i++) {
        const mid = Math.round((near + far) / 2);
        const point = clampToPage(at(mid));
        const level = read(point);
        if (level === undefined) return { probe: point };
        if (level >= 1) near = mid;
        else far = mid;
      }
      ends.push((near + far) / 2);
    }
    return ((ends[0] as number) + (ends[1] as number)) / 2;
  };
  const [fx, fy] = found;
  const middle = chord((t) => [t, fy], fx);
  if (typeof middle !== 'number') return middle;
  const column = Math.round(middle);
  const done = chord((t) => [column, t], fy);
  if (typeof done !== 'number') return done;
  return { click: bestGuess(readings) };
}

function step({ observation, memory }: StepView, wrong: boolean): PolicyStep {
  const area = taskArea(observation.tree);
  if (wrong) {
    const display = need(
      TASK,
      firstElement(area, (e) => e.attributes.id === 'display'),
      'the display',
    );
    return { thought: 'I click the display instead of the area.', action: act.click(display) };
  }
  const readings = (memory.readings as Readings | undefined) ?? new Map<string, number>();
  memory.readings = readings;
  const last = memory.last as Point | undefined;
  if (last) {
    const signal = firstElement(area, (e) => e.attributes.id === 'signal');
    readings.set(key(last), signal ? (LEVEL[textOf(signal)] ?? 0) : -1);
  }
  const move = nextMove(readings);
  if ('click' in move) {
    const [x, y] = move.click;
    return {
      thought: `The spot is at about (${x}, ${y}); I click there.`,
      action: formatAction({ kind: 'mouse_click', x, y }),
    };
  }
  const [x, y] = move.probe;
  memory.last = move.probe;
  return {
    thought: `I move the mouse to (${x}, ${y}) and read the temperature.`,
    action: formatAction({ kind: 'mouse_move', x, y }),
  };
}

export const hotColdExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
