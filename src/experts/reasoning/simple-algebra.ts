import type { Observation } from '../../env/env.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { answerStep, mathQuestion } from './math-steps.ts';

const TASK = 'simple-algebra';

/** One side of a linear equation as `slope * x + constant`: `9 - 2x` gives { slope: -2, constant: 9 }. */
function linearSide(side: string): { slope: number; constant: number } {
  let slope = 0;
  let constant = 0;
  for (const term of side.replace(/\s+/g, '').match(/[+-]?[^+-]+/g) ?? []) {
    const sign = term.startsWith('-') ? -1 : 1;
    const body = term.replace(/^[+-]/, '');
    if (body.endsWith('x')) slope += sign * Number(body.slice(0, -1).replace(/[*×]$/, '') || 1);
    else constant += sign * Number(body);
  }
  return { slope, constant };
}

/** x from `x + 4 = 11`, `9 - x = 3` and the like. */
function solveForX(observation: Observation): { equation: string; x: number } {
  // The equation is the stretch of the problem text around its "=" (numbers, x, signs and spaces).
  const problem = mathQuestion(TASK, observation);
  const equation = /[-+*×\s\dx]*=[-+*×\s\dx]*/.exec(problem)?.[0].trim() ?? problem;
  const [left = '', right = '', extra] = equation.split('=');
  const l = linearSide(left);
  const r = linearSide(right);
  const x = (r.constant - l.constant) / (l.slope - r.slope);
  if (extra !== undefined || !Number.isFinite(x)) {
    throw new ExpertConfusedError(TASK, `cannot solve the equation "${equation}"`);
  }
  return { equation, x };
}

export const simpleAlgebraExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const { equation, x } = solveForX(observation);
    return answerStep(TASK, observation, x, `From ${equation}, x = ${x}.`);
  },
  wrong({ observation }) {
    const { equation, x } = solveForX(observation);
    return answerStep(TASK, observation, x + 1, `I answer ${equation} off by one on purpose.`);
  },
};
