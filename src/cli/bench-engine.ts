import { cpus } from 'node:os';
import type { BenchEngineReport } from '../harness/bench-engine-plan.ts';
import type { Command } from './args.ts';
import type { CliIo } from './io.ts';
import { callHarness, openLabBrowser } from './lab-browser.ts';

type BenchEngineCommand = Extract<Command, { kind: 'bench-engine' }>;

/**
 * `npm run lab -- bench engine`: the WebGPU engine's matmuls, training steps, generation and
 * memory, beside the same matmuls and training step in TF.js, measured in the harness page in
 * headless Chromium (src/harness/bench-engine.ts). The last line is the JSON report. On a
 * software adapter the sizes are scaled down and the report says so.
 */
export async function runBenchEngineCommand(command: BenchEngineCommand, io: CliIo): Promise<number> {
  const lab = await openLabBrowser({
    onProgress: (line) => io.err(line),
    onPageError: (message) => io.err(`harness page error: ${message}`),
  });
  let report: BenchEngineReport;
  try {
    report = await callHarness(lab.page, 'benchEngine', command.request);
    report.runtime = `chromium ${lab.chromiumVersion} (headless), ${cpus().length} cores`;
  } finally {
    await lab.close();
  }
  if (!command.json) {
    const line = (label: string, values: Record<string, number> | null, unit: string): void => {
      if (values === null) return;
      const parts = Object.entries(values).map(([key, value]) => `${key} ${value}`);
      io.out(`${label.padEnd(26)} ${parts.join(', ')} ${unit}`);
    };
    const { adapter } = report;
    io.out(
      `Adapter: ${adapter.vendor} ${adapter.architecture} ${adapter.description}` +
        `${adapter.isFallbackAdapter ? ' (software; sizes scaled down)' : ''}`,
    );
    line('Matmul', report.matmul_gflops, 'GFLOP/s');
    line('TF.js matmul', report.tfjs_matmul_gflops, 'GFLOP/s');
    line('Ours / TF.js matmul', report.ratio_matmul, '');
    line('Training step', report.train_tokens_per_s, 'tokens/s');
    line('TF.js training step', report.tfjs_train_tokens_per_s, 'tokens/s');
    line('Ours / TF.js training', report.ratio_train, '');
    line('Generation (batch)', report.generate_tokens_per_s, 'tokens/s');
    line('GPU memory', report.gpu_bytes, 'bytes');
    if ('skipped' in report.tfjs) io.out(`TF.js not measured: ${report.tfjs.skipped}`);
  }
  io.out(JSON.stringify(report));
  return 0;
}
