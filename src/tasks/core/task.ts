import type { Random } from '../../core/random.ts';

/** What a task knows while it builds and judges one instance. */
export interface TaskContext {
  /** The task page's document and window (an iframe's, or a DOM implementation's in Node). */
  readonly doc: Document;
  readonly win: Window;
  /** The widget area under the query box; empty at the start of every episode. */
  readonly area: HTMLElement;
  /** The episode's seeded random stream. */
  readonly random: Random;
  /** Sets the instruction shown in the query box and returned by `core.getUtterance()`. */
  setUtterance(text: string): void;
  /** Ends the episode: +1 success (time-discounted), -1 failure, or partial credit in between. */
  end(reward: number, reason?: string): void;
  /** Shorthands for `end(1, reason)` and `end(-1, reason)`. */
  succeed(reason?: string): void;
  fail(reason?: string): void;
  /** True once the episode has ended. */
  readonly done: boolean;
  /** A timer that is cancelled when the episode ends or a new one starts. */
  setTimeout(fn: () => void, ms: number): void;
}

/** One built-in task: a seeded generator of instances that speak the MiniWob++ page protocol. */
export interface TaskSpec {
  /** The MiniWob++ name, e.g. `click-test`. */
  readonly name: string;
  /** What the task asks, in a sentence. */
  readonly description: string;
  /** Builds a new instance in `ctx.area` and wires its reward rule. */
  generate(ctx: TaskContext): void;
  /** Extra CSS for the task's widgets. */
  readonly css?: string;
  /** Episode time limit in seconds (MiniWob++ default 10). */
  readonly maxTime?: number;
}

/** Registry facts about a task, beside its spec. */
export interface TaskMeta {
  readonly wave: 1 | 2 | 3;
  /** Needs coordinates or layout: left out where tasks run on a DOM implementation without layout. */
  readonly needsCoordinates: boolean;
  /** Depends on time or date, so a seed does not fix the instance entirely. */
  readonly nondeterministic: boolean;
  /** Can end with a raw reward strictly between -1 and 1. */
  readonly partialCredit: boolean;
  /** False for the few tasks whose instances differ only in layout (click-test moves its button). */
  readonly observationVaries: boolean;
  /** Why the expert cannot solve every seed, where it cannot (a fact about the task, not a bug). */
  readonly expertLimit?: string;
  /**
   * What the agent must perceive, and so what the observation has to carry: 'text' (the page's
   * words and controls), 'visual' (colours, shapes or sizes, given as words or attributes),
   * 'positions' (coordinates and sizes of elements, for the mouse_* actions; needs a browser's
   * layout), or 'pixels' (only an image shows it: a text model cannot solve the task).
   */
  readonly perception: Perception;
  /** The episode's step budget (BrowserGym's default is 10; some official tasks need more). */
  readonly maxSteps: number;
}

export type Perception = 'text' | 'visual' | 'positions' | 'pixels';

export type RegisteredTask = TaskSpec & TaskMeta;

/** Declares a task: the spec plus its registry facts, with the common defaults filled in. */
export function defineTask(spec: TaskSpec & Partial<TaskMeta>): RegisteredTask {
  return {
    wave: 1,
    needsCoordinates: false,
    nondeterministic: false,
    partialCredit: false,
    observationVaries: true,
    perception: 'text',
    maxSteps: 10,
    maxTime: 10,
    ...spec,
  };
}
