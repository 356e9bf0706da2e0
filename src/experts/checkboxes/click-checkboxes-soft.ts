import type { Expert } from '../expert.ts';
import { selectedWords, tickStep } from './checkbox-steps.ts';
import { similarWords } from './more-synonyms.ts';

const LEAD = 'Select words similar to';

/** A label is wanted when it means the same as one of the named words (its own word included). */
function similarToAny(words: readonly string[]): (label: string) => boolean {
  const groups = words.map(similarWords);
  return (label) => groups.some((group) => group.has(label.trim().toLowerCase()));
}

export const clickCheckboxesSoftExpert: Expert = {
  task: 'click-checkboxes-soft',
  solve({ observation }) {
    const similar = similarToAny(selectedWords('click-checkboxes-soft', observation.utterance, LEAD));
    return tickStep('click-checkboxes-soft', observation, similar);
  },
  wrong({ observation }) {
    const similar = similarToAny(selectedWords('click-checkboxes-soft', observation.utterance, LEAD));
    return tickStep('click-checkboxes-soft', observation, (label) => !similar(label));
  },
};
