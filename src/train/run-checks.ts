import type { EnvOptions } from '../env/env.ts';
import { parseSeedList, type EnvSettings, type RunConfig } from './config.ts';
import { heldOutTasks, runnableTasks, trainingSeeds, trainingTasks } from './traces.ts';

/**
 * What a run's configuration must satisfy beyond its schema, checked before anything is spent (no
 * teacher episode, no stored run): tasks that exist, training and held-out sets that do not
 * overlap, seeds that keep the held-out goals unseen, and room for a whole action. Each problem
 * names its field.
 */

/** Marker, a short thought and an action such as click("12"): less leaves constrained decoding no candidate. */
const MIN_CONSTRAINED_NEW_TOKENS = 32;

/** One thing a configuration gets wrong beyond its schema: the field to change, and why. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/** Throws one error naming every problem of runConfigProblems, or returns. */
export function checkRunConfig(config: RunConfig): void {
  const problems = runConfigProblems(config);
  if (problems.length) {
    throw new Error(`The run configuration cannot run: ${problems.map((p) => p.message).join(' ')}`);
  }
}

/** What checkRunConfig refuses, field by field, for forms that validate as the user types. */
export function runConfigProblems(config: RunConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const attempt = (field: string, check: () => void): void => {
    try {
      check();
    } catch (error) {
      problems.push({ field, message: error instanceof Error ? error.message : String(error) });
    }
  };
  let train: string[] = [];
  let test: string[] = [];
  attempt('env.tasks', () => (train = trainingTasks(config.env)));
  attempt('env.testTasks', () => (test = heldOutTasks(config.env)));
  const both = train.filter((task) => test.includes(task));
  if (both.length) {
    problems.push({
      field: 'env.testTasks',
      message:
        `${both.join(', ')} ${both.length > 1 ? 'are' : 'is'} both a training task and a held-out task ` +
        '(env.tasks and env.testTasks, or the split): a held-out task must be one the student never trains on.',
    });
  }
  const goalSeeds = new Set(parseSeedList(config.eval.heldOutGoalSeeds));
  const leaks = (setting: string, seeds: string): void => {
    attempt(setting, () => {
      const shared = trainingSeeds(seeds, setting).filter((seed) => goalSeeds.has(seed));
      if (shared.length) {
        throw new Error(
          `${setting} "${seeds}" shares seed${shared.length > 1 ? 's' : ''} ${shared.slice(0, 5).join(', ')} with ` +
            `eval.heldOutGoalSeeds "${config.eval.heldOutGoalSeeds}": held-out goals must be goals the student ` +
            'never trains on; use disjoint seed ranges.',
        );
      }
    });
  };
  if (config.sft.steps > 0 && config.sft.datasetId === null && config.branch === null) {
    leaks('teacher.seeds', config.teacher.seeds);
  }
  if (config.rl.iterations > 0) leaks('rl.seeds', config.rl.seeds);
  if (config.rl.constrainedDecoding && config.model.maxNewTokens < MIN_CONSTRAINED_NEW_TOKENS) {
    problems.push({
      field: 'model.maxNewTokens',
      message:
        `rl.constrainedDecoding needs room for "\\nAction: " and a whole action after the thought: ` +
        `raise model.maxNewTokens to at least ${MIN_CONSTRAINED_NEW_TOKENS} (it is ${config.model.maxNewTokens}).`,
    });
  }
  if (config.rl.iterations > 0 && config.rl.groupSize < 2 && config.rl.groupedAdvantage) {
    problems.push({
      field: 'rl.groupSize',
      message:
        'rl.groupSize 1 with rl.groupedAdvantage makes every advantage 0 (a group of one is its own mean): ' +
        'raise rl.groupSize to 2 or more, or turn rl.groupedAdvantage off.',
    });
  }
  return problems;
}

/** The runner's env options, as the run's settings require them (a runner built otherwise plays another experiment). */
export function checkRunnerOptions(built: Partial<EnvOptions>, env: EnvSettings, defaults: EnvOptions): void {
  const wanted: Partial<EnvOptions> = {
    maxSteps: env.maxSteps,
    format: env.observationFormat,
    successRule: env.successRule,
  };
  const differ = (Object.keys(wanted) as (keyof typeof wanted)[]).filter(
    (key) => (built[key] ?? defaults[key]) !== wanted[key],
  );
  if (differ.length) {
    throw new Error(
      `The episode runner's envs differ from the run's env settings in ${differ
        .map((key) => `${key} (${String(built[key] ?? defaults[key])}, not ${String(wanted[key])})`)
        .join(', ')}: build the runner with envOptionsOf(config.env) from train/run.ts.`,
    );
  }
}

/** The configuration again (a stored run may predate a check), then what this machine can run of it. */
export function checkRunnable(
  config: RunConfig,
  runnerOptions: Partial<EnvOptions>,
  defaults: EnvOptions,
  skipTask: ((task: string) => string | null) | undefined,
): { trainTasks: string[]; testTasks: string[]; rlSeeds: number[] } {
  checkRunConfig(config);
  checkRunnerOptions(runnerOptions, config.env, defaults);
  const train = runnableTasks(trainingTasks(config.env), skipTask);
  const test = runnableTasks(heldOutTasks(config.env), skipTask);
  const why = (skipped: Record<string, string>): string =>
    Object.entries(skipped)
      .map(([task, reason]) => `${task}: ${reason}`)
      .join('; ');
  if (train.tasks.length === 0) throw new Error(`No training task can run here (${why(train.skipped)}).`);
  if (test.tasks.length === 0) throw new Error(`No held-out task can run here (${why(test.skipped)}).`);
  return {
    trainTasks: train.tasks,
    testTasks: test.tasks,
    rlSeeds: config.rl.iterations > 0 ? trainingSeeds(config.rl.seeds, 'rl.seeds') : [],
  };
}
