import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { allElements, byRole, need, taskArea, textFields, textOf } from '../find.ts';
import { fillThenClick, found, parentOf, parse, submitControl, type Entry } from './page.ts';

/** The table's rows as key -> value, from its two-cell rows. */
function tableValues(area: ObsElement): Map<string, string> {
  const values = new Map<string, string>();
  for (const row of allElements(area, byRole('row'))) {
    const [key, value] = allElements(row, byRole('cell')).map(textOf);
    if (key !== undefined && value !== undefined) values.set(key, value);
  }
  return values;
}

function readTableStep({ observation }: StepView, wrongRow: boolean): PolicyStep {
  const [key = ''] = parse(
    'read-table',
    observation.utterance,
    /Enter the value of (.+) into the text field/,
  );
  const area = taskArea(observation.tree);
  const values = tableValues(area);
  const value = wrongRow ? [...values].find(([k]) => k !== key)?.[1] : values.get(key);
  const entry: Entry = {
    field: need('read-table', textFields(area)[0], 'the text field'),
    value: found('read-table', value, `the ${key} row`),
    name: key,
  };
  return fillThenClick([entry], submitControl('read-table', area, ['Submit']));
}

/** Looks the key up in the table, types its value, submits. */
export const readTableExpert: Expert = {
  task: 'read-table',
  solve: (view) => readTableStep(view, false),
  wrong: (view) => readTableStep(view, true),
};

/** Each label ("Country:") names a table key; the field beside it in its row takes the value. */
function readTable2Step({ observation }: StepView, swapped: boolean): PolicyStep {
  const area = taskArea(observation.tree);
  const values = tableValues(area);
  const entries = allElements(area, byRole('LabelText')).map((label): Entry => {
    const key = textOf(label).replace(/:$/, '');
    const row = need('read-table-2', parentOf(area, label), `the row of label ${key}`);
    return {
      field: need('read-table-2', textFields(row)[0], `the field of label ${key}`),
      value: found('read-table-2', values.get(key), `the ${key} row`),
      name: key,
    };
  });
  // Wrong answers: each field gets the other label's value, so both are misplaced.
  const answers = swapped
    ? entries.map((entry, i) => ({ ...entry, value: (entries[(i + 1) % entries.length] as Entry).value }))
    : entries;
  return fillThenClick(answers, submitControl('read-table-2', area, ['Submit']));
}

export const readTable2Expert: Expert = {
  task: 'read-table-2',
  solve: (view) => readTable2Step(view, false),
  wrong: (view) => readTable2Step(view, true),
};
