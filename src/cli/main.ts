import { pathToFileURL } from 'node:url';
import { parseArgs, UsageError } from './args.ts';
import { StoreFullError, StoreInputError } from '../store/store.ts';
import { processIo, type CliIo } from './io.ts';

/**
 * The headless runner, `npm run lab -- <command>`: long work without a person at the page.
 * Commands load their modules on use, so the Node-only commands bundle for GPU machines without
 * the browser's dependencies (scripts/pack-gpu-bench.sh).
 * Returns the exit code: 0 done, 1 failed, 2 a mistake of the user's (command line, configuration,
 * store folder or file). Errors print one message; `--verbose` anywhere adds their stacks.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const verbose = argv.includes('--verbose');
  const commandIo: CliIo = { ...io, verbose };
  try {
    const command = parseArgs(argv.filter((arg) => arg !== '--verbose'));
    switch (command.kind) {
      case 'help':
        io.out(command.text);
        return 0;
      case 'experts':
        return await (await import('./experts.ts')).runExpertsCommand(command, commandIo);
      case 'bench-env':
        return await (await import('./bench-env.ts')).runBenchEnvCommand(command, commandIo);
      case 'bench-engine':
        return await (await import('./bench-engine.ts')).runBenchEngineCommand(command, commandIo);
      case 'bench-cpu':
        return await (await import('./bench-cpu.ts')).runBenchCpuCommand(command, commandIo);
      case 'run':
        return await (await import('./run.ts')).runRunCommand(command, commandIo);
      case 'analyze':
        return await (await import('./analyze.ts')).runAnalyzeCommand(command, commandIo);
      case 'sweep':
        return command.mode === 'plan'
          ? await (await import('./sweep.ts')).runSweepCommand(command, commandIo)
          : await (await import('./sweep-run.ts')).runSweepShard(command, commandIo);
      case 'pretrain':
        return await (await import('./pretrain.ts')).runPretrainCommand(command.argv, commandIo);
      case 'import':
        return await (await import('./import.ts')).runImportCommand(command.argv, commandIo);
      case 'export':
        return await (await import('./export.ts')).runExportCommand(command.argv, commandIo);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${error.usage}`);
      return 2;
    }
    const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : '';
    if (error instanceof StoreInputError || error instanceof StoreFullError) {
      io.err(`lab: ${error.message}${stack}`);
      return error instanceof StoreInputError ? 2 : 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(
      `lab: ${message}${stack || '\n(An unexpected error: run the command again with --verbose for its stack.)'}`,
    );
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Ctrl-C reaches a whole pipeline (`npm run lab -- run ... | tee log`): the reader quits first, and
  // a write to its pipe must not crash a run that is pausing to save its checkpoint.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  const code = await main(process.argv.slice(2));
  // Dawn (a Node run on WebGPU) keeps the event loop alive after its device is gone. Writes to
  // stdout and stderr are synchronous on Linux, so nothing printed is lost by leaving at once.
  process.exit(code);
}
