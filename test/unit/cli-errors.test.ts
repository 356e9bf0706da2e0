import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file-store.ts';
import { createRun } from '../../src/train/run.ts';
import { runLabProcess } from '../fixtures/lab-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-cli-errors-'));

const lab = (args: string[]) => runLabProcess(args);

const STACK_LINE = /^ {4}at /m;
const count = (text: string, what: string): number => text.split(what).length - 1;

/** A store holding one run that never started, its file then cut in half. */
async function storeWithCorruptedRun(): Promise<{ out: string; runId: string }> {
  const out = join(dir, 'corrupted');
  const run = await createRun(new FileStore(out), { name: 'corrupted', sft: { steps: 2 } });
  const path = join(out, 'runs', `${run.id}.json`);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.slice(0, text.length / 2));
  return { out, runId: run.id };
}

describe('a user mistake on the command line', () => {
  it.each([
    [
      'a run id that would leave the store folder',
      [
        'run',
        '--resume',
        '../../etc/passwd',
        '--dom',
        'node',
        '--engine',
        'cpu',
        '--out',
        join(dir, 'empty'),
      ],
      /^lab: "\.\.\/\.\.\/etc\/passwd" cannot be stored as a file name/,
    ],
    [
      'a store folder that is a file (Node mode)',
      [
        'run',
        '--config',
        'configs/cpu-demo.json',
        '--dom',
        'node',
        '--engine',
        'cpu',
        '--out',
        '/etc/passwd',
      ],
      /^lab: \/etc\/passwd exists but is not a folder/,
    ],
    [
      'an output folder that is a file (browser mode)',
      ['run', '--config', 'configs/cpu-demo.json', '--engine', 'cpu', '--out', '/etc/passwd'],
      /^Cannot keep the browser profile in \/etc\/passwd\/browser-profile \(ENOTDIR/,
    ],
  ])(
    '%s: one message, exit 2, no stack',
    async (_, args, message) => {
      const { code, stdout, stderr } = await lab(args);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
      expect(stderr).not.toMatch(STACK_LINE);
      expect(code).toBe(2);
      expect(stdout).toBe('');
    },
    60_000,
  );

  it('a corrupted run file: one message, exit 2, and the stack only with --verbose', async () => {
    const { out, runId } = await storeWithCorruptedRun();
    const args = ['run', '--resume', runId, '--dom', 'node', '--engine', 'cpu', '--out', out];
    const plain = await lab(args);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(
      /^lab: .*\.json is not valid JSON .*: it was edited or not written by the lab/,
    );
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).not.toMatch(STACK_LINE);

    const verbose = await lab([...args, '--verbose']);
    expect(verbose.code).toBe(2);
    expect(count(verbose.stderr, 'is not valid JSON')).toBe(2); // the message, and the stack's first line
    expect(verbose.stderr).toMatch(STACK_LINE);
  }, 60_000);
});

describe('a pretrain recipe whose pages cannot fit', () => {
  it('says what to change once, without a stack, and exits 2', async () => {
    const config = join(dir, 'pretrain-cut.json');
    writeFileSync(config, JSON.stringify({ preset: 'nano', steps: 5, batchSize: 2, maxNewTokens: 4 }));
    const { code, stderr } = await lab(['pretrain', '--config', config, '--out', join(dir, 'base-student')]);
    expect(stderr).toMatch(
      /^pretrain: .*pretrain-cut\.json: Only 0 of \d+ generated pages fit: .*maxNewTokens/m,
    );
    expect(count(stderr, 'generated pages fit')).toBe(1);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(code).toBe(2);
  }, 60_000);
});

describe('a run that fails', () => {
  it('says why once, without a stack, and exits 1', async () => {
    const config = join(dir, 'unreachable-teacher.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'unreachable-teacher',
        model: { preset: 'nano', maxNewTokens: 8 },
        env: { split: 'micro', tasks: ['click-test'], testTasks: ['focus-text'], maxSteps: 2, poolSize: 1 },
        teacher: { kind: 'llm', seeds: '3', llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' } },
        sft: { steps: 2, batchSize: 1 },
        rl: { iterations: 0 },
        eval: { heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
      }),
    );
    const { code, stderr } = await lab([
      'run',
      '--config',
      config,
      '--dom',
      'node',
      '--engine',
      'cpu',
      '--out',
      join(dir, 'failing'),
    ]);
    const reason = /^Run \S+ failed: (.+)$/m.exec(stderr)?.[1];
    expect(reason, stderr).toBeDefined();
    expect(count(stderr, reason!), stderr).toBe(1);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(code).toBe(1);
  }, 60_000);
});
