import type { StepView } from '../../env/episode.ts';
import type { Expert } from '../expert.ts';
import { taskArea, textFields } from '../find.ts';
import { fillThenClick, labelAround, parse, submitControl, type Entry } from './page.ts';

const SUBMIT_LABELS = ['Submit', 'Search', 'Go!'];

/** The three fields, found by the words of their labels, with the values the instruction asks for. */
function entries(task: string, { observation }: StepView, yearOffset = 0): Entry[] {
  const [genre = '', director = '', year = ''] = parse(
    task,
    observation.utterance,
    /Search for (.+) movies directed by (.+) from year (\d+)/,
  );
  const area = taskArea(observation.tree);
  return textFields(area).map((field) => {
    const label = labelAround(area, field);
    if (/genre/i.test(label)) return { field, value: genre, name: 'genre' };
    if (/director/i.test(label)) return { field, value: director, name: 'director' };
    return { field, value: String(Number(year) + yearOffset), name: 'year' };
  });
}

/** Fills genre, director and year, whatever the layout and row order, then clicks its submit control. */
function movieSearchExpert(task: string): Expert {
  return {
    task,
    solve(view) {
      const area = taskArea(view.observation.tree);
      return fillThenClick(entries(task, view), submitControl(task, area, SUBMIT_LABELS));
    },
    wrong(view) {
      // The year one off: a near miss the checker must reject.
      const area = taskArea(view.observation.tree);
      return fillThenClick(entries(task, view, 1), submitControl(task, area, SUBMIT_LABELS));
    },
  };
}

export const multiLayoutsExpert = movieSearchExpert('multi-layouts');
export const multiOrderingsExpert = movieSearchExpert('multi-orderings');
