import type { Tokenizer } from './tokenizer.ts';

/**
 * CONTRACT (to be implemented): what the student reads and writes at one step.
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

/** The whole prompt as text (no truncation). */
export declare function promptText(context: StepContext, options: PromptOptions): string;

/**
 * The prompt in at most maxTokens tokens: the observation's end is cut first; if the goal, history
 * and error alone do not fit, throws an error that says which setting to change.
 */
export declare function encodePrompt(
  tokenizer: Tokenizer,
  context: StepContext,
  options: PromptOptions,
  maxTokens: number,
): EncodedPrompt;

/** "thought\nAction: action" */
export declare function targetText(target: TargetParts): string;
/** The target's tokens, ending with END_OF_TARGET. */
export declare function encodeTarget(tokenizer: Tokenizer, target: TargetParts): number[];
/** Reads a generated target back; without "Action:" the whole text is taken as the action (the env reports it). */
export declare function parseTarget(text: string): TargetParts;
