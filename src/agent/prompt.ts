import type { EpisodeStep, StepView } from '../env/episode.ts';
import { START_OF_TARGET, END_OF_TARGET, type Tokenizer } from './tokenizer.ts';

/**
 * What the student reads and writes at one step.
 *
 * Prompt: the goal, the last k actions, the last error (with error-log feedback), then the page
 * observation. Target: a short thought, then one action (the paper's output format), e.g.
 *   "I click the okay button.\nAction: click(\"7\")"
 * The prompt's tokens end with START_OF_TARGET; the target's end with END_OF_TARGET.
 */

export interface PromptOptions {
  /** The last k actions shown (0: none). */
  readonly historyLength: number;
  /** Show the previous action's error, when it had one. */
  readonly errorLogFeedback: boolean;
}

/** What one step's prompt is made of (all text, so stored traces can be re-tokenised any way). */
export interface StepContext {
  readonly goal: string;
  readonly observation: string;
  /** Every action so far in the episode, oldest first; the prompt shows the last k. */
  readonly history: readonly string[];
  readonly lastError: string | null;
}

/** The context of a live step: what a policy is shown. */
export function viewContext({ observation, history }: StepView): StepContext {
  return {
    goal: observation.utterance,
    observation: observation.text,
    history,
    lastError: observation.lastError,
  };
}

/** The context of a recorded step, given the actions before it in its episode. */
export function recordedContext(
  step: Pick<EpisodeStep, 'utterance' | 'observation' | 'lastError'>,
  history: readonly string[],
): StepContext {
  return { goal: step.utterance, observation: step.observation, history, lastError: step.lastError };
}

export interface EncodedPrompt {
  /** Ends with START_OF_TARGET. */
  readonly tokens: number[];
  /** The observation was cut to fit (never the goal, the history or the error). */
  readonly truncated: boolean;
}

export interface TargetParts {
  readonly thought: string;
  readonly action: string;
}

/** The line that marks where a cut observation ends. */
export const CUT_MARK = '...';

/** Everything before the observation: goal, history, error, and the "Page:" line. */
export function promptHeader(context: StepContext, options: PromptOptions): string {
  return headerText(context.goal, shownHistory(context, options), 0, errorShown(context, options));
}

/** The last k actions of the episode. */
function shownHistory(context: StepContext, options: PromptOptions): readonly string[] {
  return options.historyLength > 0 ? context.history.slice(-options.historyLength) : [];
}

function errorShown(context: StepContext, options: PromptOptions): string | null {
  return options.errorLogFeedback ? context.lastError : null;
}

/** `dropped` older actions are left out of the list (said so, so the model knows there were more). */
function headerText(goal: string, shown: readonly string[], dropped: number, error: string | null): string {
  const earlier = dropped > 0 ? `(${dropped} earlier not shown)` : '';
  const list = shown.length > 0 ? shown.join('; ') : dropped > 0 ? '' : 'none';
  const lines = [`Goal: ${goal}`, `Previous actions: ${[earlier, list].filter(Boolean).join(' ')}`];
  if (error !== null) lines.push(`Last error: ${error}`);
  lines.push('Page:', '');
  return lines.join('\n');
}

/** The whole prompt as text (no truncation). */
export function promptText(context: StepContext, options: PromptOptions): string {
  return promptHeader(context, options) + context.observation;
}

/** Lengths (in characters) a long error, then a long past action, is cut to before anything else goes. */
const ERROR_CUTS = [240, 120, 60];
/** When the goal and a bare list of actions still do not fit: the error's first words, then none of it. */
const LAST_ERROR_CUTS = [24, 0];
const ACTION_CUT = 80;

function shorten(text: string, characters: number): string {
  const points = Array.from(text);
  return points.length <= characters ? text : `${points.slice(0, characters).join('')}${CUT_MARK}`;
}

/**
 * The header's tokens, giving up as little as possible. It should leave the observation at least
 * `soft` tokens of room (half the prompt, when the observation needs that much: a policy that cannot
 * see the page cannot act); to make that room, a long last error is shortened first (its start says
 * what went wrong; parse errors quote the whole action grammar), then past actions longer than
 * ACTION_CUT characters (an untrained student writes long garbage). Only if the header still
 * exceeds the whole `hard` budget are the oldest shown actions left out, newest kept, with a count
 * of how many, and then the error cut to its first words, then left out (a small context).
 * The goal is never cut: when it alone does not fit, throws with what to change.
 */
function fitHeader(
  tokenizer: Tokenizer,
  context: StepContext,
  options: PromptOptions,
  soft: number,
  hard: number,
): { tokens: number[]; whole: boolean } {
  const goal = context.goal;
  const fullError = errorShown(context, options);
  let shown = shownHistory(context, options);
  const wholeText = headerText(goal, shown, 0, fullError);
  // The last header tried, for the error when none fits.
  let tokens: number[] = [];
  const fitted = (text: string, limit: number): { tokens: number[]; whole: boolean } | null => {
    tokens = tokenizer.encode(text);
    return tokens.length <= limit ? { tokens, whole: text === wholeText } : null;
  };
  let fit = fitted(wholeText, soft);
  if (fit) return fit;
  let error = fullError;
  for (const cut of fullError === null ? [] : ERROR_CUTS) {
    if (Array.from(fullError!).length <= cut) continue;
    error = shorten(fullError!, cut);
    if ((fit = fitted(headerText(goal, shown, 0, error), soft))) return fit;
  }
  shown = shown.map((action) => shorten(action, ACTION_CUT));
  for (let dropped = 0; dropped <= shown.length; dropped++) {
    if ((fit = fitted(headerText(goal, shown.slice(dropped), dropped, error), hard))) return fit;
  }
  for (const cut of error === null ? [] : LAST_ERROR_CUTS) {
    const last = cut === 0 ? null : shorten(error!, cut);
    if ((fit = fitted(headerText(goal, [], shown.length, last), hard))) return fit;
  }
  throw new Error(
    `The prompt's goal, with the rest of its header cut as short as it goes, needs ${tokens.length + 1} tokens, ` +
      `but the prompt may hold only ${hard + 1}: ` +
      "raise the model's context or lower model.maxNewTokens.",
  );
}

/**
 * The prompt in at most maxTokens tokens. The observation's end is cut to fit; the header is
 * fitted as fitHeader says (a long error and long garbage actions shortened so the page keeps room,
 * the oldest actions left out only when nothing else fits); the goal is never cut.
 *
 * The header and the observation are encoded apart (a learned merge never spans the "Page:" line),
 * so the observation can be cut without re-encoding the header.
 */
export function encodePrompt(
  tokenizer: Tokenizer,
  context: StepContext,
  options: PromptOptions,
  maxTokens: number,
): EncodedPrompt {
  const observation = tokenizer.encode(context.observation);
  const hard = maxTokens - 1;
  const soft = hard - Math.min(observation.length, Math.floor(hard / 2));
  const { tokens: header, whole } = fitHeader(tokenizer, context, options, soft, hard);
  const budget = hard - header.length;
  if (observation.length <= budget) {
    return { tokens: [...header, ...observation, START_OF_TARGET], truncated: !whole };
  }
  const cut = cutObservation(tokenizer, context.observation, budget);
  return { tokens: [...header, ...cut, START_OF_TARGET], truncated: true };
}

/** The longest start of the observation (whole characters), marked with a "..." line when that fits. */
function cutObservation(tokenizer: Tokenizer, observation: string, budget: number): number[] {
  const codePoints = Array.from(observation);
  const marked = (n: number): string =>
    n === 0 ? CUT_MARK : `${codePoints.slice(0, n).join('')}\n${CUT_MARK}`;
  const plain = (n: number): string => codePoints.slice(0, n).join('');
  const withMark = tokenizer.encode(marked(0)).length <= budget;
  const textFor = withMark ? marked : plain;
  // Binary search for the longest prefix that fits; `lo` always fits (an empty start does).
  let lo = 0;
  let hi = codePoints.length - 1;
  let best = tokenizer.encode(textFor(0));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const tokens = tokenizer.encode(textFor(mid));
    if (tokens.length <= budget) {
      lo = mid;
      best = tokens;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** "thought\nAction: action" */
export function targetText(target: TargetParts): string {
  return `${target.thought}\nAction: ${target.action}`;
}

/** The target's tokens, ending with END_OF_TARGET. */
export function encodeTarget(tokenizer: Tokenizer, target: TargetParts): number[] {
  return [...tokenizer.encode(targetText(target)), END_OF_TARGET];
}

const ACTION_LINE = /^\s*Action:/;

/**
 * Reads a generated target back from its last "Action:" line; the thought is the text before that
 * line. Without "Action:" the whole text is taken as the action (the env reports it).
 */
export function parseTarget(text: string): TargetParts {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (ACTION_LINE.test(line)) {
      return {
        thought: lines.slice(0, i).join('\n').trim(),
        action: line.replace(ACTION_LINE, '').trim(),
      };
    }
  }
  return { thought: '', action: text.trim() };
}
