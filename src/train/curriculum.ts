import type { Random } from '../core/random.ts';

/**
 * The optional curriculum of RL (PAPER.md, pipeline step 5): training tasks are drawn from a
 * Boltzmann distribution centred on a target mu_target (`curriculumMean`) with temperature rho_curr
 * (`curriculumTemperature`). A task's energy is its distance from the target, so tasks the student
 * solves about mu_target of the time are drawn most: those are the groups with mixed outcomes, the
 * ones whose grouped advantages are not zero ("variance-aware"). The paper centres on a target
 * return; the lab measures a task by its success rate in [0, 1], which is what `curriculumMean`
 * (a probability) is compared with. The estimates live in RunState.taskSuccess so a resumed run
 * draws the same tasks.
 */

/** p(task) ∝ exp(-|s_task - mean| / temperature), s_task the task's success estimate in [0, 1]; a task with no estimate yet gets energy 0 (it is tried first). Returns probabilities in the order of tasks, summing to 1. */
export function curriculumWeights(
  tasks: readonly string[],
  taskSuccess: Readonly<Record<string, number>>,
  mean: number,
  temperature: number,
): number[] {
  if (tasks.length === 0)
    throw new Error('The curriculum has no tasks to weight: give at least one training task.');
  if (!(temperature > 0)) throw new Error(`curriculumTemperature must be positive (got ${temperature}).`);
  const energies = tasks.map((task) => {
    const success = Object.hasOwn(taskSuccess, task) ? taskSuccess[task] : undefined;
    return success === undefined ? 0 : Math.abs(success - mean) / temperature;
  });
  // Energies are at least 0 and an unseen task has exactly 0, so subtracting the least keeps
  // exp() from underflowing to an all-zero distribution at small temperatures.
  const least = Math.min(...energies);
  const unnormalised = energies.map((energy) => Math.exp(least - energy));
  const total = unnormalised.reduce((sum, p) => sum + p, 0);
  return unnormalised.map((p) => p / total);
}

/** Running estimate: previous === undefined -> observed; else previous + rate * (observed - previous). */
export function updateTaskSuccess(previous: number | undefined, observed: number, rate = 0.3): number {
  if (!(rate > 0 && rate <= 1))
    throw new Error(`The success estimate's rate must be in (0, 1] (got ${rate}).`);
  return previous === undefined ? observed : previous + rate * (observed - previous);
}

/** Index drawn from probabilities with random.next() in [0,1) (src/tasks/core/random.ts Random). */
export function sampleIndex(probabilities: readonly number[], random: Random): number {
  let total = 0;
  for (const [i, p] of probabilities.entries()) {
    if (!(p >= 0 && Number.isFinite(p))) {
      throw new Error(`Probability ${i} is ${p}: every probability must be a finite number at least 0.`);
    }
    total += p;
  }
  if (!(total > 0)) throw new Error('Cannot draw from probabilities that are empty or all 0.');
  // Scaling by the total keeps a sum of 1 - 1e-16 from running off the end.
  const u = random.next() * total;
  let cumulative = 0;
  let lastPositive = 0;
  for (const [i, p] of probabilities.entries()) {
    if (p === 0) continue;
    cumulative += p;
    lastPositive = i;
    if (u < cumulative) return i;
  }
  return lastPositive;
}
