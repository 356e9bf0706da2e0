import { describe, expect, it } from 'vitest';
import {
  actionCandidates,
  allowedBy,
  candidatePrefix,
  closeText,
  DEFAULT_CANDIDATE_OPTIONS,
  keyActions,
  shownBids,
  type ActionCandidate,
  type CandidateOptions,
} from '../../src/agent/action-candidates.ts';
import {
  ConstrainedModelPolicy,
  extraInferenceFlops,
  packGroups,
  thoughtOf,
  type ConstrainedPolicyOptions,
} from '../../src/agent/constrained-policy.ts';
import { encodePrompt, targetText } from '../../src/agent/prompt.ts';
import {
  createTokenizer,
  END_OF_TARGET,
  learnVocabulary,
  PADDING,
  START_OF_TARGET,
} from '../../src/agent/tokenizer.ts';
import { parseAction } from '../../src/env/actions.ts';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv, type Observation } from '../../src/env/env.ts';
import type { ObsElement } from '../../src/env/observation.ts';
import { CpuEngine } from '../../src/engine/cpu-engine.ts';
import type { GenerateOptions, Generation } from '../../src/engine/engine.ts';
import { runEpisode, type PolicyStep, type StepPolicy, type StepView } from '../../src/env/episode.ts';
import { expertPolicy } from '../../src/experts/policies.ts';
import { allElements } from '../../src/experts/find.ts';
import { getExpert } from '../../src/experts/registry.ts';
import type { TokenBatch } from '../../src/model/batch.ts';
import type { ModelConfig } from '../../src/model/config.ts';
import { flopsPerToken } from '../../src/model/flops.ts';
import { packExamples } from '../../src/model/packing.ts';
import { getTask } from '../../src/tasks/registry.ts';

const tokenizer = createTokenizer({ kind: 'bytes' });

const element = (bid: string, tag: string, more: Partial<ObsElement> = {}): ObsElement => ({
  bid,
  tag,
  role: 'generic',
  name: '',
  attributes: {},
  children: [],
  ...more,
});

/** body 1 > button 2, text input 3, checkbox 4, select 5 (Red, Blue), disabled button 8, read-only textarea 9. */
const page = element('1', 'body', {
  children: [
    element('2', 'button', { children: ['OK'] }),
    element('3', 'input', { attributes: { type: 'text' } }),
    element('4', 'input', { attributes: { type: 'checkbox' } }),
    element('5', 'select', {
      children: [
        element('6', 'option', { children: ['Red'] }),
        element('7', 'option', { children: [' Blue '] }),
      ],
    }),
    element('8', 'button', { disabled: true, children: ['Off'] }),
    element('9', 'textarea', { attributes: { readonly: '' } }),
  ],
});

const SMALL: CandidateOptions = {
  verbs: ['click', 'press'],
  textVerbs: ['fill'],
  keys: ['Enter', 'Tab'],
  waits: [0, 500],
  scrolls: [[0, 5000]],
};

const observationOf = (tree: ObsElement, text: string, utterance = 'Do it.'): Observation => ({
  utterance,
  tree,
  text,
  lastError: null,
  step: 0,
});
const viewOf = (observation: Observation): StepView => ({ observation, history: [], memory: {} });

describe('action candidates', () => {
  it('offers each element the verbs that fit it, options by their text, then waits and scrolls', () => {
    const candidates = actionCandidates(page, SMALL);
    const key = (bid: string): ActionCandidate => ({
      kind: 'key',
      head: `press("${bid}", "`,
      bid,
      keys: ['Enter', 'Tab'],
    });
    const click = (bid: string): ActionCandidate => ({ kind: 'complete', action: `click("${bid}")` });
    expect(candidates).toEqual([
      click('1'),
      key('1'),
      click('2'),
      key('2'),
      click('3'),
      key('3'),
      { kind: 'text', head: 'fill("3", "', verb: 'fill', bid: '3' },
      click('4'),
      key('4'),
      click('5'),
      key('5'),
      { kind: 'complete', action: 'select_option("5", "Red")' },
      { kind: 'complete', action: 'select_option("5", "Blue")' },
      click('6'),
      key('6'),
      click('7'),
      key('7'),
      key('8'), // disabled: no click
      click('9'),
      key('9'), // read-only: no fill
      { kind: 'complete', action: 'noop()' },
      { kind: 'complete', action: 'noop(500)' },
      { kind: 'complete', action: 'scroll(0, 5000)' },
    ]);
  });

  it('offers only the bids a text shows, in either observation format', () => {
    expect([...shownBids('[1] generic\n  [12] button "OK"\n  StaticText "[x]"')]).toEqual(['1', '12']);
    expect([...shownBids('<body bid="1">\n<button bid="2">OK</button>')]).toEqual(['1', '2']);
    const onlyTwo = actionCandidates(page, { ...SMALL, verbs: ['click'] }, new Set(['2']));
    expect(onlyTwo.map(candidatePrefix)).toEqual(['click("2")', 'noop()', 'noop(500)', 'scroll(0, 5000)']);
  });

  it('closes a text head at the first unescaped quote or line break, keeping escapes that parse', () => {
    const head = { kind: 'text', head: 'fill("5", "', verb: 'fill', bid: '5' } as const;
    expect(closeText(head, 'hello") and more')).toBe('fill("5", "hello")');
    expect(closeText(head, 'say \\"hi\\"")')).toBe('fill("5", "say \\"hi\\"")');
    expect(closeText(head, 'two\nlines')).toBe('fill("5", "two")');
    expect(closeText(head, '')).toBe('fill("5", "")');
    // A trailing backslash would escape the closing quote: written back plainly instead.
    expect(closeText(head, 'abc\\')).toBe('fill("5", "abc")');
    for (const written of ['hello")', 'say \\"hi\\"', 'abc\\', 'é"', '\\u0041"']) {
      const parsed = parseAction(closeText(head, written));
      expect(parsed.ok && parsed.action.kind === 'fill' && parsed.action.bid === '5', written).toBe(true);
    }
  });

  it('tells which actions the candidates allow', () => {
    const candidates = actionCandidates(page, SMALL);
    expect(allowedBy(candidates, 'click("2")')).toBe(true);
    expect(allowedBy(candidates, "click('2')")).toBe(true);
    expect(allowedBy(candidates, 'fill("3", "anything")')).toBe(true);
    expect(allowedBy(candidates, 'press("4", "Tab")')).toBe(true);
    expect(allowedBy(candidates, 'select_option("5", "Blue")')).toBe(true);
    expect(allowedBy(candidates, 'press("4", "Home")')).toBe(false);
    expect(allowedBy(candidates, 'click("8")')).toBe(false);
    expect(allowedBy(candidates, 'click("99")')).toBe(false);
    expect(allowedBy(candidates, 'fill("2", "x")')).toBe(false);
    expect(allowedBy(candidates, 'select_option("5", "Green")')).toBe(false);
    expect(allowedBy(candidates, 'click(')).toBe(false);
  });

  // Tasks that between them need every verb the experts use: click, fill, select, press, hover, wait, scroll.
  const TASKS = [
    'click-test',
    'click-button',
    'click-option',
    'enter-text',
    'login-user',
    'choose-list',
    'use-spinner',
    'form-sequence',
    'click-menu',
    'click-collapsible',
    'sign-agreement',
    'social-media',
    'text-editor',
  ];

  it('parse and name shown bids on task pages, and include every action the experts take', async () => {
    let steps = 0;
    let candidateCount = 0;
    for (const name of TASKS) {
      for (const format of ['axtree', 'html'] as const) {
        const env = new TaskEnv(new DomPageHost(getTask(name)), { format });
        const expert = expertPolicy(getExpert(name));
        const checked: StepPolicy = async (view) => {
          const { tree, text } = view.observation;
          const shown = shownBids(text);
          const existing = new Set(allElements(tree, (e) => e.bid !== '').map((e) => e.bid));
          const candidates = actionCandidates(tree, DEFAULT_CANDIDATE_OPTIONS, shown);
          const actions = candidates.flatMap((c) =>
            c.kind === 'complete' ? [c.action] : c.kind === 'key' ? keyActions(c) : [closeText(c, 'abc")')],
          );
          for (const action of actions) {
            const parsed = parseAction(action);
            expect(parsed.ok, `${name}: ${action}`).toBe(true);
            if (parsed.ok && 'bid' in parsed.action) {
              expect(
                existing.has(parsed.action.bid) && shown.has(parsed.action.bid),
                `${name}: ${action}`,
              ).toBe(true);
            }
          }
          const step = await expert(view);
          expect(allowedBy(candidates, step.action), `${name} (${format}): expert's ${step.action}`).toBe(
            true,
          );
          steps++;
          candidateCount += candidates.length;
          return step;
        };
        for (const seed of format === 'axtree' ? [100, 101] : [100]) {
          const episode = await runEpisode(env, checked, seed, name);
          expect(episode.success, `${name} seed ${seed}`).toBe(true);
        }
        env.dispose();
      }
    }
    expect(steps).toBeGreaterThan(50);
    expect(candidateCount / steps).toBeGreaterThan(5);
  });
});

describe('packGroups', () => {
  it('packs longest first into rows of the context, starting a group when rows x longest row would pass the limit', () => {
    // Lengths 5, 3, 4, 2 in rows of 8: 5 | 4 -> 5+3 | 4 -> 5+3 | 4+2, 2 rows of 8 = 16 tokens.
    expect(packGroups([5, 3, 4, 2], 8, 16)).toEqual([[0, 2, 1, 3]]);
    // With 12: 5 | 4 costs 10; adding 3 makes 2 x 8 = 16 > 12, so 3 and 2 start a second group.
    expect(packGroups([5, 3, 4, 2], 8, 12)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(packGroups([], 8, 12)).toEqual([]);
    expect(() => packGroups([9], 8, 16)).toThrow(/does not fit/);
  });
});

describe('a learned vocabulary', () => {
  it('encodes thought + marker and each candidate apart exactly as together, so a candidate read is the target read', () => {
    const texts = [
      'I click the okay button.\nAction: click("12")',
      'I type the name.\nAction: fill("5", "Gustav")',
      'The spinner shows 5; I press PageUp.\nAction: press("7", "PageUp")',
      'I choose Red.\nAction: select_option("4", "Red")',
      'I wait.\nAction: noop(500)',
    ];
    const learned = createTokenizer(learnVocabulary(texts, 200));
    expect(learned.vocabSize).toBeGreaterThan(300);
    for (const thought of ['I click the okay button.', 'The spinner shows 5; I press PageUp.', '']) {
      for (const action of ['click("12")', 'press("7", "PageUp")', 'select_option("4", "Red")', 'noop()']) {
        const apart = [...learned.encode(`${thought}\nAction:`), ...learned.encode(` ${action}`)];
        expect(apart).toEqual(learned.encode(targetText({ thought, action })));
      }
      const head = learned.encode(` fill("5", "`);
      const whole = learned.encode(`${thought}\nAction: fill("5", "Gustav")`);
      const prefix = learned.encode(`${thought}\nAction:`);
      expect(whole.slice(prefix.length, prefix.length + head.length)).toEqual(head);
    }
  });
});

describe('thoughtOf', () => {
  it('takes the text before the first Action: line, trimmed', () => {
    expect(thoughtOf(' I click OK.\nAction:')).toBe('I click OK.');
    expect(thoughtOf('I look.\n  Action: click("2")\nAction: noop()')).toBe('I look.');
    expect(thoughtOf('Action:')).toBe('');
    expect(thoughtOf('no marker at all ')).toBe('no marker at all');
  });
});

/**
 * A scripted engine: thoughts are `thought`, texts are `text`, and the log-prob of a sequence's
 * last token is its action's entry in `scores` (0 on every other token), so a candidate's score is
 * exactly its entry. Records every logProbs batch.
 */
class ScriptedEngine {
  readonly batches: TokenBatch[] = [];
  readonly generateCalls: { prompts: Int32Array[]; options: GenerateOptions }[] = [];

  constructor(
    private readonly scores: Record<string, number>,
    private readonly thought = 'I act.\nAction:',
    private readonly text = 'Ada") trailing',
  ) {}

  async generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
    this.generateCalls.push({ prompts: [...prompts], options });
    return prompts.map((prompt) => {
      const written = prompt.at(-1) === START_OF_TARGET ? this.thought : this.text;
      const tokens = Int32Array.from(tokenizer.encode(written));
      return { tokens, logProbs: new Float32Array(tokens.length).fill(-1), finish: 'stop' as const };
    });
  }

  async logProbs(batch: TokenBatch): Promise<Float32Array> {
    this.batches.push(batch);
    const { batchSize: B, seqLen: T, tokens, segments, targets } = batch;
    const out = new Float32Array(B * T);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        const segment = segments![i];
        if (segment === -1 || (t + 1 < T && segments![i + 1] === segment)) continue;
        // The last position of a sequence: read the whole sequence back.
        let start = t;
        while (start > 0 && segments![b * T + start - 1] === segment) start--;
        const sequence = [...tokens.subarray(b * T + start, i + 1), targets![i]!];
        const text = tokenizer.decode(sequence.filter((id) => id < 256));
        const action = text.slice(text.lastIndexOf('Action: ') + 'Action: '.length);
        const complete = sequence.at(-1) === END_OF_TARGET;
        out[i] = this.scores[complete ? action : `${action}...`] ?? -50;
      }
    }
    return out;
  }
}

const twoButtons = observationOf(
  element('1', 'body', { children: [element('2', 'button', { children: ['OK'] })] }),
  '[1] generic\n[2] button "OK"',
);
const CLICKS_ONLY: CandidateOptions = { verbs: ['click'], textVerbs: [], keys: [], waits: [0], scrolls: [] };

const baseOptions = (more: Partial<ConstrainedPolicyOptions> = {}): ConstrainedPolicyOptions => ({
  tokenizer,
  context: 256,
  prompt: { historyLength: 2, errorLogFeedback: true },
  temperature: 1,
  maxNewTokens: 64,
  seed: 11,
  batchSize: 100,
  flushAfterMs: 1,
  maxBatchTokens: 1024,
  candidates: CLICKS_ONLY,
  ...more,
});

describe('ConstrainedModelPolicy with a scripted engine', () => {
  /** Chi-square of counts against probabilities (2 degrees of freedom here: 13.8 is p = 0.001). */
  const chiSquare = (counts: number[], probabilities: number[], n: number): number =>
    counts.reduce((sum, c, i) => sum + (c - n * probabilities[i]!) ** 2 / (n * probabilities[i]!), 0);

  for (const [temperature, expected] of [
    [1, [0.2, 0.5, 0.3]],
    // exp(log p / 0.5) = p^2: 0.04, 0.25, 0.09 over 0.38.
    [0.5, [0.04 / 0.38, 0.25 / 0.38, 0.09 / 0.38]],
  ] as const) {
    it(`draws candidates with probability exp(score / T) normalised (T = ${temperature})`, async () => {
      const engine = new ScriptedEngine({
        'click("1")': Math.log(0.2),
        'click("2")': Math.log(0.5),
        'noop()': Math.log(0.3),
      });
      const policy = new ConstrainedModelPolicy(
        engine,
        baseOptions({ temperature, maxBatchTokens: 32 * 1024 }),
      );
      const actions = ['click("1")', 'click("2")', 'noop()'];
      const counts = [0, 0, 0];
      const draws = 5000;
      for (let round = 0; round < draws / 100; round++) {
        const steps = await Promise.all(Array.from({ length: 100 }, () => policy.policy(viewOf(twoButtons))));
        for (const step of steps) counts[actions.indexOf(step.action)]!++;
      }
      expect(counts.reduce((a, b) => a + b, 0)).toBe(draws);
      expect(chiSquare(counts, [...expected], draws)).toBeLessThan(13.8);
      expect(policy.stats.batches).toBe(draws / 100);
      // One generate call (thoughts) and one logProbs call per batch: 300 candidates of ~70 tokens fit 128 rows of 256;
      // away from T = 1 a second call reads the chosen targets at the sampling temperature.
      expect(policy.stats.calls).toBe(draws / 100);
      expect(policy.stats.logProbCalls).toBe(((temperature === 1 ? 1 : 2) * draws) / 100);
      expect(policy.stats.candidates).toBe(3 * draws);
    });
  }

  it('takes the best candidate at temperature 0 and samples reproducibly from its seed', async () => {
    const scores = { 'click("1")': -2, 'click("2")': -1.5, 'noop()': -1.6 };
    const greedy = new ConstrainedModelPolicy(new ScriptedEngine(scores), baseOptions({ temperature: 0 }));
    const steps = await Promise.all(Array.from({ length: 20 }, () => greedy.policy(viewOf(twoButtons))));
    expect(new Set(steps.map((s) => s.action))).toEqual(new Set(['click("2")']));

    const run = async (seed: number): Promise<string[]> => {
      const policy = new ConstrainedModelPolicy(new ScriptedEngine(scores), baseOptions({ seed }));
      const out = await Promise.all(Array.from({ length: 40 }, () => policy.policy(viewOf(twoButtons))));
      return out.map((s) => s.action);
    };
    expect(await run(5)).toEqual(await run(5));
    expect(await run(5)).not.toEqual(await run(6));
  });

  it('gives the sample the canonical target, its log-probs from the scoring read, and counts the reads', async () => {
    const engine = new ScriptedEngine({ 'click("2")': -0.25 });
    const policy = new ConstrainedModelPolicy(engine, baseOptions({ temperature: 0, batchSize: 1 }));
    const step = await policy.policy(viewOf(twoButtons));
    expect(step).toMatchObject({ thought: 'I act.', action: 'click("2")' });
    const sample = step.sample!;
    const target = [...tokenizer.encode('I act.\nAction: click("2")'), END_OF_TARGET];
    expect(Array.from(sample.tokens)).toEqual(target);
    expect(sample.logProbs.length).toBe(target.length);
    expect(sample.logProbs.at(-1)).toBe(-0.25);
    expect(Array.from(sample.logProbs.subarray(0, -1)).every((v) => v === 0)).toBe(true);
    // No read beyond the three candidates: the chosen one's read is the sample's.
    expect(engine.batches.length).toBe(1);
    const prompt = sample.prompt.length;
    const lengths = ['click("1")', 'click("2")', 'noop()'].map(
      (a) => prompt + tokenizer.encode(`I act.\nAction: ${a}`).length + 1 - 1,
    );
    expect(policy.stats.scoredSequences).toBe(3);
    expect(policy.stats.scoredTokens).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(policy.stats.scoredTokenSquares).toBe(lengths.reduce((a, b) => a + b * b, 0));
    const shape = { layers: 1, width: 16, heads: 2, ffWidth: 32, vocabSize: 259 };
    const perSequence = lengths.map((s) => s * flopsPerToken(shape, s, 'generated'));
    expect(extraInferenceFlops(shape, policy.stats)).toBeCloseTo(
      perSequence.reduce((a, b) => a + b, 0),
      0,
    );
  });

  it('writes the text of a chosen fill after its head, closes it, and reads the final target once', async () => {
    const field = observationOf(
      element('1', 'body', { children: [element('3', 'input', { attributes: { type: 'text' } })] }),
      '[1] generic\n[3] textbox ""',
    );
    const engine = new ScriptedEngine(
      { 'fill("3", "...': -0.1, 'noop()': -3 },
      'I type.\nAction:',
      'Ada") x',
    );
    const options = baseOptions({
      temperature: 0,
      batchSize: 1,
      candidates: { ...CLICKS_ONLY, textVerbs: ['fill', 'type'] },
    });
    const policy = new ConstrainedModelPolicy(engine, options);
    const step = await policy.policy(viewOf(field));
    expect(step).toMatchObject({ thought: 'I type.', action: 'fill("3", "Ada")' });
    // The text was generated after prompt + thought + marker + head, stopping at a quote or END.
    const textCall = engine.generateCalls[1]!;
    expect(tokenizer.decode(textCall.prompts[0]!).endsWith('I type.\nAction: fill("3", "')).toBe(true);
    expect(textCall.options.stopSequences).toContainEqual([END_OF_TARGET]);
    expect(textCall.options.stopSequences).toContainEqual(tokenizer.encode('"'));
    // click 1, click 3, fill head, type head, noop: five scored; then one read of the final target.
    expect(engine.batches.length).toBe(2);
    expect(policy.stats.candidates).toBe(5);
    const final = engine.batches[1]!;
    expect(final.batchSize).toBe(1);
    expect(Array.from(step.sample!.tokens)).toEqual([
      ...tokenizer.encode('I type.\nAction: fill("3", "Ada")'),
      END_OF_TARGET,
    ]);
    expect(step.sample!.logProbs.at(-1)).toBe(-50); // the scripted value of an unlisted complete action
  });

  it('appends the marker when the model ends its thought without one, and keeps every batch within maxBatchTokens', async () => {
    const engine = new ScriptedEngine({ 'noop()': -0.1 }, 'Just thinking');
    const policy = new ConstrainedModelPolicy(
      engine,
      baseOptions({
        temperature: 0,
        batchSize: 8,
        maxBatchTokens: 256,
        candidates: DEFAULT_CANDIDATE_OPTIONS,
      }),
    );
    const steps = await Promise.all(Array.from({ length: 8 }, () => policy.policy(viewOf(twoButtons))));
    for (const step of steps) {
      expect(step).toMatchObject({ thought: 'Just thinking', action: 'noop()' });
      expect(tokenizer.decode(step.sample!.tokens)).toBe('Just thinking\nAction: noop()');
    }
    expect(engine.batches.length).toBeGreaterThan(8);
    for (const batch of engine.batches) expect(batch.batchSize * batch.seqLen).toBeLessThanOrEqual(256);
  });

  it('rejects options it cannot serve with what to change', () => {
    const engine = new ScriptedEngine({});
    expect(() => new ConstrainedModelPolicy(engine, baseOptions({ maxBatchTokens: 100 }))).toThrow(
      /maxTokens/,
    );
    expect(() => new ConstrainedModelPolicy(engine, baseOptions({ maxNewTokens: 255 }))).toThrow(/no room/);
  });
});

describe('ConstrainedModelPolicy on an untrained CPU model', () => {
  const config: ModelConfig = {
    layers: 1,
    width: 16,
    heads: 2,
    ffWidth: 32,
    context: 256,
    vocabSize: tokenizer.vocabSize,
    positions: 'rotary',
  };
  const NEW_TOKENS = 64;
  /** Every kind of candidate, fewer of each: the float64 reference reads a sequence in ~20 ms. */
  const FEWER: CandidateOptions = {
    verbs: ['click', 'press'],
    textVerbs: ['fill'],
    keys: ['Enter', 'Tab'],
    waits: [0],
    scrolls: [[0, 5000]],
  };
  const cpuOptions = (more: Partial<ConstrainedPolicyOptions> = {}): ConstrainedPolicyOptions => ({
    tokenizer,
    context: config.context,
    // No history: a drawn text (control bytes escaped six characters each) could crowd out the goal.
    prompt: { historyLength: 0, errorLogFeedback: true },
    temperature: 1,
    maxNewTokens: NEW_TOKENS,
    seed: 3,
    batchSize: 4,
    flushAfterMs: 1,
    maxBatchTokens: 4 * config.context,
    ...more,
  });

  /**
   * An untrained byte model never writes "Action:" and half its bytes are broken UTF-8 (three bytes
   * each once re-encoded), so its thoughts would fill the budget and leave room for noop() alone:
   * thoughts are kept to a few tokens here so that every kind of candidate fits.
   */
  class ShortThoughts extends CpuEngine {
    override generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
      const thinking = prompts.every((prompt) => prompt.at(-1) === START_OF_TARGET);
      return super.generate(prompts, thinking ? { ...options, maxNewTokens: 4 } : options);
    }
  }

  /** log p of a target after a prompt, each token's, read on its own. */
  const readAlone = async (
    engine: CpuEngine,
    prompt: ArrayLike<number>,
    target: number[],
    temperature = 1,
  ): Promise<number[]> => {
    const example = { prompt, target };
    const packed = packExamples([example], { context: config.context, packing: false, padding: PADDING });
    const values = await engine.logProbs({ ...packed.batch, temperature });
    return Array.from(values.subarray(prompt.length - 1, prompt.length - 1 + target.length));
  };

  it('emits only allowed actions naming shown bids, with samples the engine scores the same', async () => {
    const engine = new ShortThoughts();
    await engine.create(config, 1);
    const verbs = new Set<string>();
    const tasks = ['click-test', 'click-button', 'enter-text', 'click-option'];
    const envs = tasks.map(
      (name) => new TaskEnv(new DomPageHost(getTask(name)), { format: 'axtree', maxSteps: 2 }),
    );
    let checkedSteps = 0;
    for (const seed of [7, 8]) {
      // An untrained model's scores favour the shortest action (each byte costs about ln 259); a hot
      // temperature spreads the draws over every kind of candidate.
      const policy = new ConstrainedModelPolicy(
        engine,
        cpuOptions({ seed, temperature: 25, candidates: FEWER }),
      );
      const recorded: { view: StepView; step: PolicyStep }[] = [];
      const recording: StepPolicy = async (view) => {
        const step = await policy.policy(view);
        // runEpisode appends to the history it passed: keep the one this step saw.
        recorded.push({ view: { ...view, history: [...view.history] }, step });
        return step;
      };
      const episodes = await Promise.all(
        envs.map((env, i) => runEpisode(env, recording, 100 + seed, tasks[i]!)),
      );
      for (const episode of episodes) {
        for (const step of episode.steps) {
          // Well-formed and on an element that exists: the page took it without complaint.
          expect(step.error, `${episode.task}: ${step.action}`).toBeNull();
        }
      }
      for (const { view, step } of recorded) {
        const prompt = encodePrompt(
          tokenizer,
          {
            goal: view.observation.utterance,
            observation: view.observation.text,
            history: view.history,
            lastError: view.observation.lastError,
          },
          cpuOptions().prompt,
          config.context - NEW_TOKENS,
        );
        const shown = shownBids(tokenizer.decode(prompt.tokens));
        const candidates = actionCandidates(view.observation.tree, FEWER, shown);
        expect(allowedBy(candidates, step.action), step.action).toBe(true);
        const parsed = parseAction(step.action);
        if (parsed.ok && 'bid' in parsed.action) expect(shown.has(parsed.action.bid)).toBe(true);
        const sample = step.sample!;
        expect(Array.from(sample.prompt)).toEqual(prompt.tokens);
        expect(tokenizer.decode(sample.tokens)).toBe(targetText(step));
        expect(sample.tokens.at(-1)).toBe(END_OF_TARGET);
        expect(sample.tokens.length).toBeLessThanOrEqual(NEW_TOKENS);
        // The sample's log-probs are the policy's at its sampling temperature, as RL's loss reads them.
        const alone = await readAlone(engine, sample.prompt, Array.from(sample.tokens), 25);
        alone.forEach((value, t) => expect(sample.logProbs[t]).toBeCloseTo(value, 5));
        checkedSteps++;
        verbs.add(step.action.slice(0, step.action.indexOf('(')));
      }
      expect(policy.stats.scoredTokens).toBeGreaterThan(0);
    }
    for (const env of envs) env.dispose();
    expect(checkedSteps).toBeGreaterThanOrEqual(8);
    // Beyond noop: complete, key and text candidates were all drawn somewhere.
    expect(verbs.size, [...verbs].join(', ')).toBeGreaterThanOrEqual(3);
  });

  it('writes a text the model generates into a fill or type, and scores the whole target', async () => {
    const engine = new ShortThoughts();
    await engine.create(config, 4);
    const env = new TaskEnv(new DomPageHost(getTask('enter-text')), { format: 'axtree' });
    const observation = (await env.reset(31)).observation!;
    const field = allElements(observation.tree, (e) => e.role === 'textbox')[0]!;
    const onlyText: CandidateOptions = {
      verbs: [],
      textVerbs: ['fill', 'type'],
      keys: [],
      waits: [],
      scrolls: [],
    };
    const policy = new ConstrainedModelPolicy(engine, cpuOptions({ candidates: onlyText, batchSize: 3 }));
    const steps = await Promise.all([1, 2, 3].map(() => policy.policy(viewOf(observation))));
    expect(policy.stats.calls).toBe(2); // thoughts, then texts
    for (const step of steps) {
      const parsed = parseAction(step.action);
      expect(parsed.ok && (parsed.action.kind === 'fill' || parsed.action.kind === 'type'), step.action).toBe(
        true,
      );
      expect(parsed.ok && 'bid' in parsed.action && parsed.action.bid).toBe(field.bid);
      expect(tokenizer.decode(step.sample!.tokens)).toBe(targetText(step));
      const alone = await readAlone(engine, step.sample!.prompt, Array.from(step.sample!.tokens));
      alone.forEach((value, t) => expect(step.sample!.logProbs[t]).toBeCloseTo(value, 5));
      expect((await env.step(step.action)).error).toBeNull();
    }
    env.dispose();
  });

  const NO_WAITS: CandidateOptions = { ...DEFAULT_CANDIDATE_OPTIONS, waits: [], scrolls: [] };

  it('at temperature 0 chooses the argmax of candidate scores read one by one', async () => {
    const engine = new ShortThoughts();
    await engine.create(config, 2);
    const tasks = ['click-button', 'enter-text', 'click-option'];
    for (const [i, name] of tasks.entries()) {
      const env = new TaskEnv(new DomPageHost(getTask(name)), { format: 'axtree' });
      const observation = (await env.reset(20 + i)).observation!;
      env.dispose();
      // No waits or scrolls: an untrained model's best would be the short noop(), too easy a check.
      const options = cpuOptions({ temperature: 0, batchSize: 1, candidates: NO_WAITS });
      const policy = new ConstrainedModelPolicy(engine, options);
      const step = await policy.policy(viewOf(observation));
      const prompt = step.sample!.prompt;
      const shown = shownBids(tokenizer.decode(prompt));
      const candidates = actionCandidates(observation.tree, NO_WAITS, shown);
      const prefix = tokenizer.encode(`${step.thought}\nAction:`);
      // By hand: each candidate that fits, read alone; its score is the sum over its own tokens.
      const scoreOf = async (text: string, complete: boolean): Promise<number> => {
        const tail = [...tokenizer.encode(` ${text}`), ...(complete ? [END_OF_TARGET] : [])];
        const values = await readAlone(engine, prompt, [...prefix, ...tail]);
        return values.slice(prefix.length).reduce((a, b) => a + b, 0);
      };
      let best = { score: -Infinity, candidate: candidates[0]! };
      let compared = 0;
      for (const candidate of candidates) {
        const close = candidate.kind === 'text' ? tokenizer.encode('")').length + 1 : 1;
        const needs =
          candidate.kind === 'key'
            ? Math.min(...keyActions(candidate).map((a) => tokenizer.encode(` ${a}`).length + 1))
            : tokenizer.encode(` ${candidatePrefix(candidate)}`).length + close;
        if (prefix.length + needs > options.maxNewTokens) continue;
        const score = await scoreOf(candidatePrefix(candidate), candidate.kind === 'complete');
        if (score > best.score) best = { score, candidate };
        compared++;
      }
      expect(compared, name).toBeGreaterThanOrEqual(6);
      const chosen = best.candidate;
      if (chosen.kind === 'complete') {
        expect(step.action, name).toBe(chosen.action);
      } else if (chosen.kind === 'text') {
        expect(step.action.startsWith(chosen.head), `${name}: ${step.action} after ${chosen.head}`).toBe(
          true,
        );
      } else {
        let bestKey = { score: -Infinity, action: '' };
        for (const action of keyActions(chosen)) {
          if (prefix.length + tokenizer.encode(` ${action}`).length + 1 > options.maxNewTokens) continue;
          const score = await scoreOf(action, true);
          if (score > bestKey.score) bestKey = { score, action };
        }
        expect(step.action, name).toBe(bestKey.action);
      }
    }
  });
});
