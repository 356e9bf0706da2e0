import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { runLabProcess } from '../fixtures/lab-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-sweep-cli-'));

function recorder(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => void out.push(line), err: (line) => void err.push(line) }, out, err };
}

async function planJson(args: string[]): Promise<Record<string, unknown>> {
  const { io, out, err } = recorder();
  expect(await main(['sweep', ...args, '--plan', '--json'], io), err.join('\n')).toBe(0);
  expect(out).toHaveLength(1);
  return JSON.parse(out[0]!) as Record<string, unknown>;
}

describe('npm run lab -- sweep --plan', () => {
  it('prints the plan as one JSON line: counts, the sweep id, amounts, strategies, FLOPs, every run', async () => {
    const plan = await planJson(['--spec', 'configs/sweep-tiny.json']);
    expect(plan).toMatchObject({
      runs: 8,
      sweep_id: expect.stringMatching(/^tiny-[0-9a-f]{8}$/),
      sft_amounts: [0, 40, 80],
      sft_amount_unit: 'steps',
      by_strategy: { sft: 1, rl: 3, 'sft+rl': 4 },
      estimated_flops: expect.any(Number),
    });
    const list = plan['runs_list'] as { key: string; strategy: string; sftAmount: number | null }[];
    expect(list).toHaveLength(8);
    expect(list[0]).toMatchObject({ key: 'sft', strategy: 'sft', parent: null });
    expect(list.find((run) => run.key === 'sft+rl-0@40')).toMatchObject({
      strategy: 'sft+rl',
      sftAmount: 40,
      parent: { key: 'sft', step: 40 },
    });
    const total = (list as unknown as { estimatedFlops: number }[]).reduce((s, r) => s + r.estimatedFlops, 0);
    expect(plan['estimated_flops']).toBe(total);
  });

  it('prints the same plan for the same spec, written otherwise, and takes --sweep-id', async () => {
    const first = await planJson(['--spec', 'configs/sweep-tiny.json']);
    const spec = join(dir, 'reordered.json');
    const { readFileSync } = await import('node:fs');
    const json = JSON.parse(readFileSync('configs/sweep-tiny.json', 'utf8')) as Record<string, unknown>;
    writeFileSync(spec, JSON.stringify(Object.fromEntries(Object.entries(json).reverse())));
    expect(await planJson(['--spec', spec])).toEqual(first);
    const named = await planJson(['--spec', spec, '--sweep-id', 'mine']);
    expect(named['sweep_id']).toBe('mine');
    expect((named['runs_list'] as { runId: string }[])[0]!.runId).toBe('mine--sft');
  });

  it('prints a table for a person without --json, then the JSON line', async () => {
    const { io, out } = recorder();
    expect(await main(['sweep', '--spec', 'configs/sweep-tiny.json', '--plan'], io)).toBe(0);
    expect(out[0]).toMatch(/^Sweep tiny-[0-9a-f]{8}: 8 runs, about [\d.]+e\+\d+ training FLOPs\.$/);
    expect(out.some((line) => /^sft\+rl-0@40\s+sft\+rl\s+40\s+sft@40\s/.test(line))).toBe(true);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ runs: 8 });
  });

  it.each([
    [['sweep', '--plan'], /Name the sweep spec with --spec FILE/],
    [['sweep', '--spec', 'x.json'], /--plan prints its planned runs/],
    [['sweep', '--spec', 'x.json', '--plan', '--sweep-id', '../x'], /--sweep-id "\.\.\/x"/],
    [['sweep', '--spec', 'x.json', '--plan', '--shards', '2'], /Unknown option --shards/],
  ])('refuses %j with its usage', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
    expect(() => parseArgs(argv)).toThrow(UsageError);
  });

  it('a bad spec: one message naming the field, exit 2, nothing on stdout', async () => {
    const spec = join(dir, 'bad.json');
    writeFileSync(spec, JSON.stringify({ name: 'bad', space: { discount: [0.9, 2] } }));
    const { code, stdout, stderr } = await runLabProcess(['sweep', '--spec', spec, '--plan', '--json']);
    expect(stderr).toMatch(/^lab: .*bad\.json is not valid: space\.discount\.1: /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect([code, stdout]).toEqual([2, '']);
  }, 60_000);

  it('a spec that is not JSON, or is missing, says so and exits 2', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ name: ');
    for (const [path, message] of [
      [notJson, /^lab: The sweep spec .*not\.json is not JSON/],
      [join(dir, 'missing.json'), /^lab: Cannot read the sweep spec .*missing\.json: .*Name a JSON file/],
    ] as const) {
      const { io, out, err } = recorder();
      expect(await main(['sweep', '--spec', path, '--plan'], io)).toBe(2);
      expect(err.join('\n')).toMatch(message);
      expect(out).toEqual([]);
    }
  });
});
