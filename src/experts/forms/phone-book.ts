import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, firstElement, need, taskArea, textOf } from '../find.ts';
import { byClass, byId, parse } from './page.ts';

const PROPERTIES = ['phone', 'email', 'address'];

/** The `>` link of the pager, which moves to the next page. */
function nextPage(area: ObsElement): PolicyStep {
  const next = need('phone-book', firstElement(area, byClass('next')), 'the ">" page link');
  const link = firstElement(next, (e) => e.tag === 'a') ?? next;
  return { thought: 'This is not the person; I go to the next contact.', action: act.click(link) };
}

function readInstruction(utterance: string): [string, string] {
  const [person = '', property = ''] = parse(
    'phone-book',
    utterance,
    /Find (.+) in the contact book and click on their (phone|email|address)/,
  );
  return [person, property];
}

/** Pages forward until the contact shown is the person, then clicks the asked-for detail. */
export const phoneBookExpert: Expert = {
  task: 'phone-book',
  solve({ observation }) {
    const [person, property] = readInstruction(observation.utterance);
    const area = taskArea(observation.tree);
    const contact = need('phone-book', firstElement(area, byId('contact')), 'the contact card');
    const name = textOf(need('phone-book', firstElement(contact, byClass('name')), "the contact's name"));
    if (name !== person) return nextPage(area);
    const link = need('phone-book', firstElement(contact, byClass(property)), `${person}'s ${property}`);
    return { thought: `This is ${person}; I click their ${property}.`, action: act.click(link) };
  },
  wrong({ observation }) {
    // Another person's other detail: both parts of the reward are wrong.
    const [person, property] = readInstruction(observation.utterance);
    const area = taskArea(observation.tree);
    const contact = need('phone-book', firstElement(area, byId('contact')), 'the contact card');
    const name = textOf(need('phone-book', firstElement(contact, byClass('name')), "the contact's name"));
    if (name === person) return nextPage(area);
    const other = PROPERTIES.find((p) => p !== property) as string;
    const link = need('phone-book', firstElement(contact, byClass(other)), `${name}'s ${other}`);
    return { thought: `I click ${name}'s ${other}, not what was asked.`, action: act.click(link) };
  },
};
