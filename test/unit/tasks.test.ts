import { describe, expect, it } from 'vitest';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv } from '../../src/env/env.ts';
import {
  expertPolicy,
  randomPolicy,
  runEpisode,
  wrongAnswerPolicy,
  type StepPolicy,
} from '../../src/experts/episode.ts';
import { EXPERTS, getExpert } from '../../src/experts/registry.ts';
import { createRandom } from '../../src/tasks/core/random.ts';
import { BUILT_IN_TASKS } from '../../src/tasks/registry.ts';

/** Every built-in task that runs without layout, checked on happy-dom. LAB_TASKS=a,b narrows the list. */
const only = process.env.LAB_TASKS?.split(',').filter(Boolean);
const tasks = BUILT_IN_TASKS.filter((t) => !t.needsCoordinates && (!only || only.includes(t.name)));
const EXPERT_SEEDS = 40;

async function successRate(name: string, policy: StepPolicy, seeds: number[]): Promise<number> {
  const task = BUILT_IN_TASKS.find((t) => t.name === name)!;
  const env = new TaskEnv(new DomPageHost(task), { maxSteps: task.maxSteps });
  let wins = 0;
  for (const seed of seeds) if ((await runEpisode(env, policy, seed, name)).success) wins++;
  env.dispose();
  return wins / seeds.length;
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

describe('the registry', () => {
  it('pairs every built-in task with exactly one expert', () => {
    expect(BUILT_IN_TASKS.map((t) => t.name).sort()).toEqual(EXPERTS.map((e) => e.task).sort());
  });
});

describe.each(tasks.map((t) => [t.name, t] as const))('%s', (name, task) => {
  it('is solved by its expert', async () => {
    const env = new TaskEnv(new DomPageHost(task), { maxSteps: task.maxSteps });
    const failures: string[] = [];
    for (const seed of range(100, EXPERT_SEEDS)) {
      const episode = await runEpisode(env, expertPolicy(getExpert(name)), seed, name);
      if (!episode.success) {
        const last = episode.steps.at(-1);
        failures.push(
          `seed ${seed}: ${episode.failure ?? `raw ${episode.rawReward}`} after ${last?.action} (${last?.error ?? 'no error'})`,
        );
      }
    }
    env.dispose();
    const allowed = task.expertLimit ? Math.floor(EXPERT_SEEDS * 0.1) : 0;
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(allowed);
  });

  it('gives -1 to a wrong answer', async () => {
    const env = new TaskEnv(new DomPageHost(task), { maxSteps: task.maxSteps });
    for (const seed of range(200, 8)) {
      const episode = await runEpisode(env, wrongAnswerPolicy(getExpert(name)), seed, name);
      expect(episode.failure, `seed ${seed}`).toBeNull();
      expect(episode.success, `seed ${seed}`).toBe(false);
      expect(episode.reward, `seed ${seed}`).toBe(-1);
    }
    env.dispose();
  });

  it('rebuilds the same instance from the same seed', async () => {
    const first = new TaskEnv(new DomPageHost(task));
    const second = new TaskEnv(new DomPageHost(task));
    for (const seed of [0, 1, 7]) {
      const a = await first.reset(seed);
      await second.reset(seed + 1000);
      const b = await second.reset(seed);
      expect(b.observation?.utterance).toBe(a.observation?.utterance);
      expect(b.observation?.text).toBe(a.observation?.text);
    }
    const utterances = new Set<string>();
    for (const seed of range(0, 12)) {
      const observation = (await first.reset(seed)).observation;
      utterances.add(`${observation?.utterance}\n${observation?.text}`);
    }
    if (task.observationVaries)
      expect(utterances.size, 'different seeds should give different instances').toBeGreaterThan(1);
    first.dispose();
    second.dispose();
  });

  it('is far beyond a random policy', async () => {
    const expert = await successRate(name, expertPolicy(getExpert(name)), range(300, 20));
    const random = await successRate(name, randomPolicy(createRandom(`random/${name}`)), range(300, 20));
    expect(random).toBeLessThanOrEqual(expert - 0.3);
  });
});
