import { firstQuote, formExpert } from './steps.ts';

/** The quoted text goes into the field as it is. */
const typeQuote = (task: string) =>
  formExpert(task, {
    answers: (utterance) => [firstQuote(task, utterance)],
    spoil: ([text]) => [`${text}x`],
  });

export const enterTextExpert = typeQuote('enter-text');
export const enterTextDynamicExpert = typeQuote('enter-text-dynamic');
