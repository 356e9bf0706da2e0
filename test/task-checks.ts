import { describe, expect, it } from 'vitest';
import type { TaskEnv } from '../src/env/env.ts';
import { runEpisode, type StepPolicy } from '../src/env/episode.ts';
import { expertPolicy, randomPolicy, wrongAnswerPolicy } from '../src/experts/policies.ts';
import { getExpert } from '../src/experts/registry.ts';
import type { RegisteredTask } from '../src/tasks/core/task.ts';
import { createRandom } from '../src/core/random.ts';

/**
 * The generic checks every built-in task passes, wherever its page runs: happy-dom in Node
 * (test/unit/tasks.test.ts) or an iframe in Chromium for the tasks that need layout
 * (test/browser/tasks.test.ts). `openEnv` builds an env on the task's page.
 */
export function describeTaskChecks(
  tasks: readonly RegisteredTask[],
  openEnv: (task: RegisteredTask) => TaskEnv,
  expertSeeds = 40,
): void {
  const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

  async function successRate(task: RegisteredTask, policy: StepPolicy, seeds: number[]): Promise<number> {
    const env = openEnv(task);
    let wins = 0;
    for (const seed of seeds) if ((await runEpisode(env, policy, seed, task.name)).success) wins++;
    env.dispose();
    return wins / seeds.length;
  }

  describe.each(tasks.map((t) => [t.name, t] as const))('%s', (name, task) => {
    if (task.perception === 'pixels') {
      // Only an image shows the answer: the expert, reading the text an agent reads, can only
      // guess. Its reward rule is checked by reading the pixels, in the task's own test.
      it('cannot be solved from the text observation, as its perception says', async () => {
        expect(task.expertLimit, 'a pixels task says why its expert cannot solve it').toBeTruthy();
        const env = openEnv(task);
        let wins = 0;
        for (const seed of range(100, expertSeeds)) {
          const episode = await runEpisode(env, expertPolicy(getExpert(name)), seed, name);
          expect(episode.failure, `seed ${seed}`).toBeNull();
          expect(Math.abs(episode.rawReward), `seed ${seed}: the episode ends with a verdict`).toBe(1);
          if (episode.success) wins++;
        }
        env.dispose();
        expect(wins / expertSeeds).toBeLessThan(0.6);
      });
    } else {
      describeTextChecks(name, task);
    }
    itRebuildsInstances(task);
  });

  function describeTextChecks(name: string, task: RegisteredTask): void {
    it('is solved by its expert', async () => {
      const env = openEnv(task);
      const failures: string[] = [];
      for (const seed of range(100, expertSeeds)) {
        const episode = await runEpisode(env, expertPolicy(getExpert(name)), seed, name);
        if (!episode.success) {
          const last = episode.steps.at(-1);
          failures.push(
            `seed ${seed}: ${episode.failure ?? `raw ${episode.rawReward}`} after ${last?.action} (${last?.error ?? 'no error'})`,
          );
        }
      }
      env.dispose();
      const allowed = task.expertLimit ? Math.floor(expertSeeds * 0.1) : 0;
      expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(allowed);
    });

    it('gives -1 to a wrong answer', async () => {
      const env = openEnv(task);
      for (const seed of range(200, 8)) {
        const episode = await runEpisode(env, wrongAnswerPolicy(getExpert(name)), seed, name);
        expect(episode.failure, `seed ${seed}`).toBeNull();
        expect(episode.success, `seed ${seed}`).toBe(false);
        expect(episode.reward, `seed ${seed}`).toBe(-1);
      }
      env.dispose();
    });

    it('is far beyond a random policy', async () => {
      const expert = await successRate(task, expertPolicy(getExpert(name)), range(300, 20));
      const random = await successRate(task, randomPolicy(createRandom(`random/${name}`)), range(300, 20));
      expect(random).toBeLessThanOrEqual(expert - 0.3);
    });
  }

  function itRebuildsInstances(task: RegisteredTask): void {
    it('rebuilds the same instance from the same seed', async () => {
      const first = openEnv(task);
      const second = openEnv(task);
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
  }
}
