import { describe, expect, it } from 'vitest';
import { findTask } from '../../src/tasks/registry.ts';
import { getSplit, missingTasks } from '../../src/tasks/splits.ts';

describe("the paper's split", () => {
  const paper = getSplit('paper');

  it('has 99 training tasks and 23 held-out ones, none in both', () => {
    expect([new Set(paper.train).size, new Set(paper.test).size]).toEqual([99, 23]);
    expect(paper.train.filter((name) => paper.test.includes(name))).toEqual([]);
  });

  it('names only tasks the lab has built', () => {
    expect(missingTasks(paper)).toEqual([]);
    expect(findTask('text-editor')?.wave).toBe(2);
  });
});
