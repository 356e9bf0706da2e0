import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, taskArea, textFields, textOf } from '../find.ts';
import { byClass, byId, ordinalNumber, parse } from './page.ts';

const PER_PAGE = 3;

/**
 * Types the term, presses Search (noted in memory: a search made before the term was typed lists
 * the wrong results), pages to the result's page, and clicks it. `wrong` clicks another result.
 */
function searchStep({ observation, memory }: StepView, wrong: boolean): PolicyStep {
  const [query = '', position = ''] = parse(
    'search-engine',
    observation.utterance,
    /enter "(.+)" and press "Search", then find and click the (\d+)\w* search result/,
  );
  const area = taskArea(observation.tree);
  const field = need('search-engine', textFields(area)[0], 'the search box');
  if (field.value !== query) {
    memory.searched = false;
    return { thought: `I type "${query}" into the search box.`, action: act.fill(field, query) };
  }
  if (memory.searched !== true) {
    memory.searched = true;
    const button = need(
      'search-engine',
      firstElement(area, (e) => e.role === 'button' && textOf(e) === 'Search'),
      'the Search button',
    );
    return { thought: 'The term is typed; I press Search.', action: act.click(button) };
  }
  const index = ordinalNumber(position) - 1;
  // The wrong answer stays on page 1 and takes a result there that is not the one asked for.
  const page = wrong ? 1 : Math.floor(index / PER_PAGE) + 1;
  const pager = need('search-engine', firstElement(area, byId('pagination')), 'the pager');
  const active = textOf(need('search-engine', firstElement(pager, byClass('active')), 'the current page'));
  if (active !== String(page)) {
    const link = need(
      'search-engine',
      firstElement(pager, (e) => e.role === 'link' && textOf(e) === String(page)),
      `page ${page}`,
    );
    return { thought: `Result ${position} is on page ${page}; I open it.`, action: act.click(link) };
  }
  const results = allElements(
    need('search-engine', firstElement(area, byId('page-content')), 'the results'),
    byRole('link'),
  );
  const slot = wrong ? (index === 0 ? 1 : 0) : index % PER_PAGE;
  const result = need('search-engine', results[slot], `result ${slot + 1} on page ${page}`);
  return {
    thought: `I click "${textOf(result)}", result ${(page - 1) * PER_PAGE + slot + 1}.`,
    action: act.click(result),
  };
}

export const searchEngineExpert: Expert = {
  task: 'search-engine',
  solve: (view) => searchStep(view, false),
  wrong: (view) => searchStep(view, true),
};
