import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLM_API_KEY_VARIABLE } from '../../src/agent/llm-policy.ts';
import { parseArgs, type Command } from '../../src/cli/args.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { PAUSED_EXIT_CODE } from '../../src/cli/interrupt.ts';
import { runRunCommand } from '../../src/cli/run.ts';
import { runLabProcess, type LabProcessResult } from '../fixtures/lab-process.ts';

const KEY = 'sk-cli-resume-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'lab-cli-llm-key-'));

/** An OpenAI-compatible endpoint that wants the key and echoes it in every answer. */
let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: { message: 'Invalid API key' } }));
      } else if (req.url === '/v1/models') {
        res.end(JSON.stringify({ data: [{ id: 'teacher' }] }));
      } else {
        const content = `My key is ${KEY}; I click the button.\nAction: click("4")`;
        res.end(JSON.stringify({ choices: [{ message: { content } }] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The CLI in a process of its own, as a later terminal command runs it: no key kept in memory. */
function lab(args: string[], key: string | undefined): Promise<LabProcessResult> {
  const env = { ...process.env };
  delete env[LLM_API_KEY_VARIABLE];
  if (key !== undefined) env[LLM_API_KEY_VARIABLE] = key;
  return runLabProcess(args, env);
}

const allFiles = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));

describe('an LLM-teacher run resumed from the CLI', () => {
  it('fails naming the environment variable without the key, finishes with it, and stores no key', async () => {
    const config = join(dir, 'llm.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'llm-teacher',
        model: { preset: 'nano', maxNewTokens: 8 },
        env: { split: 'micro', tasks: ['click-test'], testTasks: ['focus-text'], maxSteps: 1, poolSize: 1 },
        teacher: {
          kind: 'llm',
          seeds: '3',
          keepOnlySuccessful: false,
          llm: { baseUrl, model: 'teacher', apiKey: KEY },
        },
        sft: { steps: 1, batchSize: 1, warmupSteps: 0 },
        rl: { iterations: 0 },
        eval: { heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
      }),
    );
    const out = join(dir, 'runs');
    const argv = ['run', '--config', config, '--dom', 'node', '--engine', 'cpu', '--out', out];
    const paused = new AbortController();
    paused.abort();
    const err: string[] = [];
    const io: CliIo = { out: () => undefined, err: (line) => void err.push(line) };
    const command = parseArgs(argv) as Extract<Command, { kind: 'run' }>;
    expect(await runRunCommand(command, io, { interrupt: paused.signal })).toBe(PAUSED_EXIT_CODE);
    const runId = /--resume (\S+)/.exec(err.join('\n'))?.[1];
    expect(runId, err.join('\n')).toBeDefined();

    const resume = ['run', '--resume', runId!, '--dom', 'node', '--engine', 'cpu', '--out', out];
    const withoutKey = await lab(resume, undefined);
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toMatch(/HTTP 401 .*check the API key .*LAB_LLM_API_KEY/);

    const withKey = await lab(resume, KEY);
    expect(withKey.code, withKey.stderr).toBe(0);
    const stored = allFiles(out).map((file) => readFileSync(file, 'utf8'));
    expect(stored.join('\n')).toContain('My key is [API key]; I click the button.');
    for (const [i, text] of stored.entries()) expect(text, allFiles(out)[i]).not.toContain(KEY);
  }, 120_000);
});
