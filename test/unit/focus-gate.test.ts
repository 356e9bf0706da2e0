import { describe, expect, it } from 'vitest';
import { FocusGate } from '../../src/env/focus-gate.ts';

/** A piece of work that records when it starts and ends, and ends when told to. */
function work(log: string[], name: string): { run: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: async () => {
      log.push(`${name} starts`);
      await done;
      log.push(`${name} ends`);
      return name;
    },
    finish: () => finish(),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('the focus gate', () => {
  it('lets shared holders run together', async () => {
    const gate = new FocusGate();
    const log: string[] = [];
    const a = work(log, 'a');
    const b = work(log, 'b');
    const runs = [gate.shared(a.run), gate.shared(b.run)];
    await turn();
    expect(log).toEqual(['a starts', 'b starts']);
    a.finish();
    b.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b']);
  });

  it('runs an exclusive holder alone: after the shared holders before it, before those after it', async () => {
    const gate = new FocusGate();
    const log: string[] = [];
    const before = work(log, 'before');
    const alone = work(log, 'alone');
    const after = work(log, 'after');
    const runs = [gate.shared(before.run), gate.exclusive(alone.run), gate.shared(after.run)];
    await turn();
    expect(log).toEqual(['before starts']);
    before.finish();
    await turn();
    expect(log).toEqual(['before starts', 'before ends', 'alone starts']);
    await turn();
    expect(log).not.toContain('after starts');
    alone.finish();
    await turn();
    expect(log.slice(-2)).toEqual(['alone ends', 'after starts']);
    after.finish();
    await Promise.all(runs);
  });

  it('runs two exclusive holders one after the other, and frees the gate when work throws', async () => {
    const gate = new FocusGate();
    const log: string[] = [];
    const first = gate.exclusive(async () => {
      log.push('first');
      await turn();
      throw new Error('page failed');
    });
    const second = work(log, 'second');
    const run = gate.exclusive(second.run);
    await expect(first).rejects.toThrow('page failed');
    await turn();
    expect(log).toEqual(['first', 'second starts']);
    second.finish();
    expect(await run).toBe('second');
  });
});
