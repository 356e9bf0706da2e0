import { ACTION_USAGE } from '../env/actions.ts';
import type { StepPolicy } from '../env/episode.ts';
import { parseTarget, promptText, viewContext, type PromptOptions } from './prompt.ts';

/** An OpenAI-compatible chat-completions endpoint (the teacher.llm settings of a run). */
export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey: string;
  temperature: number;
  maxTokens: number;
}

export interface LlmPolicyOptions {
  readonly prompt: PromptOptions;
  readonly fetch?: typeof fetch;
  /** How long one answer may take (default 120 s: a large teacher on a busy server is slow). */
  readonly timeoutMs?: number;
}

/** The environment variable the CLI takes the LLM teacher's key from (keys are never stored). */
export const LLM_API_KEY_VARIABLE = 'LAB_LLM_API_KEY';

/** The endpoint could not give an answer; the message says what to change. It never holds the API key. */
export class LlmEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmEndpointError';
  }
}

export const LLM_SYSTEM_PROMPT = [
  'You act on a web page to reach a goal. Each turn you read the goal, your previous actions, the',
  'error of your last action if it failed, and the page, where every element you can act on has an',
  'id in square brackets, e.g. [12] button "OK".',
  `Actions (bid is the element's id in quotes): ${ACTION_USAGE}.`,
  'Answer with one short thought, then one line "Action: " followed by exactly one action, e.g.',
  'I click the OK button.',
  'Action: click("12")',
].join('\n');

const DEFAULT_TIMEOUT_MS = 120_000;
const CHECK_TIMEOUT_MS = 15_000;

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** The teacher as a policy: one chat completion per step. */
export function llmPolicy(settings: LlmSettings, options: LlmPolicyOptions): StepPolicy {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async (view) => {
    const user = promptText(viewContext(view), options.prompt);
    const content = await chatCompletion(settings, user, settings.maxTokens, fetchImpl, timeoutMs);
    // An endpoint may echo the key: it must not reach the page (an action could type it), the
    // stored traces or an export.
    return parseTarget(redactKey(content, settings.apiKey));
  };
}

/**
 * Checks that the endpoint answers for `settings.model`: its model list when it lists the model,
 * otherwise a one-token completion. Resolves with a short description; rejects with LlmEndpointError.
 */
export async function checkLlmEndpoint(
  settings: LlmSettings,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<string> {
  const base = trimSlash(settings.baseUrl);
  const models = await request(settings, `${base}/models`, { method: 'GET' }, fetchImpl, timeoutMs).catch(
    (error: unknown) => {
      // Some servers serve completions without a model list: ask for a completion instead.
      if (error instanceof HttpStatusError && (error.status === 404 || error.status === 405)) return null;
      throw asEndpointError(error, settings);
    },
  );
  const ids = modelIds(models);
  if (ids.includes(settings.model)) {
    return `${base} serves ${settings.model} (${ids.length} model${ids.length === 1 ? '' : 's'} listed).`;
  }
  await chatCompletion(settings, 'Say OK.', 1, fetchImpl, timeoutMs, false);
  return `${base} answers for ${settings.model}.`;
}

function modelIds(body: unknown): string[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((entry: unknown) => {
    const id = (entry as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? [id] : [];
  });
}

async function chatCompletion(
  settings: LlmSettings,
  user: string,
  maxTokens: number,
  fetchImpl: typeof fetch,
  timeoutMs: number,
  needContent = true,
): Promise<string> {
  const url = `${trimSlash(settings.baseUrl)}/chat/completions`;
  const body = JSON.stringify({
    model: settings.model,
    messages: [
      { role: 'system', content: LLM_SYSTEM_PROMPT },
      { role: 'user', content: user },
    ],
    temperature: settings.temperature,
    max_tokens: maxTokens,
  });
  let answer: unknown;
  try {
    answer = await request(settings, url, { method: 'POST', body }, fetchImpl, timeoutMs);
  } catch (error) {
    throw asEndpointError(error, settings);
  }
  const choice = (answer as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content === 'string') return content;
  // A one-token check may come back with empty content (e.g. a reasoning model); choices suffice.
  if (!needContent && choice !== undefined) return '';
  throw new LlmEndpointError(
    redactKey(
      `The LLM endpoint at ${url} answered without choices[0].message.content (${preview(JSON.stringify(answer))}): ` +
        'check that the base URL points to an OpenAI-compatible chat-completions API.',
      settings.apiKey,
    ),
  );
}

class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`HTTP ${status}`);
  }
}

class TimeoutError extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super('timeout');
  }
}

class UnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super('unreachable');
  }
}

class NotJsonError extends Error {
  constructor(
    readonly url: string,
    readonly text: string,
  ) {
    super('not JSON');
  }
}

/** One JSON request with the key and a timeout; failures come back as the typed errors above. */
async function request(
  settings: LlmSettings,
  url: string,
  init: { method: 'GET' | 'POST'; body?: string },
  fetchImpl: typeof fetch,
  timeoutMs: number,
): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (settings.apiKey !== '') headers.Authorization = `Bearer ${settings.apiKey}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, headers, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) throw new TimeoutError(url, timeoutMs);
      throw new UnreachableError(url, causeOf(error));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) throw new TimeoutError(url, timeoutMs);
      throw new UnreachableError(url, causeOf(error));
    }
    if (!response.ok) throw new HttpStatusError(url, response.status, errorDetail(text));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new NotJsonError(url, text);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Turns a typed failure into the message a person can act on, without the key. */
function asEndpointError(error: unknown, settings: LlmSettings): LlmEndpointError {
  const message = ((): string => {
    if (error instanceof UnreachableError) {
      return (
        `Could not reach the LLM endpoint at ${error.url}: ${error.reason}. ` +
        'Start the server or fix the base URL in the teacher settings.'
      );
    }
    if (error instanceof TimeoutError) {
      return (
        `The LLM endpoint at ${error.url} did not answer within ${(error.timeoutMs / 1000).toFixed(1)} s: ` +
        'check that the server is running and not overloaded, or use a smaller model.'
      );
    }
    if (error instanceof NotJsonError) {
      return (
        `The LLM endpoint at ${error.url} answered with something that is not JSON (${preview(error.text)}): ` +
        'check that the base URL points to an OpenAI-compatible API (it usually ends with /v1).'
      );
    }
    if (error instanceof HttpStatusError) {
      const said = error.detail === '' ? '' : ` (${error.detail})`;
      if (error.status === 401 || error.status === 403) {
        return (
          `The LLM endpoint at ${error.url} refused the request with HTTP ${error.status}${said}: ` +
          `check the API key in the teacher settings (the CLI reads it from ${LLM_API_KEY_VARIABLE}; a ` +
          'resumed run needs it again, as keys are never stored).'
        );
      }
      if (error.status === 404) {
        return (
          `The LLM endpoint at ${error.url} answered HTTP 404${said}: check that the base URL ends with /v1 ` +
          `(e.g. http://localhost:8000/v1) and that the server serves the model "${settings.model}".`
        );
      }
      return `The LLM endpoint at ${error.url} answered HTTP ${error.status}${said}.`;
    }
    return `The LLM endpoint failed: ${error instanceof Error ? error.message : String(error)}`;
  })();
  return new LlmEndpointError(redactKey(message, settings.apiKey));
}

/** The error message of an error body ({error: {message}}, {error: "..."}, {message}, {detail}) or its start. */
function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown> | null;
    const error = body?.error;
    const candidates = [
      (error as { message?: unknown } | null | undefined)?.message,
      error,
      body?.message,
      body?.detail,
    ];
    for (const candidate of candidates) if (typeof candidate === 'string') return preview(candidate);
  } catch {
    // Not JSON: show the start of the text.
  }
  return preview(text.trim());
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'string') return cause;
  return error.message;
}

function preview(text: string, length = 200): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > length ? `${flat.slice(0, length)}...` : flat;
}

/** A server may echo the request (key included) in its error text or answer: never show it. */
export function redactKey(message: string, key: string): string {
  return key === '' ? message : message.split(key).join('[API key]');
}
