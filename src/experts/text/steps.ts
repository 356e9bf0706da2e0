import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, firstElement, need, quoted, taskArea, textFields, textOf } from '../find.ts';

/** A field, what it should hold, and how a thought names it. */
export interface FieldEntry {
  field: ObsElement;
  text: string;
  label: string;
}

/** Fills the first field that does not hold its text yet; once every field does, clicks the button. */
export function fillThenClick(entries: FieldEntry[], button: ObsElement): PolicyStep {
  const pending = entries.find((entry) => entry.field.value !== entry.text);
  if (pending) {
    return {
      thought: `${capitalized(pending.label)} should hold "${pending.text}"; I fill it in.`,
      action: act.fill(pending.field, pending.text),
    };
  }
  return { thought: `The form is filled in; I press "${textOf(button)}".`, action: act.click(button) };
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The form's submit button: #subbtn on MiniWoB++ pages, else a button labelled Submit or Login. */
export function submitButton(task: string, root: ObsElement): ObsElement {
  const area = taskArea(root);
  return need(
    task,
    firstElement(area, (e) => e.role === 'button' && e.attributes.id === 'subbtn') ??
      firstElement(area, (e) => e.role === 'button' && /^(submit|login)$/i.test(textOf(e))),
    'the submit button',
  );
}

/** The text fields of the task area, at least `count` of them. */
export function fieldsOf(task: string, root: ObsElement, count = 1): ObsElement[] {
  const fields = textFields(taskArea(root));
  if (fields.length < count)
    throw new ExpertConfusedError(task, `expected ${count} text fields, saw ${fields.length}`);
  return fields;
}

/** The number in an ordinal like "3rd" in the utterance. */
export function ordinalIn(task: string, utterance: string): number {
  const match = /\b(\d+)(?:st|nd|rd|th)\b/.exec(utterance);
  if (!match) throw new ExpertConfusedError(task, `no ordinal like "2nd" in "${utterance}"`);
  return Number(match[1]);
}

/** The query box, to click when a policy must spend a step without answering. */
export function queryBox(task: string, root: ObsElement): ObsElement {
  return need(
    task,
    firstElement(root, (e) => e.attributes.id === 'query'),
    'the query box',
  );
}

export interface FormPlan {
  /** What each text field must hold, in page order, read from the utterance and the page. */
  answers(utterance: string, tree: ObsElement): string[];
  /** A definitely wrong version of the answers, for the `wrong` policy. */
  spoil(answers: string[]): string[];
  /** How thoughts name the fields, in page order (default "the text field"). */
  labels?: string[];
}

/** An expert for a form task: fills the text fields one per step, then presses the submit button. */
export function formExpert(task: string, plan: FormPlan): Expert {
  const step = (utterance: string, tree: ObsElement, wrong: boolean): PolicyStep => {
    const answers = plan.answers(utterance, tree);
    const texts = wrong ? plan.spoil(answers) : answers;
    const fields = fieldsOf(task, tree, texts.length);
    const entries = texts.map((text, i) => ({
      field: fields[i] as ObsElement,
      text,
      label: plan.labels?.[i] ?? 'the text field',
    }));
    return fillThenClick(entries, submitButton(task, tree));
  };
  return {
    task,
    solve: ({ observation }) => step(observation.utterance, observation.tree, false),
    wrong: ({ observation }) => step(observation.utterance, observation.tree, true),
  };
}

/** The first quoted piece of the utterance, or a complaint naming the task. */
export function firstQuote(task: string, utterance: string): string {
  const [quote] = quoted(utterance);
  if (quote === undefined) throw new ExpertConfusedError(task, `no quoted text in "${utterance}"`);
  return quote;
}
