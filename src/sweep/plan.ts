import { createRandom } from '../core/random.ts';
import type { Strategy } from '../store/records.ts';
import { parseRunConfig, type RunConfig, type RunConfigInput } from '../train/config.ts';
import { checkRunConfig } from '../train/run-checks.ts';
import { cpuSeconds, rlIterationFlops, sftFlopsAt, sftStepsFor } from './estimate.ts';
import { configOfSample, recommendedSample, sampleConfigurations, type Sample } from './sample.ts';
import { baseConfigOf, type SweepSpec } from './spec.ts';
import type { PlannedRun, SweepPlan } from './types.ts';

/**
 * A sweep's plan, a pure function of the spec and the sweep id (every machine and shard computes
 * the same one):
 * - one SFT run (key "sft"), checkpointed at every branch point; as in the paper, every branch
 *   starts from a checkpoint along this one run's learning-rate schedule, not from a run of its own;
 * - at each SFT amount a > 0, spec.rlRunsPerAmount RL runs branched from its checkpoint at the step
 *   of amount a ("sft+rl-i@a"); at amount 0, as many RL runs from the base student ("rl-i");
 * - with spec.baselines, SFT alone and RL alone at matched compute.
 *
 * Matched compute. The analysis compares strategies along their curves, at equal training FLOPs
 * (teacher, SFT and RL training, rollouts; evaluation excluded: the curves' x-axis), by the Pareto
 * frontier per strategy and the compute SFT+RL needs to reach pure SFT's peak. A comparison at
 * compute C needs every strategy's curve to reach C. So the baselines train to the largest training
 * compute M any RL run of the sweep is estimated to spend (estimate.ts), times MATCH_MARGIN so that
 * an estimate somewhat low still leaves them reaching it:
 * - SFT alone is the SFT run itself, continued past its last branch point to that compute: one run
 *   whose checkpoints are the SFT-only continuation of every branch point at once; its sftAmount is
 *   the amount it ends at (RunLineage);
 * - RL alone is spec.baselineRlRuns runs from the base student ("rl-baseline-i") with the paper's
 *   recommended values (sample.ts recommendedSample), their RL phase running to that compute
 *   (rl.flopsBudget). They belong to no SFT amount (sftAmount null): the bootstrap at amount 0
 *   compares the sampled RL runs, all with budgets.rl*, and a run trained several times longer
 *   would not be like with like there.
 * Without baselines the SFT run stops at the last branch point (or budgets.sft*).
 *
 * SFT amounts in FLOPs become branch steps through the estimate, rounded to a multiple of
 * spec.checkpointEvery; the runs record the FLOPs they really branched at (sftFlopsAtBranch).
 */

/** The baselines' budget over the largest estimated RL run. */
export const MATCH_MARGIN = 1.25;
/** RL iterations when the spec gives no RL budget. */
export const DEFAULT_RL_ITERATIONS = 20;
/** A FLOPs-budgeted RL phase stops at its FLOPs; its iterations are capped at this many times the estimate, against a runaway. */
export const ITERATION_CAP_FACTOR = 4;
export const SFT_KEY = 'sft';

/** Plain objects merged key by key, later parts winning; anything else replaced. */
export function mergeConfig(...parts: RunConfigInput[]): RunConfigInput {
  const merge = (a: unknown, b: unknown): unknown => {
    const plain = (x: unknown): x is Record<string, unknown> =>
      x !== null && typeof x === 'object' && !Array.isArray(x);
    if (!plain(a) || !plain(b)) return b === undefined ? a : b;
    const out: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = merge(a[key], value);
    return out;
  };
  return parts.reduce<unknown>((into, part) => merge(into, part), {}) as RunConfigInput;
}

/** The steps at which a run with only an SFT phase saves checkpoints (train/run.ts: every checkpointEvery, every evaluation, its last step). */
export function sftCheckpointSteps(config: RunConfig): number[] {
  const steps = new Set<number>([config.sft.steps]);
  for (const every of [config.checkpointEvery, config.eval.every]) {
    for (let step = every; step <= config.sft.steps; step += every) steps.add(step);
  }
  return [...steps].sort((a, b) => a - b);
}

/** The store id of a planned run: the sweep id and the key, in the characters a file name allows. */
export function plannedRunId(sweepId: string, key: string): string {
  return `${sweepId}--${key.replace('+', '-').replace('@', '-at-')}`;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const amountLabel = (amount: number): string => String(amount).replace('+', '');

interface Draft {
  key: string;
  strategy: Strategy;
  sftAmount: number | null;
  parentStep: number | null;
  sample: Sample;
  config: RunConfigInput;
}

export function planSweep(spec: SweepSpec, sweepId: string): SweepPlan {
  const common = mergeConfig(baseConfigOf(spec), {
    model: { preset: spec.preset },
    env: { split: spec.split },
  });
  // The settings every run shares, parsed once for the estimates.
  const shared = sharedConfig(spec, common);
  const amounts = [...spec.sftAmounts].sort((a, b) => a - b);
  const branchSteps = new Map<number, number>();
  for (const amount of amounts.filter((a) => a > 0)) {
    const step = spec.sftAmountUnit === 'steps' ? amount : branchStepOfFlops(spec, shared, amount);
    const same = [...branchSteps].find(([, s]) => s === step);
    if (same) {
      throw new Error(
        `sftAmounts ${same[0]} and ${amount} both branch at SFT step ${step} (FLOPs amounts are rounded ` +
          `to multiples of checkpointEvery, ${spec.checkpointEvery}): space them further apart or lower checkpointEvery.`,
      );
    }
    branchSteps.set(amount, step);
  }
  const sftStart = (amount: number | null): number =>
    amount !== null && amount > 0 ? sftFlopsAt(shared, branchSteps.get(amount)!) : 0;

  // The RL runs at the spec's budget.
  const drafts: Draft[] = [];
  for (const amount of amounts) {
    sampleConfigurations(spec, amount, spec.rlRunsPerAmount).forEach((sample, i) => {
      const key = amount === 0 ? `rl-${i}` : `sft+rl-${i}@${amountLabel(amount)}`;
      const config = mergeConfig(common, configOfSample(sample), {
        seed: runSeed(spec, key),
        ...(amount === 0 ? { sft: { steps: 0 } } : {}),
      });
      drafts.push({
        key,
        strategy: amount === 0 ? 'rl' : 'sft+rl',
        sftAmount: amount,
        parentStep: amount === 0 ? null : branchSteps.get(amount)!,
        sample,
        config,
      });
    });
  }
  const budgeted = drafts.map((draft) => withRlBudget(spec, draft, sftStart(draft.sftAmount)));
  const matched = MATCH_MARGIN * Math.max(0, ...budgeted.map((b) => b.flops));
  if (spec.baselines) {
    for (let i = 0; i < spec.baselineRlRuns; i++) {
      const key = `rl-baseline-${i}`;
      const sample = recommendedSample(spec);
      const config = mergeConfig(common, configOfSample(sample), {
        seed: runSeed(spec, key),
        sft: { steps: 0 },
      });
      const draft: Draft = { key, strategy: 'rl', sftAmount: null, parentStep: null, sample, config };
      budgeted.push({ draft, config: withFlopsBudget(config, matched, 0), flops: matched });
    }
  }

  // The SFT run: to its last branch point, its own budget, and with baselines the matched compute.
  const lastBranch = Math.max(0, ...branchSteps.values());
  const sftSteps = Math.max(
    lastBranch,
    spec.budgets.sftSteps ?? 0,
    spec.budgets.sftFlops === undefined ? 0 : sftStepsFor(shared, spec.budgets.sftFlops),
    spec.baselines ? sftStepsFor(shared, matched) : 0,
  );
  const checkpointEvery = [...branchSteps.values()].reduce(gcd, spec.checkpointEvery);
  const parentId = plannedRunId(sweepId, SFT_KEY);
  const runs: PlannedRun[] = [];
  if (sftSteps > 0) {
    const flops = sftFlopsAt(shared, sftSteps);
    runs.push({
      key: SFT_KEY,
      runId: parentId,
      name: `${spec.name} ${SFT_KEY}`,
      strategy: 'sft',
      config: mergeConfig(common, {
        name: `${spec.name} ${SFT_KEY}`,
        seed: spec.seed,
        sft: { steps: sftSteps, flopsBudget: null },
        rl: { iterations: 0 },
        checkpointEvery,
      }),
      parent: null,
      sftAmount: spec.sftAmountUnit === 'steps' ? sftSteps : flops,
      hyperparameters: {},
      estimatedFlops: flops,
    });
  }
  budgeted.forEach(({ draft, config, flops }) => {
    const name = `${spec.name} ${draft.key}`;
    runs.push({
      key: draft.key,
      runId: plannedRunId(sweepId, draft.key),
      name,
      strategy: draft.strategy,
      config: mergeConfig(
        config,
        { name },
        draft.parentStep === null ? {} : { branch: { runId: parentId, step: draft.parentStep } },
      ),
      parent: draft.parentStep === null ? null : { key: SFT_KEY, step: draft.parentStep },
      sftAmount: draft.sftAmount,
      hyperparameters: { ...draft.sample },
      estimatedFlops: flops,
    });
  });

  checkPlan(spec, runs);
  return { sweepId, runs, sftAmounts: amounts, sftAmountUnit: spec.sftAmountUnit };
}

/** What every run shares, checked first: the estimates read its tasks and seeds. */
function sharedConfig(spec: SweepSpec, common: RunConfigInput): RunConfig {
  const config = parseRunConfig(mergeConfig(common, { sft: { steps: 1 }, rl: { iterations: 1 } }));
  try {
    checkRunConfig(config);
  } catch (error) {
    const message = (error as Error).message.replace(/^The run configuration cannot run: /, '');
    throw new Error(
      `Every run the sweep "${spec.name}" plans shares settings that cannot run: ${message} Change the spec's base.`,
      { cause: error },
    );
  }
  return config;
}

/** The first multiple of checkpointEvery whose estimated SFT FLOPs reach the amount. */
function branchStepOfFlops(spec: SweepSpec, shared: RunConfig, amount: number): number {
  const every = spec.checkpointEvery;
  return Math.max(every, Math.ceil(sftStepsFor(shared, amount) / every) * every);
}

/** Each run's own seed, drawn from the spec's seed and its key. */
function runSeed(spec: SweepSpec, key: string): number {
  return createRandom(`${spec.seed}/run/${key}`).int(0, 2 ** 31 - 1);
}

/** The RL budget of budgets.rl*, and the run's estimated training FLOPs (its SFT start included). */
function withRlBudget(
  spec: SweepSpec,
  draft: Draft,
  start: number,
): { draft: Draft; config: RunConfigInput; flops: number } {
  const { rlFlops } = spec.budgets;
  if (rlFlops !== undefined) {
    return { draft, config: withFlopsBudget(draft.config, start + rlFlops, start), flops: start + rlFlops };
  }
  const iterations = spec.budgets.rlIterations ?? DEFAULT_RL_ITERATIONS;
  const perIteration = rlIterationFlops(parseRunConfig(mergeConfig(draft.config, { rl: { iterations } })));
  return {
    draft,
    config: mergeConfig(draft.config, { rl: { iterations, flopsBudget: null } }),
    flops: start + iterations * perIteration,
  };
}

/** RL until the run's training FLOPs reach `total` (rl.flopsBudget is cumulative), iterations capped. */
function withFlopsBudget(config: RunConfigInput, total: number, start: number): RunConfigInput {
  const perIteration = rlIterationFlops(parseRunConfig(mergeConfig(config, { rl: { iterations: 1 } })));
  const iterations = ITERATION_CAP_FACTOR * Math.max(1, Math.ceil((total - start) / perIteration));
  return mergeConfig(config, { rl: { iterations, flopsBudget: total } });
}

/** Every planned configuration as a run will check it, each problem naming its planned run; branches at checkpoints the parent saves. */
function checkPlan(spec: SweepSpec, runs: PlannedRun[]): void {
  const parsed = new Map<string, RunConfig>();
  for (const run of runs) {
    const what = `The sweep "${spec.name}" plans run "${run.key}" (${run.strategy}, SFT amount ${run.sftAmount})`;
    try {
      const config = parseRunConfig(run.config, `${what}, but its configuration`);
      checkRunConfig(config);
      parsed.set(run.key, config);
    } catch (error) {
      const message = (error as Error).message.replace(/^The run configuration cannot run: /, '');
      throw new Error(
        message.startsWith(what)
          ? message
          : `${what}, which cannot run: ${message} Change the spec's base or space.`,
        { cause: error },
      );
    }
  }
  for (const run of runs) {
    if (run.parent === null) continue;
    const parent = parsed.get(run.parent.key);
    if (!parent || !sftCheckpointSteps(parent).includes(run.parent.step)) {
      throw new Error(
        `Planned run "${run.key}" branches at step ${run.parent.step}, where its parent saves no checkpoint.`,
      );
    }
  }
}

/**
 * The plan's wall time on 2 CPU cores, one run after another, at the rates measured there
 * (estimate.ts CPU_2_CORES): each run's SFT FLOPs at the SFT rate, its RL FLOPs (beyond its branch
 * point) at the RL rate.
 */
export function cpuSecondsOf(plan: SweepPlan): number {
  const configs = new Map(plan.runs.map((run) => [run.key, parseRunConfig(run.config)]));
  let seconds = 0;
  for (const run of plan.runs) {
    const config = configs.get(run.key)!;
    const start = run.parent ? sftFlopsAt(configs.get(run.parent.key)!, run.parent.step) : 0;
    const sft = run.parent === null && config.sft.steps > 0 ? sftFlopsAt(config, config.sft.steps) : 0;
    seconds += cpuSeconds('sft', sft) + cpuSeconds('rl', run.estimatedFlops - start - sft);
  }
  return seconds;
}
