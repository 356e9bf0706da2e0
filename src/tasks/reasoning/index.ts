import type { RegisteredTask } from '../core/task.ts';
import { generateNumber } from './generate-number.ts';
import { guessNumber } from './guess-number.ts';
import { oddOrEven } from './odd-or-even.ts';
import { signAgreement } from './sign-agreement.ts';
import { simpleAlgebra } from './simple-algebra.ts';
import { simpleArithmetic } from './simple-arithmetic.ts';

export const reasoningTasks: RegisteredTask[] = [
  simpleArithmetic,
  simpleAlgebra,
  guessNumber,
  generateNumber,
  oddOrEven,
  signAgreement,
];
