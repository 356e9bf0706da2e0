import type { Observation } from '../../env/env.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { answerStep, mathQuestion } from './math-steps.ts';

const TASK = 'simple-arithmetic';

const APPLY: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  x: (a, b) => a * b,
  '*': (a, b) => a * b,
  '×': (a, b) => a * b,
  '/': (a, b) => a / b,
  '÷': (a, b) => a / b,
};

/** `7 x 3 =` gives the problem as written and its value, 21. */
function solve(observation: Observation): { problem: string; value: number } {
  const problem = mathQuestion(TASK, observation);
  const match = /(-?\d+)\s*([-+x*×/÷])\s*(-?\d+)/.exec(problem);
  const apply = match ? APPLY[match[2] as string] : undefined;
  if (!match || !apply) throw new ExpertConfusedError(TASK, `cannot read the problem "${problem}"`);
  return { problem: match[0], value: apply(Number(match[1]), Number(match[3])) };
}

export const simpleArithmeticExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const { problem, value } = solve(observation);
    return answerStep(TASK, observation, value, `${problem} = ${value}.`);
  },
  wrong({ observation }) {
    const { problem, value } = solve(observation);
    return answerStep(TASK, observation, value + 1, `I answer ${problem} off by one on purpose.`);
  },
};
