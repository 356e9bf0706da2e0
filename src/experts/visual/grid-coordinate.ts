import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, need, taskArea } from '../find.ts';

const TASK = 'grid-coordinate';

/** The grid is 150 px square with the origin at its centre and a unit every 30 px. */
const ORIGIN = 75;
const UNIT = 30;

function dots(root: ObsElement): { dot: ObsElement; x: number; y: number }[] {
  return allElements(taskArea(root), (e) => e.visual?.shape === 'circle').map((dot) => ({
    dot,
    x: Math.round((Number(dot.visual?.cx) - ORIGIN) / UNIT),
    y: Math.round((ORIGIN - Number(dot.visual?.cy)) / UNIT),
  }));
}

function asked(utterance: string): { x: number; y: number } {
  const match = /\((-?\d+),\s*(-?\d+)\)/.exec(utterance);
  if (!match) throw new ExpertConfusedError(TASK, `cannot read coordinates in "${utterance}"`);
  return { x: Number(match[1]), y: Number(match[2]) };
}

export const gridCoordinateExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const { x, y } = asked(observation.utterance);
    const found = need(
      TASK,
      dots(observation.tree).find((d) => d.x === x && d.y === y)?.dot,
      `the dot at (${x},${y})`,
    );
    return { thought: `The dot at (${x},${y}) is [${found.bid}]; I click it.`, action: act.click(found) };
  },
  wrong({ observation }) {
    const { x, y } = asked(observation.utterance);
    const other = need(TASK, dots(observation.tree).find((d) => d.x !== x || d.y !== y)?.dot, 'another dot');
    return { thought: 'I click a dot at other coordinates.', action: act.click(other) };
  },
};
