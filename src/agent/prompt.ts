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
  const shown = options.historyLength > 0 ? context.history.slice(-options.historyLength) : [];
  const lines = [
    `Goal: ${context.goal}`,
    `Previous actions: ${shown.length > 0 ? shown.join('; ') : 'none'}`,
  ];
  if (options.errorLogFeedback && context.lastError !== null) lines.push(`Last error: ${context.lastError}`);
  lines.push('Page:', '');
  return lines.join('\n');
}

/** The whole prompt as text (no truncation). */
export function promptText(context: StepContext, options: PromptOptions): string {
  return promptHeader(context, options) + context.observation;
}

/**
 * The prompt in at most maxTokens tokens: the observation's end is cut first; if the goal, history
 * and error alone do not fit, throws an error that says which setting to change.
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
  const header = tokenizer.encode(promptHeader(context, options));
  const budget = maxTokens - header.length - 1;
  if (budget < 0) {
    throw new Error(
      `The prompt's goal, previous actions and last error need ${header.length + 1} tokens, but the prompt may hold ` +
        `only ${maxTokens}: raise the model's context, lower env.historyLength, or shorten the goal.`,
    );
  }
  const observation = tokenizer.encode(context.observation);
  if (observation.length <= budget) {
    return { tokens: [...header, ...observation, START_OF_TARGET], truncated: false };
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
