import type { CliIo } from './io.ts';

/** Exit code of work paused by Ctrl-C (the shell's code for SIGINT). */
export const PAUSED_EXIT_CODE = 130;

/**
 * One key press can arrive as two signals: the terminal sends SIGINT to the whole process group, and
 * a parent that relays signals (npm to its script's shell, a shell that execs the command) sends it
 * again. Signals this close to the first are that same press, not the user asking to quit.
 */
const SAME_PRESS_MS = 1000;

export interface Interrupt {
  /** Aborted on the first Ctrl-C: the work stops at its next step boundary and saves its state. */
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * Ctrl-C for long CLI work (run, pretrain, and any later command that trains): the first one pauses
 * at the next step boundary, a second one quits at once. The signal reaches this process itself:
 * `npm run lab` starts node with tsx as an import hook, not tsx's runner, which kills a child that
 * does not acknowledge a relayed signal within 30 ms, as a CPU training step blocking the event
 * loop cannot.
 */
export function pauseOnCtrlC(io: CliIo, pausing: string, now: () => number = Date.now): Interrupt {
  const controller = new AbortController();
  let firstAt = 0;
  const onSigint = (): void => {
    if (!controller.signal.aborted) {
      firstAt = now();
      io.err(`Pausing: ${pausing} (Ctrl-C again quits at once, losing the step under way).`);
      controller.abort();
    } else if (now() - firstAt >= SAME_PRESS_MS) {
      io.err('Quitting at once: the work since the last checkpoint is lost.');
      process.exit(PAUSED_EXIT_CODE);
    }
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
