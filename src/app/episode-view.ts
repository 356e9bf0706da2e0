import type { StepResult } from '../env/env.ts';

export type Tone = 'idle' | 'running' | 'good' | 'bad';

/** The one-word state of an episode, for the status card. */
export function verdictOf(
  result: StepResult | null,
  busy: boolean,
  endedByPage: string | null,
): { label: string; tone: Tone } {
  if (!result) return busy ? { label: 'Loading', tone: 'idle' } : { label: 'No episode', tone: 'idle' };
  if (result.pageError) return { label: 'Page error', tone: 'bad' };
  if (endedByPage) return { label: 'Ended by the page', tone: 'bad' };
  if (!result.done) return { label: 'Running', tone: 'running' };
  if (result.truncated) return { label: 'Step limit', tone: 'bad' };
  return result.success ? { label: 'Success', tone: 'good' } : { label: 'Failure', tone: 'bad' };
}

/** A reward as a researcher reads it: sign always shown, at most three decimals. */
export function formatReward(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

/** Size of a text as the byte-level tokenizer counts it. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}
