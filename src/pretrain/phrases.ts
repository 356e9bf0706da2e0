import type { Action } from '../env/actions.ts';
import type { Random } from '../core/random.ts';

/** What a generated page asks for: one action of a kind, or a sequence of them. */
export const GOAL_KINDS = [
  'click-button',
  'click-link',
  'fill',
  'select',
  'check',
  'uncheck',
  'radio',
  'hover',
  'press-enter',
  'focus',
  'sequence',
] as const;
export type GoalKind = (typeof GOAL_KINDS)[number];

/**
 * How the generated pages word their goals and thoughts. Many templates per goal kind, so the base
 * student learns to read what is asked rather than one sentence; none is a MiniWob++ instruction
 * (those belong to the evaluation tasks). Thoughts are one short sentence, as the experts write them.
 */

/** One step of a goal: its kind, the label of the widget it acts on, and the action (bid set later). */
export interface Step {
  readonly kind: Exclude<GoalKind, 'sequence'>;
  readonly widget: string;
  action: Action;
}

type Template = (label: string, step: Step) => string;

const text = (step: Step): string => (step.action.kind === 'fill' ? step.action.text : '');
const option = (step: Step): string => (step.action.kind === 'select_option' ? step.action.option : '');

const GOALS: Record<Step['kind'], Template[]> = {
  'click-button': [
    (l) => `Press the ${l} button`,
    (l) => `Hit ${l}`,
    (l) => `Push the button labelled ${l}`,
    (l) => `Choose the ${l} button`,
    (l) => `Activate ${l}`,
    (l) => `Tap the ${l} button`,
    (l) => `Click ${l}`,
  ],
  'click-link': [
    (l) => `Follow the link ${l}`,
    (l) => `Open the ${l} link`,
    (l) => `Go to the link that says ${l}`,
    (l) => `Click the link text ${l}`,
  ],
  fill: [
    (l, s) => `Write "${text(s)}" in the ${l} field`,
    (l, s) => `Type "${text(s)}" into ${l}`,
    (l, s) => `Put "${text(s)}" in the box labelled ${l}`,
    (l, s) => `Set the ${l} field to "${text(s)}"`,
    (l, s) => `Fill ${l} with "${text(s)}"`,
  ],
  select: [
    (l, s) => `Pick "${option(s)}" in the ${l} list`,
    (l, s) => `Choose ${option(s)} from the ${l} menu`,
    (l, s) => `Set ${l} to ${option(s)}`,
    (l, s) => `In the ${l} dropdown, pick "${option(s)}"`,
  ],
  check: [
    (l) => `Tick the ${l} box`,
    (l) => `Mark ${l}`,
    (l) => `Make sure ${l} is checked`,
    (l) => `Turn on the ${l} checkbox`,
  ],
  uncheck: [
    (l) => `Untick ${l}`,
    (l) => `Clear the ${l} checkbox`,
    (l) => `Make sure ${l} is not checked`,
    (l) => `Turn off ${l}`,
  ],
  radio: [(l) => `Pick the option ${l}`, (l) => `Choose the radio button ${l}`, (l) => `Go with ${l}`],
  hover: [
    (l) => `Move the mouse over ${l}`,
    (l) => `Hover on ${l}`,
    (l) => `Point at the ${l} button`,
    (l) => `Rest the pointer on ${l}`,
  ],
  'press-enter': [
    (l) => `Press Enter in the ${l} field`,
    (l) => `Hit the Enter key inside ${l}`,
    (l) => `Send Enter to the ${l} box`,
  ],
  focus: [
    (l) => `Put the cursor in the ${l} field`,
    (l) => `Focus ${l}`,
    (l) => `Give focus to the ${l} box`,
    (l) => `Place the caret in ${l}`,
  ],
};

const JOINS = [', then ', ' and ', '; then ', ', and after that '];

/** A label as goals write it: quoted in double or single quotes, or bare. */
function quoteLabel(random: Random, label: string): string {
  const style = random.int(0, 3);
  if (style === 0) return label;
  return style === 1 ? `'${label}'` : `"${label}"`;
}

/** The whole goal: each step's phrase, joined for a sequence, ending with a full stop. */
export function goalPhrase(random: Random, steps: readonly Step[]): string {
  const parts = steps.map((step) => random.pick(GOALS[step.kind])(quoteLabel(random, step.widget), step));
  let goal = parts[0] as string;
  for (const part of parts.slice(1))
    goal += random.pick(JOINS) + part.charAt(0).toLowerCase() + part.slice(1);
  return `${goal}.`;
}

const THOUGHTS: Record<Step['kind'], Template[]> = {
  'click-button': [(l) => `I click the "${l}" button.`, (l) => `The goal names "${l}"; I click it.`],
  'click-link': [(l) => `I follow the link "${l}".`, (l) => `I click the link "${l}".`],
  fill: [(l, s) => `I fill "${l}" with "${text(s)}".`, (l, s) => `"${l}" should hold "${text(s)}".`],
  select: [(l, s) => `I choose "${option(s)}" in "${l}".`, (l, s) => `"${l}" should show "${option(s)}".`],
  check: [(l) => `"${l}" is not ticked; I click it.`, (l) => `I tick "${l}".`],
  uncheck: [(l) => `"${l}" is ticked; I click to clear it.`, (l) => `I untick "${l}".`],
  radio: [(l) => `I pick the option "${l}".`, (l) => `I click the radio "${l}".`],
  hover: [(l) => `I move the mouse over "${l}".`, (l) => `I hover on "${l}".`],
  'press-enter': [(l) => `I press Enter in "${l}".`],
  focus: [(l) => `Clicking "${l}" focuses it.`, (l) => `I click into "${l}".`],
};

/** The thought before the action; in a sequence it says which step this is. */
export function thoughtFor(random: Random, step: Step, index: number, count: number): string {
  const thought = random.pick(THOUGHTS[step.kind])(step.widget, step);
  return count > 1 && index > 0 ? `Step ${index + 1} of ${count}: ${thought}` : thought;
}
