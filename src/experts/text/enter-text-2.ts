import { firstQuote, formExpert } from './steps.ts';

export const enterText2Expert = formExpert('enter-text-2', {
  answers(utterance) {
    const text = firstQuote('enter-text-2', utterance);
    return [/\ball upper case\b/i.test(utterance) ? text.toUpperCase() : text.toLowerCase()];
  },
  // The text as shown, in the case the utterance did not ask for.
  spoil: ([text = '']) => [text === text.toUpperCase() ? text.toLowerCase() : text.toUpperCase()],
});
