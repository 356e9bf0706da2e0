import type { StepView } from '../../src/env/episode.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkLlmEndpoint,
  LLM_SYSTEM_PROMPT,
  LlmEndpointError,
  llmPolicy,
  type LlmSettings,
} from '../../src/agent/llm-policy.ts';
import { ModelPolicy, generationSeed, type ModelPolicyOptions } from '../../src/agent/model-policy.ts';
import { encodePrompt, promptText } from '../../src/agent/prompt.ts';
import { expertTeacher } from '../../src/agent/teacher.ts';
import { createTokenizer, END_OF_TARGET, START_OF_TARGET } from '../../src/agent/tokenizer.ts';
import type { Observation } from '../../src/env/env.ts';
import type { GenerateOptions, Generation } from '../../src/engine/engine.ts';

const tokenizer = createTokenizer({ kind: 'bytes' });

function view(goal: string, text: string, history: string[] = [], lastError: string | null = null): StepView {
  const observation: Observation = {
    utterance: goal,
    tree: { bid: '', tag: 'body', role: 'generic', name: '', attributes: {}, children: [] },
    text,
    lastError,
    step: history.length,
  };
  return { observation, history, memory: {} };
}

/** Records every generate call and answers each prompt with the scripted target of its goal. */
class FakeEngine {
  readonly calls: { prompts: Int32Array[]; options: GenerateOptions }[] = [];
  failWith: Error | null = null;
  delayMs = 0;

  constructor(private readonly answer: (prompt: string) => string) {}

  async generate(prompts: readonly Int32Array[], options: GenerateOptions): Promise<Generation[]> {
    this.calls.push({ prompts: [...prompts], options });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failWith) throw this.failWith;
    return prompts.map((prompt) => {
      const tokens = Int32Array.from([
        ...tokenizer.encode(this.answer(tokenizer.decode(prompt))),
        END_OF_TARGET,
      ]);
      return {
        tokens,
        logProbs: Float32Array.from(tokens, (_, i) => -0.5 * (i + 1)),
        finish: 'stop' as const,
      };
    });
  }
}

const goalOf = (prompt: string): string => /^Goal: (.*)$/m.exec(prompt)?.[1] ?? '?';
const scripted = (prompt: string): string =>
  `I act on ${goalOf(prompt)}.\nAction: click("${goalOf(prompt)}")`;

const options: ModelPolicyOptions = {
  tokenizer,
  context: 256,
  prompt: { historyLength: 2, errorLogFeedback: true },
  temperature: 0.25,
  maxNewTokens: 64,
  seed: 7,
  batchSize: 3,
  flushAfterMs: 20,
};

describe('ModelPolicy', () => {
  it('batches steps by batchSize and answers each with its own generation', async () => {
    const engine = new FakeEngine(scripted);
    const model = new ModelPolicy(engine, options);
    const steps = await Promise.all(
      ['a', 'b', 'c'].map((goal) => model.policy(view(goal, '[1] button "Go"'))),
    );
    expect(engine.calls).toHaveLength(1);
    expect(engine.calls[0]?.prompts).toHaveLength(3);
    expect(steps.map((step) => step.action)).toEqual(['click("a")', 'click("b")', 'click("c")']);
    expect(steps[1]?.thought).toBe('I act on b.');

    const sample = steps[1]?.sample;
    if (!sample) throw new Error('a model step has a sample');
    const expected = encodePrompt(
      tokenizer,
      { goal: 'b', observation: '[1] button "Go"', history: [], lastError: null },
      options.prompt,
      192,
    );
    expect(Array.from(sample.prompt)).toEqual(expected.tokens);
    expect(sample.prompt.at(-1)).toBe(START_OF_TARGET);
    expect(tokenizer.decode(sample.tokens)).toBe('I act on b.\nAction: click("b")');
    expect(sample.tokens.at(-1)).toBe(END_OF_TARGET);
    expect(sample.logProbs).toHaveLength(sample.tokens.length);
    expect(sample.logProbs[0]).toBeCloseTo(-0.5);
    expect(sample.truncated).toBe(false);

    const generated = steps.reduce((sum, step) => sum + (step.sample?.tokens.length ?? 0), 0);
    const promptTokens = engine.calls[0]?.prompts.reduce((sum, prompt) => sum + prompt.length, 0);
    expect(model.stats).toEqual({ calls: 1, prompts: 3, promptTokens, generatedTokens: generated });
  });

  it('passes temperature, length, stop sequence and a distinct seed per call', async () => {
    const engine = new FakeEngine(scripted);
    const model = new ModelPolicy(engine, { ...options, temperature: 0, batchSize: 1 });
    await model.policy(view('a', 'x'));
    await model.policy(view('b', 'y'));
    expect(engine.calls.map((call) => call.options)).toEqual([
      { maxNewTokens: 64, temperature: 0, seed: generationSeed(7, 0), stopSequences: [[END_OF_TARGET]] },
      { maxNewTokens: 64, temperature: 0, seed: generationSeed(7, 1), stopSequences: [[END_OF_TARGET]] },
    ]);
    expect(generationSeed(7, 0)).not.toBe(generationSeed(7, 1));
    expect(generationSeed(8, 0)).not.toBe(generationSeed(7, 0));
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => generationSeed(3, i)));
    expect(seeds.size).toBe(1000);
    for (const seed of seeds) expect(seed >>> 0).toBe(seed);
  });

  it('flushes a partial batch when no new step comes for flushAfterMs', async () => {
    const engine = new FakeEngine(scripted);
    const model = new ModelPolicy(engine, { ...options, batchSize: 8, flushAfterMs: 30 });
    const started = performance.now();
    const first = model.policy(view('a', 'x'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(engine.calls).toHaveLength(0);
    const second = model.policy(view('b', 'x'));
    const steps = await Promise.all([first, second]);
    // The timer restarted with the second step: at least 10 + 30 ms after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    expect(engine.calls).toHaveLength(1);
    expect(engine.calls[0]?.prompts).toHaveLength(2);
    expect(steps.map((step) => step.action)).toEqual(['click("a")', 'click("b")']);
  });

  it('runs one generate call at a time; steps that come meanwhile form the next batch', async () => {
    const engine = new FakeEngine(scripted);
    engine.delayMs = 40;
    const model = new ModelPolicy(engine, { ...options, batchSize: 2, flushAfterMs: 5 });
    const firstBatch = [model.policy(view('a', 'x')), model.policy(view('b', 'x'))];
    await new Promise((resolve) => setTimeout(resolve, 10));
    const late = [model.policy(view('c', 'x')), model.policy(view('d', 'x')), model.policy(view('e', 'x'))];
    const steps = await Promise.all([...firstBatch, ...late]);
    expect(steps.map((step) => step.action)).toEqual(['a', 'b', 'c', 'd', 'e'].map((g) => `click("${g}")`));
    expect(engine.calls.map((call) => call.prompts.length)).toEqual([2, 2, 1]);
    expect(model.stats.calls).toBe(3);
    expect(model.stats.prompts).toBe(5);
  });

  it('keeps prompts within context - maxNewTokens, cutting the observation', async () => {
    const engine = new FakeEngine(scripted);
    const model = new ModelPolicy(engine, { ...options, batchSize: 1, context: 128, maxNewTokens: 32 });
    const longPage = Array.from({ length: 50 }, (_, i) => `[${i}] button "Item ${i}"`).join('\n');
    const step = await model.policy(view('a', longPage, ['click("1")', 'click("2")', 'click("3")'], 'Boom.'));
    expect(step.sample?.prompt.length).toBeLessThanOrEqual(96);
    expect(step.sample?.prompt.length).toBeGreaterThan(90);
    expect(step.sample?.truncated).toBe(true);
    const text = tokenizer.decode(step.sample?.prompt ?? []);
    expect(text).toContain('Previous actions: click("2"); click("3")\nLast error: Boom.\nPage:\n[0] button');
    expect(
      promptText({ goal: 'a', observation: longPage, history: [], lastError: null }, options.prompt).length,
    ).toBeGreaterThan(96);
  });

  it('rejects every step of a failed batch with the error, and goes on with the next', async () => {
    const engine = new FakeEngine(scripted);
    engine.failWith = new Error('GPU device lost: reload the page.');
    const model = new ModelPolicy(engine, { ...options, batchSize: 2 });
    const results = await Promise.allSettled([model.policy(view('a', 'x')), model.policy(view('b', 'x'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/GPU device lost/);
    engine.failWith = null;
    const next = await Promise.all([model.policy(view('c', 'x')), model.policy(view('d', 'x'))]);
    expect(next.map((step) => step.action)).toEqual(['click("c")', 'click("d")']);
  });

  it('rejects a step whose fixed prompt part does not fit, and a context without room', async () => {
    const model = new ModelPolicy(new FakeEngine(scripted), { ...options, context: 80, maxNewTokens: 64 });
    await expect(model.policy(view('a long goal that does not fit at all', 'x'))).rejects.toThrow(
      /raise the model's context/,
    );
    expect(
      () => new ModelPolicy(new FakeEngine(scripted), { ...options, context: 64, maxNewTokens: 64 }),
    ).toThrow(/no room for a prompt/);
  });

  it('parses a generation without "Action:" as the action itself', async () => {
    const model = new ModelPolicy(new FakeEngine(() => 'click("9")'), { ...options, batchSize: 1 });
    const step = await model.policy(view('a', 'x'));
    expect(step).toMatchObject({ thought: '', action: 'click("9")' });
  });
});

describe('expertTeacher', () => {
  const page = (): StepView => {
    const base = view('Click the button.', '[4] button "Click Me!"');
    const button = {
      bid: '4',
      tag: 'button',
      role: 'button',
      name: 'Click Me!',
      attributes: {},
      children: [],
    };
    return {
      ...base,
      observation: { ...base.observation, tree: { ...base.observation.tree, children: [button] } },
    };
  };

  it('is the task expert without noise, a random action with noise 1', async () => {
    expect(await expertTeacher('click-test', 0, 1)(page())).toEqual({
      thought: 'There is one button; I click it.',
      action: 'click("4")',
    });
    const noisy = expertTeacher('click-test', 1, 1);
    for (let i = 0; i < 5; i++) expect((await noisy(page())).thought).toBe('I act at random.');
  });

  it('rejects unknown tasks and bad error rates', () => {
    expect(() => expertTeacher('no-such-task', 0, 1)).toThrow(/No expert for task "no-such-task"/);
    expect(() => expertTeacher('click-test', 1.5, 1)).toThrow(/errorRate must be a probability/);
  });
});

describe('llmPolicy against a local server', () => {
  const KEY = 'sk-secret-key-123';
  const received: { method: string; url: string; authorization: string | undefined; body: unknown }[] = [];
  /** What the server does for each model name, so one server plays every case. */
  const behaviours: Record<string, (res: ServerResponse) => void> = {
    good: (res) =>
      json(res, 200, {
        choices: [{ message: { role: 'assistant', content: 'I click OK.\nAction: click("12")' } }],
      }),
    echo: (res) =>
      json(res, 200, {
        choices: [{ message: { content: `You sent Bearer ${KEY}.\nAction: fill("12", "${KEY}")` } }],
      }),
    broken: (res) => json(res, 500, { error: { message: 'CUDA out of memory' } }),
    locked: (res) => json(res, 401, { error: { message: `Invalid key ${KEY}` } }),
    missing: (res) => json(res, 404, { error: 'model not found' }),
    garbled: (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"choices": [');
    },
    empty: (res) => json(res, 200, { id: 'x', object: 'chat.completion' }),
    slow: () => undefined,
  };
  let server: Server;
  let baseUrl = '';

  function json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const body = text === '' ? null : (JSON.parse(text) as { model?: string });
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
          body,
        });
        if (req.method === 'GET' && req.url === '/v1/models')
          return json(res, 200, { data: [{ id: 'good' }, { id: 'other' }] });
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
          return json(res, 404, { error: 'no route' });
        (behaviours[body?.model ?? ''] ?? behaviours.missing)?.(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const settings = (model: string, apiKey = KEY): LlmSettings => ({
    baseUrl: `${baseUrl}/`,
    model,
    apiKey,
    temperature: 0,
    maxTokens: 128,
  });
  const prompt = { historyLength: 3, errorLogFeedback: true };
  const step = view('Click "OK".', '[12] button "OK"', ['click("3")'], 'No element with bid "3".');
  async function failure(model: string, timeoutMs?: number): Promise<LlmEndpointError> {
    const error = await Promise.resolve(
      llmPolicy(settings(model), { prompt, ...(timeoutMs ? { timeoutMs } : {}) })(step),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmEndpointError);
    expect((error as Error).message).not.toContain(KEY);
    return error as LlmEndpointError;
  }

  it('asks for a completion and parses the answer', async () => {
    received.length = 0;
    expect(await llmPolicy(settings('good'), { prompt })(step)).toEqual({
      thought: 'I click OK.',
      action: 'click("12")',
    });
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toEqual({
      model: 'good',
      messages: [
        { role: 'system', content: LLM_SYSTEM_PROMPT },
        {
          role: 'user',
          content: promptText(
            {
              goal: 'Click "OK".',
              observation: '[12] button "OK"',
              history: ['click("3")'],
              lastError: 'No element with bid "3".',
            },
            prompt,
          ),
        },
      ],
      temperature: 0,
      max_tokens: 128,
    });
    expect(LLM_SYSTEM_PROMPT).toContain('select_option(bid, option)');
    expect(LLM_SYSTEM_PROMPT).toContain('select_text(bid, text)');
    expect(LLM_SYSTEM_PROMPT).toContain('Action: click("12")');

    received.length = 0;
    await llmPolicy(settings('good', ''), { prompt })(step);
    expect(received[0]?.authorization).toBeUndefined();
  });

  it('takes the key out of an answer that echoes it, before the action reaches the page', async () => {
    received.length = 0;
    expect(await llmPolicy(settings('echo'), { prompt })(step)).toEqual({
      thought: 'You sent Bearer [API key].',
      action: 'fill("12", "[API key]")',
    });
    expect(received[0]?.authorization).toBe(`Bearer ${KEY}`);
  });

  it('reports HTTP errors with what to do', async () => {
    expect((await failure('broken')).message).toBe(
      `The LLM endpoint at ${baseUrl}/chat/completions answered HTTP 500 (CUDA out of memory).`,
    );
    const locked = await failure('locked');
    expect(locked.message).toMatch(
      /HTTP 401 \(Invalid key \[API key\]\): check the API key in the teacher settings \(the CLI reads it from LAB_LLM_API_KEY;/,
    );
    expect((await failure('missing')).message).toMatch(
      /HTTP 404 \(model not found\): check that the base URL ends with \/v1 .* "missing"/,
    );
  });

  it('reports malformed answers, answers without choices and timeouts', async () => {
    expect((await failure('garbled')).message).toMatch(/not JSON \(\{"choices": \[\)/);
    expect((await failure('empty')).message).toMatch(/without choices\[0\]\.message\.content/);
    expect((await failure('slow', 150)).message).toMatch(/did not answer within 0\.1 s/);
  });

  it('reports an unreachable endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = { ...settings('good'), baseUrl: `http://127.0.0.1:${port}/v1` };
    const error = await Promise.resolve(llmPolicy(unreachable, { prompt })(step)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmEndpointError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Could not reach the LLM endpoint at http://127\\.0\\.0\\.1:${port}/v1/chat/completions: .*ECONNREFUSED.*\\. Start the server or fix the base URL in the teacher settings\\.$`,
      ),
    );
    await expect(checkLlmEndpoint(unreachable)).rejects.toThrow(
      /Could not reach the LLM endpoint at .*\/v1\/models/,
    );
  });

  it('checks an endpoint: listed model, unlisted model that answers, failures', async () => {
    expect(await checkLlmEndpoint(settings('good'))).toBe(`${baseUrl} serves good (2 models listed).`);
    received.length = 0;
    // Not in the list: a one-token completion decides.
    await expect(checkLlmEndpoint(settings('broken'))).rejects.toThrow(/HTTP 500 \(CUDA out of memory\)/);
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/models',
      'POST /v1/chat/completions',
    ]);
    expect((received[1]?.body as { max_tokens?: number }).max_tokens).toBe(1);
    const locked = await checkLlmEndpoint(settings('locked')).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(LlmEndpointError);
    expect((locked as Error).message).not.toContain(KEY);
  });
});
