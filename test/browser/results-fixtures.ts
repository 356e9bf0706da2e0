import type {
  HyperparameterValue,
  MetricRecord,
  PhaseSelection,
  RunRecord,
  RunSummary,
  Strategy,
} from '../../src/store/records.ts';
import type { LabStore } from '../../src/store/store.ts';
import { createRun } from '../../src/train/run.ts';

/**
 * A small finished study in the store, as a sweep would leave it: SFT runs at two amounts, SFT+RL
 * branches and RL from the base student with sampled values, their evaluations and summaries, and
 * one run still paused (in the table, not in the analysis).
 */

interface FixtureRun {
  name: string;
  strategy: Strategy;
  sftAmount: number;
  hyperparameters: Record<string, HyperparameterValue>;
  flops: number;
  goals: number;
  tasks: number;
}

export const FIXTURE_RUNS: readonly FixtureRun[] = [
  {
    name: 'sft-100',
    strategy: 'sft',
    sftAmount: 100,
    hyperparameters: {},
    flops: 2e9,
    goals: 0.3,
    tasks: 0.1,
  },
  {
    name: 'sft-200',
    strategy: 'sft',
    sftAmount: 200,
    hyperparameters: {},
    flops: 4e9,
    goals: 0.45,
    tasks: 0.2,
  },
  ...[
    ['branch-1', 100, 0.0003, 0.7, 3e9, 0.55, 0.25],
    ['branch-2', 100, 0.001, 1, 3.5e9, 0.35, 0.2],
    ['branch-3', 100, 0.0003, 1, 5e9, 0.5, 0.3],
    ['branch-4', 200, 0.001, 0.7, 6e9, 0.6, 0.35],
    ['branch-5', 200, 0.0003, 0.7, 7e9, 0.65, 0.3],
  ].map(([name, sftAmount, learning_rate, temperature, flops, goals, tasks]) => ({
    name: name as string,
    strategy: 'sft+rl' as const,
    sftAmount: sftAmount as number,
    hyperparameters: { learning_rate: learning_rate as number, temperature: temperature as number },
    flops: flops as number,
    goals: goals as number,
    tasks: tasks as number,
  })),
  {
    name: 'rl-1',
    strategy: 'rl',
    sftAmount: 0,
    hyperparameters: { learning_rate: 0.0003, temperature: 1 },
    flops: 1.5e9,
    goals: 0.1,
    tasks: 0.05,
  },
];

const TASKS = ['click-test', 'focus-text', 'enter-text'];

function selection(fixture: FixtureRun, step: number): PhaseSelection {
  return {
    selected_step: step,
    heldout_goals_success: fixture.goals,
    heldout_goals_stderr: 0.05,
    heldout_tasks_success: fixture.tasks,
    heldout_tasks_stderr: 0.05,
    flops: fixture.flops,
    per_task: Object.fromEntries(TASKS.map((task, i) => [task, Math.min(1, fixture.goals + 0.1 * i)])),
  };
}

function summaryOf(runId: string, fixture: FixtureRun): RunSummary {
  const selected = selection(fixture, 20);
  const compute = { teacher: 0, sftTraining: fixture.flops, rlTraining: 0, rollouts: 0, evaluation: 1e8 };
  return {
    ...selected,
    run_id: runId,
    compute,
    teacher_flops_basis: null,
    wall_s: 10,
    steps: 20,
    sft_flops_at_branch: fixture.strategy === 'sft' ? null : 0,
    sft: fixture.strategy === 'sft' ? selected : null,
    rl: fixture.strategy === 'sft' ? null : selected,
  };
}

function evaluations(runId: string, fixture: FixtureRun): MetricRecord[] {
  return [10, 20].map((step) => ({
    runId,
    kind: 'eval',
    step,
    phase: fixture.strategy === 'sft' ? 'sft' : 'rl',
    flops: (fixture.flops * step) / 20,
    wallMs: step * 100,
    values: {
      heldOutGoalSuccess: (fixture.goals * step) / 20,
      heldOutGoalStderr: 0.05,
      heldOutTaskSuccess: (fixture.tasks * step) / 20,
      heldOutTaskStderr: 0.05,
    },
  }));
}

/** Stores the study; returns the stored runs, the paused one last. */
export async function storeStudy(store: LabStore): Promise<RunRecord[]> {
  const stored: RunRecord[] = [];
  for (const fixture of FIXTURE_RUNS) {
    const config = fixture.strategy === 'sft' ? { sft: { steps: 3 } } : { rl: { iterations: 2 } };
    const run = await createRun(store, config, {
      name: fixture.name,
      lineage: {
        sweepId: 'sweep-1',
        strategy: fixture.strategy,
        sftAmount: fixture.sftAmount,
        hyperparameters: fixture.hyperparameters,
      },
    });
    // Both evaluations of an RL or SFT+RL run come after an RL update: they show its strategy.
    const history = evaluations(run.id, fixture).map((row) => ({
      step: row.step,
      success: row.values.heldOutGoalSuccess!,
      phase: fixture.strategy === 'sft' ? ('sft' as const) : ('rl' as const),
    }));
    const finished: RunRecord = {
      ...run,
      status: 'finished',
      state: { ...run.state, heldOutGoalHistory: history },
      summary: summaryOf(run.id, fixture),
    };
    await store.putMetrics(evaluations(run.id, fixture));
    await store.putRun(finished);
    stored.push(finished);
  }
  const paused = await createRun(store, { sft: { steps: 3 } }, { name: 'still-paused' });
  await store.putRun({ ...paused, status: 'paused' });
  stored.push({ ...paused, status: 'paused' });
  return stored;
}
