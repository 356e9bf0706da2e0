import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, parseSeeds, UsageError, type Command } from '../../src/cli/args.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { inspectOfficialFolder, OFFICIAL_LAYOUT_HELP } from '../../src/cli/official-folder.ts';

function usageError(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed without complaint`);
}

/** An io that keeps what a command prints. */
function recorder(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => void out.push(line), err: (line) => void err.push(line) }, out, err };
}

describe('parseSeeds', () => {
  it('reads ranges, single seeds and lists of both', () => {
    const range = parseSeeds('0-199');
    expect(range).toHaveLength(200);
    expect([range[0], range.at(-1)]).toEqual([0, 199]);
    expect(parseSeeds('7')).toEqual([7]);
    expect(parseSeeds('0-2, 7,9-10')).toEqual([0, 1, 2, 7, 9, 10]);
    expect(parseSeeds('0-3,2-4')).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    ['', /Cannot read seeds/],
    ['a-b', /Cannot read seeds/],
    ['1-', /Cannot read seeds/],
    ['-1', /Cannot read seeds/],
    ['1.5', /Cannot read seeds/],
    ['5-2', /runs backwards: write it as 2-5/],
    ['0-2000000', /Too many seeds/],
  ])('refuses %j with a message', (text, message) => {
    expect(() => parseSeeds(text)).toThrow(message);
  });
});

describe('parseArgs', () => {
  it('gives the experts command its defaults', () => {
    const command = parseArgs(['experts']);
    expect(command).toMatchObject({
      kind: 'experts',
      split: 'quick',
      tasks: null,
      seedsText: '0-199',
      json: false,
      dom: 'browser',
      k: 8,
      errorRate: 0,
      miniwobDir: null,
    });
  });

  it('reads every experts option, as --name value and as --name=value', () => {
    const command = parseArgs([
      'experts',
      '--split',
      'micro',
      '--seeds=3-5',
      '--json',
      '--dom',
      'node',
      '--k=4',
      '--error-rate',
      '0.25',
    ]) as Extract<Command, { kind: 'experts' }>;
    expect(command).toMatchObject({
      split: 'micro',
      seeds: [3, 4, 5],
      json: true,
      dom: 'node',
      k: 4,
      errorRate: 0.25,
    });
    expect(parseArgs(['experts', '--miniwob-dir', '/tmp/miniwob'])).toMatchObject({
      miniwobDir: '/tmp/miniwob',
    });
    expect(parseArgs(['experts', '--tasks', 'click-test, drag-box'])).toMatchObject({
      tasks: ['click-test', 'drag-box'],
    });
  });

  it('reads bench env', () => {
    expect(parseArgs(['bench', 'env', '--json'])).toMatchObject({
      kind: 'bench-env',
      split: 'quick',
      seedsText: '0-29',
      json: true,
    });
    expect(parseArgs(['bench', 'env', '--seeds', '0-4'])).toMatchObject({
      seeds: [0, 1, 2, 3, 4],
      json: false,
    });
  });

  it('reads bench cpu', () => {
    expect(parseArgs(['bench', 'cpu', '--json'])).toEqual({
      kind: 'bench-cpu',
      threads: null,
      runs: 5,
      pytorch: true,
      json: true,
    });
    expect(parseArgs(['bench', 'cpu', '--threads', '4', '--runs', '1', '--no-pytorch'])).toMatchObject({
      threads: 4,
      runs: 1,
      pytorch: false,
      json: false,
    });
  });

  it('answers --help for the whole tool and for each command', () => {
    expect(parseArgs(['--help'])).toMatchObject({ kind: 'help', text: expect.stringContaining('Commands:') });
    expect(parseArgs(['help'])).toMatchObject({ kind: 'help' });
    expect(parseArgs(['experts', '--k', '3', '--help'])).toMatchObject({
      kind: 'help',
      text: expect.stringContaining('--miniwob-dir DIR'),
    });
    expect(parseArgs(['bench', '-h'])).toMatchObject({
      kind: 'help',
      text: expect.stringContaining('bench env'),
    });
  });

  it.each([
    [[], /Name a command/],
    [['train'], /Unknown command "train"/],
    [['experts', '--fast'], /Unknown option --fast/],
    [['experts', 'quick'], /Unexpected argument "quick"/],
    [['experts', '--split'], /--split needs a value/],
    [['experts', '--split', '--json'], /--split needs a value/],
    [['experts', '--split', 'huge'], /no split "huge". Splits: paper, quick, micro/],
    [['experts', '--tasks', 'click-test,click-tset'], /No built-in task named "click-tset"/],
    [['experts', '--tasks', 'click-test', '--split', 'micro'], /--split or --tasks, not both/],
    [['experts', '--seeds', '9-1'], /runs backwards/],
    [['experts', '--dom', 'jsdom'], /--dom must be browser or node/],
    [['experts', '--k', '0'], /--k must be a whole number from 1 to 64, not "0"/],
    [['experts', '--k', '1.5'], /--k must be a whole number/],
    [['experts', '--k', 'many'], /--k must be a whole number/],
    [['experts', '--error-rate', '1.5'], /--error-rate must be a probability from 0 to 1/],
    [['experts', '--json=yes'], /--json takes no value/],
    [['experts', '--dom', 'node', '--miniwob-dir', '/x'], /official pages run only in a browser/],
    [['bench'], /bench measures "env"/],
    [['bench', 'model'], /bench measures "env".*, not "model"/],
    [['bench', 'env', '--k', '4'], /Unknown option --k/],
    [['bench', 'cpu', '--threads', '0'], /--threads must be a positive integer/],
  ])('refuses %j with a message and the usage', (argv, message) => {
    const error = usageError(argv as string[]);
    expect(error.message).toMatch(message);
    expect(error.usage).toMatch(/npm run lab --/);
  });
});

describe('the official folder check', () => {
  it('names the expected layout for a folder that does not exist', () => {
    const folder = inspectOfficialFolder(join(tmpdir(), 'no-such-miniwob-folder'));
    expect(folder.ok).toBe(false);
    if (!folder.ok) {
      expect(folder.error).toMatch(/does not exist/);
      expect(folder.error).toContain(OFFICIAL_LAYOUT_HELP);
      expect(folder.error).toMatch(/core\/core\.js and miniwob\/<task>\.html/);
    }
  });

  it('names the expected layout for a folder without core/core.js', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miniwob-'));
    mkdirSync(join(dir, 'miniwob'));
    writeFileSync(join(dir, 'miniwob', 'click-test.html'), '<!doctype html>');
    const folder = inspectOfficialFolder(dir);
    expect(folder.ok).toBe(false);
    if (!folder.ok) {
      expect(folder.error).toMatch(/missing core\/core\.js/);
      expect(folder.error).toContain(OFFICIAL_LAYOUT_HELP);
    }
  });

  it('accepts the test fixture, which has the official layout', () => {
    const folder = inspectOfficialFolder('test/fixtures/official');
    expect(folder).toMatchObject({ ok: true });
    if (folder.ok) expect(folder.tasks).toContain('click-test');
  });
});

describe('main', () => {
  it('exits with 2 and the layout message for a missing official folder, before starting a browser', async () => {
    const { io, out, err } = recorder();
    const code = await main(['experts', '--miniwob-dir', join(tmpdir(), 'no-such-miniwob-folder')], io);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain(OFFICIAL_LAYOUT_HELP);
  });

  it('exits with 2 and the usage for a bad command line, and 0 for --help', async () => {
    const bad = recorder();
    expect(await main(['experts', '--k', '0'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--k must be[\s\S]*npm run lab -- experts/);
    const help = recorder();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('Usage: npm run lab -- <command>');
  });

  it('runs the experts in Node and prints the report as JSON on its last line', async () => {
    const { io, out } = recorder();
    const code = await main(['experts', '--dom', 'node', '--split', 'micro', '--seeds', '0-1', '--json'], io);
    expect(code).toBe(0);
    const report = JSON.parse(out.at(-1)!);
    expect(report).toMatchObject({ dom: 'node', source: 'built-in', split: 'micro', seeds: '0-1' });
    expect(report.tasks['click-test']).toEqual({ episodes: 2, success: 1 });
    for (const task of Object.values(report.tasks) as { episodes: number; success: number }[]) {
      expect(task.episodes).toBe(2);
      // Every expert of the micro split solves its task on every seed.
      expect(task.success).toBe(1);
    }
    expect(report.min_success).toBe(
      Math.min(...Object.values(report.tasks).map((t) => (t as { success: number }).success)),
    );
  }, 60_000);
});
