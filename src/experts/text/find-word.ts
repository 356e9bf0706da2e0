import { firstElement, need, taskArea, textOf } from '../find.ts';
import { ExpertConfusedError } from '../expert.ts';
import { formExpert, ordinalIn } from './steps.ts';

/** The n-th word of the paragraph, counted by spaces, without its punctuation. */
export const findWordExpert = formExpert('find-word', {
  answers(utterance, tree) {
    const position = ordinalIn('find-word', utterance);
    const paragraph = need(
      'find-word',
      firstElement(taskArea(tree), (e) => e.tag === 'p'),
      'the paragraph',
    );
    const word = textOf(paragraph).split(' ')[position - 1];
    if (word === undefined)
      throw new ExpertConfusedError('find-word', `the paragraph has no word ${position}`);
    return [word.replace(/[^a-zA-Z0-9]/g, '')];
  },
  spoil: ([word]) => [`${word}x`],
});
