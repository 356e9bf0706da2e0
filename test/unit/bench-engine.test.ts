import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.ts';
import { planBenchEngine, type BenchEngineReport } from '../../src/harness/bench-engine-plan.ts';

/** SwiftShader's Vulkan driver from Debian's chromium: Dawn in Node runs WGSL on it. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('bench engine arguments', () => {
  it('reads the defaults and every option', () => {
    expect(parseArgs(['bench', 'engine', '--json'])).toEqual({
      kind: 'bench-engine',
      request: { tfjs: true },
      json: true,
    });
    expect(
      parseArgs([
        'bench',
        'engine',
        '--sizes',
        '64,128',
        '--presets=nano,small',
        '--batch',
        '2x32',
        '--generate',
        '8',
        '--runs',
        '4',
        '--no-tfjs',
      ]),
    ).toEqual({
      kind: 'bench-engine',
      request: {
        sizes: [64, 128],
        presets: ['nano', 'small'],
        batch: [2, 32],
        generateBatches: [8],
        runs: 4,
        tfjs: false,
      },
      json: false,
    });
    expect(parseArgs(['bench', 'engine', '--help'])).toMatchObject({
      kind: 'help',
      text: expect.stringContaining('--no-tfjs'),
    });
  });

  it.each([
    [['bench', 'engine', '--sizes', '0'], /--sizes must be whole numbers/],
    [['bench', 'engine', '--sizes', '12,x'], /--sizes must be whole numbers/],
    [['bench', 'engine', '--presets', 'huge'], /There is no preset "huge"/],
    [['bench', 'engine', '--batch', '16'], /--batch must be sequences x tokens/],
    [['bench', 'engine', '--runs', '1,2'], /--runs takes one number/],
    [['bench', 'engine', '--split', 'quick'], /Unknown option --split/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('bench engine plan', () => {
  it('uses the issue sizes on a GPU and scales them down on a software adapter', () => {
    const gpu = planBenchEngine({ tfjs: true }, false);
    expect(gpu.scaledForSoftwareAdapter).toBe(false);
    expect(gpu.matmuls.slice(0, 3).map((m) => m.M)).toEqual([1024, 2048, 4096]);
    expect(gpu.train).toEqual([
      { preset: 'small', batchSize: 16, seqLen: 1024 },
      { preset: 'base', batchSize: 16, seqLen: 1024 },
    ]);
    expect(gpu.matmuls).toContainEqual({ name: 'small.qkv', M: 16 * 1024, N: 384, K: 128 });
    expect(gpu.memory.map((m) => m.preset)).toEqual(['nano', 'small', 'base', 'large']);
    expect(gpu.generate.batchSizes).toEqual([16, 64]);

    const software = planBenchEngine({ tfjs: true }, true);
    expect(software.scaledForSoftwareAdapter).toBe(true);
    expect(software.matmuls.slice(0, 3).map((m) => m.M)).toEqual([128, 256, 512]);
    expect(software.train.map((t) => t.preset)).toEqual(['nano']);

    const overridden = planBenchEngine({ sizes: [32], presets: ['nano'], batch: [2, 16], tfjs: false }, true);
    expect(overridden.scaledForSoftwareAdapter).toBe(false);
    expect(overridden.train).toEqual([{ preset: 'nano', batchSize: 2, seqLen: 16 }]);
  });
});

describe.runIf(existsSync(SWIFTSHADER_ICD))('bench engine on Dawn (SwiftShader)', () => {
  it('measures a tiny configuration and reports every field', async () => {
    // The Vulkan loader reads this when Dawn creates its instance (forks pool: a real process).
    process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const { runEngineBench } = await import('../../src/harness/bench-engine.ts');
    const report: BenchEngineReport = await runEngineBench(
      { sizes: [32, 48], presets: ['nano'], batch: [2, 16], generateBatches: [2], runs: 1, tfjs: false },
      { gpu: create([]), runtime: 'node dawn', onProgress: () => {}, tfjs: { skipped: 'not in Node' } },
    );
    expect(report.adapter.isFallbackAdapter).toBe(true);
    expect(report.scaled_for_software_adapter).toBe(false);
    expect(Object.keys(report.matmul_gflops)).toEqual([
      '32',
      '48',
      'nano.qkv',
      'nano.attn_proj',
      'nano.fc',
      'nano.fc_proj',
      'nano.logits',
    ]);
    expect(report.sizes.matmul['nano.fc']).toEqual([32, 256, 64]);
    const positive = (values: Record<string, number>): void => {
      for (const value of Object.values(values)) expect(value).toBeGreaterThan(0);
    };
    positive(report.matmul_gflops);
    expect(Object.keys(report.train_tokens_per_s)).toEqual(['nano']);
    positive(report.train_tokens_per_s);
    expect(Object.keys(report.generate_tokens_per_s)).toEqual(['2']);
    positive(report.generate_tokens_per_s);
    // Parameters, gradients and two AdamW moments alone: 4 x 4 bytes per parameter.
    expect(report.gpu_bytes.nano).toBeGreaterThan(16 * 100_000);
    expect(report.tfjs_matmul_gflops).toBeNull();
    expect(report.tfjs_train_tokens_per_s).toBeNull();
    expect(report.ratio_matmul).toBeNull();
    expect(report.ratio_train).toBeNull();
    expect(report.tfjs).toEqual({ skipped: 'not in Node' });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  }, 120_000);
});
