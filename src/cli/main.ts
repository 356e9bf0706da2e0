import { pathToFileURL } from 'node:url';
import { parseArgs, UsageError } from './args.ts';
import { processIo, type CliIo } from './io.ts';

/**
 * The headless runner, `npm run lab -- <command>`: long work without a person at the page.
 * Commands load their modules on use, so the Node-only commands bundle for GPU machines without
 * the browser's dependencies (scripts/pack-gpu-bench.sh).
 * Returns the exit code: 0 done, 1 failed, 2 a bad command line or a bad official folder.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const command = parseArgs(argv);
    switch (command.kind) {
      case 'help':
        io.out(command.text);
        return 0;
      case 'experts':
        return await (await import('./experts.ts')).runExpertsCommand(command, io);
      case 'bench-env':
        return await (await import('./bench-env.ts')).runBenchEnvCommand(command, io);
      case 'bench-engine':
        return await (await import('./bench-engine.ts')).runBenchEngineCommand(command, io);
      case 'bench-cpu':
        return await (await import('./bench-cpu.ts')).runBenchCpuCommand(command, io);
      case 'run':
        return await (await import('./run.ts')).runRunCommand(command, io);
      case 'pretrain':
        return await (await import('./pretrain.ts')).runPretrainCommand(command.argv, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${error.usage}`);
      return 2;
    }
    io.err(`lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main(process.argv.slice(2));
  // Dawn (a Node run on WebGPU) keeps the event loop alive after its device is gone. Writes to
  // stdout and stderr are synchronous on Linux, so nothing printed is lost by leaving at once.
  process.exit(code);
}
