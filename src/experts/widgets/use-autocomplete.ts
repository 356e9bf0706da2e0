import type { Expert } from '../expert.ts';
import { act, allElements, need, taskArea, textFields, textOf } from '../find.ts';
import { hasClass, submitButton, waitStep } from './find-widgets.ts';

/** The letters an item must start with, and end with when the instruction says so. */
function wantedItem(utterance: string): { start: string; end: string; fits(text: string): boolean } {
  const start = /starts with "([^"]*)"/.exec(utterance)?.[1] ?? '';
  const end = /ends with "([^"]*)"/.exec(utterance)?.[1] ?? '';
  return { start, end, fits: (text) => text.startsWith(start) && text.endsWith(end) };
}

/** Types the first letters, waits for the suggestions, picks one that fits, then submits. */
function useAutocompleteExpert(task: string): Expert {
  return {
    task,
    solve({ observation, history, memory }) {
      const { start, end, fits } = wantedItem(observation.utterance);
      const area = taskArea(observation.tree);
      const field = need(task, textFields(area)[0], 'the text field');
      const value = field.value ?? '';
      if (memory.picked && fits(value)) {
        const submit = submitButton(task, area);
        return { thought: `"${value}" fits; I click Submit.`, action: act.click(submit) };
      }
      // The suggestion menu may sit outside the task area, as on the official page.
      const suggestions = allElements(observation.tree, hasClass('ui-menu-item-wrapper'));
      if (suggestions.length > 0) {
        const pick = need(
          task,
          suggestions.find((s) => fits(textOf(s))),
          `a suggestion that fits "${start}"…"${end}"`,
        );
        memory.picked = true;
        const ending = end ? ` and ends with "${end}"` : '';
        return {
          thought: `"${textOf(pick)}" starts with "${start}"${ending}; I pick it.`,
          action: act.click(pick),
        };
      }
      if (value === start) {
        // The menu waits 300 ms after typing, and leaving the field in the meantime (or a page
        // beside this one taking the focus) cancels it: after a wait with nothing shown, type again.
        if (history.at(-1)?.startsWith('noop(')) {
          return {
            thought: `No suggestions came for "${start}"; I type it again to ask for them.`,
            action: act.fill(field, start),
          };
        }
        return waitStep(history, 'The suggestions have not appeared yet; I wait for them.');
      }
      return { thought: `I enter "${start}" to get suggestions.`, action: act.fill(field, start) };
    },
    wrong({ observation }) {
      const submit = submitButton(task, taskArea(observation.tree));
      return { thought: 'I click Submit with the field still empty.', action: act.click(submit) };
    },
  };
}

export const useAutocompleteExperts: Expert[] = ['use-autocomplete', 'use-autocomplete-nodelay'].map(
  useAutocompleteExpert,
);
