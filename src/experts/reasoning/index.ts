import type { Expert } from '../expert.ts';
import { generateNumberExpert } from './generate-number.ts';
import { guessNumberExpert } from './guess-number.ts';
import { oddOrEvenExpert } from './odd-or-even.ts';
import { signAgreementExpert } from './sign-agreement.ts';
import { simpleAlgebraExpert } from './simple-algebra.ts';
import { simpleArithmeticExpert } from './simple-arithmetic.ts';

export const reasoningExperts: Expert[] = [
  simpleArithmeticExpert,
  simpleAlgebraExpert,
  guessNumberExpert,
  generateNumberExpert,
  oddOrEvenExpert,
  signAgreementExpert,
];
