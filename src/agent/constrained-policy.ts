import type { Engine, Generation } from '../engine/engine.ts';
import type { PolicyStep, StepPolicy, StepView } from '../env/episode.ts';
import { flopsPerToken, type FlopsShape } from '../model/flops.ts';
import { createRandom, type Random } from '../core/random.ts';
import { gatherTargetValues, packExamples, type Example } from '../model/packing.ts';
import {
  actionCandidates,
  candidatePrefix,
  closeText,
  DEFAULT_CANDIDATE_OPTIONS,
  keyActions,
  shownBids,
  type ActionCandidate,
  type CandidateOptions,
} from './action-candidates.ts';
import {
  generationSeed,
  promptBudget,
  type ModelPolicyOptions,
  type ModelPolicyStats,
} from './model-policy.ts';
import { StepBatcher, type WaitingStep } from './step-batcher.ts';
import { encodePrompt, encodeTarget, viewContext } from './prompt.ts';
import { END_OF_TARGET, PADDING } from './tokenizer.ts';

export interface ConstrainedPolicyOptions extends ModelPolicyOptions {
  /** The most tokens one logProbs batch may hold: the engine's maxTokens (EngineModelOptions, 4 x context by default). */
  readonly maxBatchTokens: number;
  /** Which actions are offered (default: DEFAULT_CANDIDATE_OPTIONS, the teachers' vocabulary). */
  readonly candidates?: CandidateOptions;
}

export interface ConstrainedPolicyStats extends ModelPolicyStats {
  /** Batches of steps served (each makes one or two generate calls, counted in `calls`). */
  batches: number;
  logProbCalls: number;
  /** Candidates scored, key completions included. */
  candidates: number;
  /**
   * Sequences read beyond what a step's sample accounts for (its prompt and target, charged as
   * ModelPolicy's are): every scored candidate, every re-read of prompt + thought + head before
   * the text of a fill or type, every final log-probability pass. Their FLOPs: extraInferenceFlops.
   */
  scoredSequences: number;
  scoredTokens: number;
  /** Sum over those sequences of length^2, for the formula's attention term (s = the sequence's length). */
  scoredTokenSquares: number;
}

/**
 * FLOPs of the reads in `scoredTokens`, by the paper's formula for inference tokens (m = 0), each
 * sequence at its own length s: per token the formula is affine in s, so sum_i len_i (a + b len_i)
 * = a scoredTokens + b scoredTokenSquares is exact.
 */
export function extraInferenceFlops(shape: FlopsShape, stats: ConstrainedPolicyStats): number {
  const a = flopsPerToken(shape, 0, 'generated');
  const b = flopsPerToken(shape, 1, 'generated') - a;
  return a * stats.scoredTokens + b * stats.scoredTokenSquares;
}

/** Written after the thought; the candidates follow it, each with its leading space. */
const ACTION_MARKER = '\nAction:';
const ACTION_LINE = /^\s*Action:/;

interface Request extends WaitingStep {
  readonly prompt: Int32Array;
  readonly truncated: boolean;
  readonly candidates: readonly ActionCandidate[];
  /** encode(" " + candidatePrefix(candidate)), per candidate. */
  readonly candidateTokens: readonly (readonly number[])[];
  /** Target tokens each candidate needs after the marker (END_OF_TARGET, a text's closing, a key's shortest completion included). */
  readonly needs: readonly number[];
  /** The fewest of them. */
  readonly shortest: number;
}

/** A target read by logProbs: its tokens, each one's log p, and the sum over its candidate's tokens. */
interface ScoredTarget {
  readonly tokens: readonly number[];
  readonly values: Float64Array;
  readonly score: number;
}

interface ScoreJob {
  readonly prompt: Int32Array;
  readonly target: readonly number[];
  /** The last `tail` target tokens are the candidate's: its score is their sum. */
  readonly tail: number;
}

/** One row of a batch on its way through the stages. */
interface Row {
  readonly request: Request;
  readonly thought: string;
  /** encode(thought + ACTION_MARKER) */
  readonly prefix: number[];
  action?: string;
  /** The chosen key head, until stage 2 picks its key. */
  keyHead?: Extract<ActionCandidate, { kind: 'key' }>;
  /** The read of the finished target (or of the chosen candidate's sequence, if it is the same). */
  target?: ScoredTarget;
}

interface ChosenText {
  readonly row: Row;
  readonly candidate: Extract<ActionCandidate, { kind: 'text' }>;
  readonly head: readonly number[];
}

/**
 * The student as a policy that can only emit well-formed actions naming bids on its page
 * (rl.constrainedDecoding). The constraint is on whole sequences, not token masks:
 *
 *   1. the thought is generated freely, up to "\nAction:" (appended if the model never writes it);
 *   2. every candidate (action-candidates.ts) is scored by one logProbs read of prompt + thought +
 *      "\nAction: " + candidate (+ END_OF_TARGET when complete), its score the sum of its tokens'
 *      log-probs, and one is drawn with probability proportional to exp(score / temperature)
 *      (argmax at temperature 0). At temperature 1 this is the model's own distribution over the
 *      complete candidates, restricted to them; an open head weighs the mass of every action it
 *      begins;
 *   3. a key head's key is drawn the same way among its completions; a text head's text is
 *      generated, up to the closing quote;
 *   4. the sample is the prompt and the canonical target tokens (encodeTarget) with their log-probs
 *      from a logProbs read of exactly that sequence at the sampling temperature, so RL's old
 *      log-probs are the unconstrained model's on the tokens the loss sees, as the loss reads them.
 *
 * Batched like ModelPolicy over the K episodes a pool has in flight; one batch at a time.
 */
export class ConstrainedModelPolicy {
  readonly policy: StepPolicy;
  readonly stats: ConstrainedPolicyStats = {
    calls: 0,
    prompts: 0,
    promptTokens: 0,
    generatedTokens: 0,
    batches: 0,
    logProbCalls: 0,
    candidates: 0,
    scoredSequences: 0,
    scoredTokens: 0,
    scoredTokenSquares: 0,
  };

  private readonly batcher: StepBatcher<Request>;
  private readonly promptBudget: number;
  private readonly candidateOptions: CandidateOptions;
  private readonly markerTokens: number[];
  /** Tokens that close a text head, END_OF_TARGET included. */
  private readonly closeLength: number;
  private readonly textStops: number[][];

  constructor(
    private readonly engine: Pick<Engine, 'generate' | 'logProbs'>,
    private readonly options: ConstrainedPolicyOptions,
  ) {
    const { context, maxNewTokens, maxBatchTokens, tokenizer } = options;
    this.promptBudget = promptBudget(context, maxNewTokens);
    if (!Number.isInteger(maxBatchTokens) || maxBatchTokens < context) {
      throw new Error(
        `maxBatchTokens must be at least the context (${context}) so one scored sequence fits a batch; got ${maxBatchTokens}. ` +
          "Pass the engine's maxTokens (4 x the context unless the model was created with another).",
      );
    }
    this.batcher = new StepBatcher(options.batchSize, options.flushAfterMs ?? 4, (batch) =>
      this.serve(batch),
    );
    this.candidateOptions = options.candidates ?? DEFAULT_CANDIDATE_OPTIONS;
    this.markerTokens = tokenizer.encode(ACTION_MARKER);
    this.closeLength = tokenizer.encode('")').length + 1;
    this.textStops = [[END_OF_TARGET], tokenizer.encode('"'), tokenizer.encode('")'), tokenizer.encode('\n')];
    this.policy = (view) => this.step(view);
  }

  private step(view: StepView): Promise<PolicyStep> {
    const { observation } = view;
    const context = viewContext(view);
    return new Promise<PolicyStep>((resolve, reject) => {
      const { tokenizer } = this.options;
      const encoded = encodePrompt(tokenizer, context, this.options.prompt, this.promptBudget);
      // Only bids the prompt shows: one cut off with a long observation's end is not offered.
      const shown = shownBids(tokenizer.decode(encoded.tokens));
      const candidates = actionCandidates(observation.tree, this.candidateOptions, shown);
      if (candidates.length === 0) {
        throw new Error(
          'Constrained decoding found no action to offer: the page shows no bid and the candidate options ' +
            'list no waits or scrolls. Keep noop() among the waits (DEFAULT_CANDIDATE_OPTIONS does).',
        );
      }
      const candidateTokens = candidates.map((c) => tokenizer.encode(` ${candidatePrefix(c)}`));
      const needs = candidates.map((c, i) => {
        const length = (candidateTokens[i] as number[]).length;
        if (c.kind === 'complete') return length + 1;
        if (c.kind === 'text') return length + this.closeLength;
        return Math.min(...keyActions(c).map((a) => tokenizer.encode(` ${a}`).length + 1));
      });
      this.batcher.push({
        prompt: Int32Array.from(encoded.tokens),
        truncated: encoded.truncated,
        candidates,
        candidateTokens,
        needs,
        shortest: Math.min(...needs),
        resolve,
        reject,
      });
    });
  }

  /** One batch: three seeded streams (thoughts, texts, candidate draws), none shared with another batch. */
  private serve(batch: readonly Request[]): Promise<PolicyStep[]> {
    const n = this.stats.batches++;
    const seeds = {
      thoughts: generationSeed(this.options.seed, 3 * n),
      texts: generationSeed(this.options.seed, 3 * n + 1),
      draws: createRandom(generationSeed(this.options.seed, 3 * n + 2)),
    };
    this.stats.prompts += batch.length;
    for (const request of batch) this.stats.promptTokens += request.prompt.length;
    return this.decode(batch, seeds);
  }

  private async decode(
    batch: readonly Request[],
    seeds: { thoughts: number; texts: number; draws: Random },
  ): Promise<PolicyStep[]> {
    const rows = await this.thoughts(batch, seeds.thoughts);
    const texts = await this.chooseCandidates(rows, seeds.draws);
    await this.chooseKeys(rows, seeds.draws);
    await this.writeTexts(texts, seeds.texts);
    await this.readFinalTargets(rows);
    return rows.map((row) => {
      const target = row.target as ScoredTarget;
      return {
        thought: row.thought,
        action: row.action as string,
        sample: {
          prompt: row.request.prompt,
          tokens: Int32Array.from(target.tokens),
          logProbs: Float32Array.from(target.values),
          truncated: row.request.truncated,
        },
      };
    });
  }

  /**
   * Stage 1: every candidate that fits after the thought, scored whole; one drawn per row. A
   * complete one finishes the row; a key head waits for stage 2, a text head for stage 3.
   */
  private async chooseCandidates(rows: Row[], random: Random): Promise<ChosenText[]> {
    const { maxNewTokens } = this.options;
    const jobs: ScoreJob[] = [];
    const owners: { row: number; candidate: number }[] = [];
    rows.forEach((row, r) => {
      const { candidates, candidateTokens, needs } = row.request;
      candidates.forEach((candidate, c) => {
        if (row.prefix.length + (needs[c] as number) > maxNewTokens) return;
        const tokens = candidateTokens[c] as readonly number[];
        const tail = candidate.kind === 'complete' ? [...tokens, END_OF_TARGET] : tokens;
        jobs.push({ prompt: row.request.prompt, target: [...row.prefix, ...tail], tail: tail.length });
        owners.push({ row: r, candidate: c });
      });
    });
    const scored = await this.score(jobs);
    const texts: ChosenText[] = [];
    rows.forEach((row, r) => {
      const mine = owners.flatMap((owner, j) => (owner.row === r ? [j] : []));
      const j = mine[
        this.draw(
          mine.map((k) => (scored[k] as ScoredTarget).score),
          random,
        )
      ] as number;
      const c = (owners[j] as { candidate: number }).candidate;
      const candidate = row.request.candidates[c] as ActionCandidate;
      if (candidate.kind === 'complete') {
        row.action = candidate.action;
        row.target = scored[j];
      } else if (candidate.kind === 'text') {
        texts.push({ row, candidate, head: row.request.candidateTokens[c] as readonly number[] });
      } else {
        row.keyHead = candidate;
      }
    });
    return texts;
  }

  /** Stage 2: a chosen key head's completions that fit, scored whole; one drawn among them. */
  private async chooseKeys(rows: Row[], random: Random): Promise<void> {
    const { tokenizer, maxNewTokens } = this.options;
    const jobs: ScoreJob[] = [];
    const owners: { row: Row; action: string }[] = [];
    for (const row of rows) {
      if (row.keyHead === undefined) continue;
      for (const action of keyActions(row.keyHead)) {
        const tail = [...tokenizer.encode(` ${action}`), END_OF_TARGET];
        if (row.prefix.length + tail.length > maxNewTokens) continue;
        jobs.push({ prompt: row.request.prompt, target: [...row.prefix, ...tail], tail: tail.length });
        owners.push({ row, action });
      }
    }
    const scored = await this.score(jobs);
    for (const row of rows) {
      const mine = owners.flatMap((owner, j) => (owner.row === row ? [j] : []));
      if (mine.length === 0) continue;
      const j = mine[
        this.draw(
          mine.map((k) => (scored[k] as ScoredTarget).score),
          random,
        )
      ] as number;
      row.action = (owners[j] as { action: string }).action;
      row.target = scored[j];
    }
  }

  /** Stage 4: the canonical target of every row, read again only where no scoring read was exactly it. */
  private async readFinalTargets(rows: Row[]): Promise<void> {
    const { tokenizer, temperature } = this.options;
    // Candidates were scored at temperature 1; the sample's log-probs are read at the sampling one.
    const readTemperature = temperature === 0 ? 1 : temperature;
    const finals = rows.map((row) =>
      encodeTarget(tokenizer, { thought: row.thought, action: row.action as string }),
    );
    const again = rows.flatMap((row, r) =>
      readTemperature === 1 && sameTokens(row.target?.tokens, finals[r] as number[]) ? [] : [r],
    );
    const reread = await this.score(
      again.map((r) => ({ prompt: (rows[r] as Row).request.prompt, target: finals[r] as number[], tail: 0 })),
      readTemperature,
    );
    again.forEach((r, j) => {
      (rows[r] as Row).target = reread[j];
    });
  }

  /** Stage 0: every row's thought, generated freely and cut at its first "Action:" line. */
  private async thoughts(batch: readonly Request[], seed: number): Promise<Row[]> {
    const { tokenizer, maxNewTokens, temperature } = this.options;
    // Leave each row room for the marker and its shortest candidate, as an unconstrained step
    // would have to leave room for its action; longer candidates that then do not fit are dropped.
    const budgets = batch.map((request) =>
      Math.max(0, maxNewTokens - this.markerTokens.length - request.shortest),
    );
    const most = Math.max(...budgets);
    let generations: Generation[] = batch.map(() => ({
      tokens: new Int32Array(0),
      logProbs: new Float32Array(0),
      finish: 'length' as const,
    }));
    if (most > 0) {
      generations = await this.generate(
        batch.map((request) => request.prompt),
        { maxNewTokens: most, temperature, seed, stopSequences: [[END_OF_TARGET], this.markerTokens] },
      );
    }
    return batch.map((request, i) => {
      const generated = (generations[i] as Generation).tokens.subarray(0, budgets[i]);
      let thought = thoughtOf(tokenizer.decode(generated));
      // Re-encoding may lengthen what the model wrote (a broken byte becomes U+FFFD): cut until it fits.
      let prefix = tokenizer.encode(thought + ACTION_MARKER);
      while (thought !== '' && prefix.length + request.shortest > maxNewTokens) {
        thought = Array.from(thought).slice(0, -1).join('').trim();
        prefix = tokenizer.encode(thought + ACTION_MARKER);
      }
      return { request, thought, prefix };
    });
  }

  /** Stage 3: the text of every chosen fill or type, generated after its head, then closed. */
  private async writeTexts(texts: readonly ChosenText[], seed: number): Promise<void> {
    if (texts.length === 0) return;
    const { tokenizer, maxNewTokens, temperature } = this.options;
    const budgets = texts.map(
      ({ row, head }) => maxNewTokens - row.prefix.length - head.length - this.closeLength,
    );
    const prompts = texts.map(({ row, head }) =>
      Int32Array.from([...row.request.prompt, ...row.prefix, ...head]),
    );
    const most = Math.max(...budgets);
    let written: string[] = texts.map(() => '');
    if (most > 0) {
      for (const prompt of prompts) this.countRead(prompt.length);
      const generations = await this.generate(prompts, {
        maxNewTokens: most,
        temperature,
        seed,
        stopSequences: this.textStops,
      });
      written = generations.map((g, i) =>
        tokenizer.decode(g.tokens.subarray(0, Math.max(0, budgets[i] as number))),
      );
    }
    texts.forEach(({ row, candidate }, i) => {
      let text = written[i] as string;
      let action = closeText(candidate, text);
      // The canonical encoding may differ in length from the tokens the model wrote: shorten to fit.
      while (text !== '' && encodeTarget(tokenizer, { thought: row.thought, action }).length > maxNewTokens) {
        text = Array.from(text).slice(0, -1).join('');
        action = closeText(candidate, text);
      }
      row.action = action;
    });
  }

  private async generate(
    prompts: Int32Array[],
    options: Parameters<Engine['generate']>[1],
  ): Promise<Generation[]> {
    this.stats.calls++;
    const generations = await this.engine.generate(prompts, options);
    if (generations.length !== prompts.length) {
      throw new Error(`The engine returned ${generations.length} generations for ${prompts.length} prompts.`);
    }
    for (const generation of generations) this.stats.generatedTokens += generation.tokens.length;
    return generations;
  }

  /** Index drawn with probability proportional to exp(score / temperature); the first best at temperature 0. */
  private draw(scores: readonly number[], random: Random): number {
    if (scores.length === 0)
      throw new Error('No candidate fits after the thought: raise model.maxNewTokens.');
    const { temperature } = this.options;
    const best = Math.max(...scores);
    if (temperature === 0) return scores.indexOf(best);
    const weights = scores.map((s) => Math.exp((s - best) / temperature));
    let u = random.next() * weights.reduce((sum, w) => sum + w, 0);
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /**
   * Reads every job with engine.logProbs (log p at `temperature`), packed into as few batches of
   * maxBatchTokens as first-fit allows.
   */
  private async score(jobs: readonly ScoreJob[], temperature = 1): Promise<ScoredTarget[]> {
    const { context, maxBatchTokens } = this.options;
    const results = new Array<ScoredTarget>(jobs.length);
    this.stats.candidates += jobs.filter((job) => job.tail > 0).length;
    for (const group of packGroups(
      jobs.map((job) => job.prompt.length + job.target.length - 1),
      context,
      maxBatchTokens,
    )) {
      const examples: Example[] = group.map((j) => ({
        prompt: (jobs[j] as ScoreJob).prompt,
        target: (jobs[j] as ScoreJob).target,
      }));
      const packed = packExamples(examples, { context, packing: true, padding: PADDING });
      if (packed.batch.batchSize * packed.batch.seqLen > maxBatchTokens) {
        throw new Error(
          'Internal error: a packed scoring batch outgrew maxBatchTokens; packGroups and packExamples disagree.',
        );
      }
      for (const placement of packed.placements) this.countRead(placement.length);
      this.stats.logProbCalls++;
      const batch = temperature === 1 ? packed.batch : { ...packed.batch, temperature };
      const values = gatherTargetValues(packed, examples, await this.engine.logProbs(batch));
      group.forEach((j, k) => {
        const { target, tail } = jobs[j] as ScoreJob;
        const mine = values[k] as Float64Array;
        let score = 0;
        for (let t = mine.length - tail; t < mine.length; t++) score += mine[t] as number;
        results[j] = { tokens: target, values: mine, score };
      });
    }
    return results;
  }

  private countRead(length: number): void {
    this.stats.scoredSequences++;
    this.stats.scoredTokens += length;
    this.stats.scoredTokenSquares += length * length;
  }
}

/** The thought before the first "Action:" line (all of the text when there is none), trimmed. */
export function thoughtOf(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => ACTION_LINE.test(line));
  return (at < 0 ? text : lines.slice(0, at).join('\n')).trim();
}

/**
 * Groups of sequence indices, each group packable (first-fit, longest first, as packExamples
 * places them) into rows of `context` with rows x longest row <= maxBatchTokens.
 */
export function packGroups(lengths: readonly number[], context: number, maxBatchTokens: number): number[][] {
  const order = lengths
    .map((_, i) => i)
    .sort((a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b);
  const groups: number[][] = [];
  let group: number[] = [];
  let rows: number[] = [];
  for (const i of order) {
    const length = lengths[i] as number;
    if (length > context || length > maxBatchTokens) {
      throw new Error(
        `A scored sequence of ${length} tokens does not fit the context (${context}) or a batch (${maxBatchTokens}).`,
      );
    }
    const place = (used: number[]): number[] => {
      const row = used.findIndex((u) => u + length <= context);
      const next = [...used];
      if (row < 0) next.push(length);
      else next[row] = (next[row] as number) + length;
      return next;
    };
    let next = place(rows);
    if (group.length > 0 && next.length * Math.max(...next) > maxBatchTokens) {
      groups.push(group);
      group = [];
      next = place([]);
    }
    group.push(i);
    rows = next;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

function sameTokens(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((token, i) => token === b[i]);
}
