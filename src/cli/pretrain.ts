import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { learnVocabulary, type TokenizerSpec } from '../agent/tokenizer.ts';
import type { Engine, EngineCheckpoint } from '../engine/engine.ts';
import { PRESET_NAMES } from '../model/config.ts';
import { baseStudentName, BASE_STUDENT_FOLDER, type BaseStudentInfo } from '../train/base-student.ts';
import { createPageStream } from '../pretrain/pages.ts';
import { pretrainBaseStudent, PretrainSettingsError, type PretrainOptions } from '../pretrain/pretrain.ts';
import type { PretrainEvaluation } from '../train/base-student.ts';
import { PAUSED_EXIT_CODE, pauseOnCtrlC } from './interrupt.ts';
import type { CliIo } from './io.ts';
import { openNodeEngine } from './node-engine.ts';

/**
 * `npm run lab -- pretrain --config FILE [--engine cpu|webgpu] [--out DIR]`: runs the base
 * student's recipe (pretrain/pretrain.ts) and writes the checkpoint where the lab ships it, after
 * every evaluation too, so a run stopped early still leaves its last evaluated model. Progress goes
 * to stderr; the last line of stdout is JSON {steps, tokens, seconds, heldout_action_accuracy, file}.
 */

export const PRETRAIN_HELP = `npm run lab -- pretrain --config FILE [--engine cpu|webgpu] [--out DIR]
  Pretrains the base student on generated pages and writes <preset>-<tokenizer>-<positions>.safetensors
  and .json into DIR (default public/base-student), after every held-out evaluation and at the end.
  --config FILE      JSON of the recipe (configs/base-student.json): preset, positions, tokenizer,
                     steps, batchSize, learningRate, format, seed, historyLength, errorLogFeedback,
                     maxNewTokens, maxWidgets, evalEvery, evalSamples, maxSeconds, ...
  --engine cpu       the float64 CPU engine (default; the faster one on a CPU-only machine)
  --engine webgpu    Dawn (the \`webgpu\` package) in Node: a GPU machine
  --out DIR          where the files go (default public/${BASE_STUDENT_FOLDER})`;

export const PretrainConfigSchema = z
  .object({
    preset: z.enum(PRESET_NAMES).default('nano'),
    positions: z.enum(['learned', 'rotary']).default('rotary'),
    tokenizer: z.enum(['bytes', 'learned']).default('bytes'),
    /** Merges of a learned vocabulary, learned from generated pages. */
    learnedMerges: z.number().int().positive().default(512),
    steps: z.number().int().positive().default(1000),
    batchSize: z.number().int().positive().default(16),
    learningRate: z.number().positive().default(2e-3),
    warmupSteps: z.number().int().nonnegative().default(20),
    weightDecay: z.number().min(0).default(0.01),
    maxGradNorm: z.number().positive().default(1),
    format: z.enum(['axtree', 'html', 'both']).default('axtree'),
    seed: z.number().int().nonnegative().default(0),
    historyLength: z.number().int().nonnegative().default(5),
    errorLogFeedback: z.boolean().default(true),
    maxNewTokens: z.number().int().positive().default(80),
    maxWidgets: z.number().int().positive().default(3),
    evalEvery: z.number().int().positive().default(100),
    evalSamples: z.number().int().positive().default(32),
    maxSeconds: z.number().positive().optional(),
  })
  .strict();
export type PretrainConfig = z.infer<typeof PretrainConfigSchema>;

interface CommandOptions {
  config: string;
  engine: 'cpu' | 'webgpu';
  out: string;
}

function readOptions(argv: readonly string[]): CommandOptions | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    const [name = '', inline] = arg.replace(/^--/, '').split(/=(.*)/s);
    if (!arg.startsWith('--') || !['config', 'engine', 'out'].includes(name)) {
      throw new Error(`Unknown argument "${arg}".`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value.`);
    values.set(name, value);
  }
  const config = values.get('config');
  if (config === undefined) throw new Error('--config FILE is required (e.g. configs/base-student.json).');
  const engine = values.get('engine') ?? 'cpu';
  if (engine !== 'cpu' && engine !== 'webgpu')
    throw new Error(`--engine must be cpu or webgpu, not "${engine}".`);
  return { config, engine, out: values.get('out') ?? join('public', BASE_STUDENT_FOLDER) };
}

async function openEngine(kind: 'cpu' | 'webgpu'): Promise<{ engine: Engine; description: string }> {
  // The committed base student was pretrained on the float64 engine: 'cpu' keeps it, so the recipe
  // rebuilds the same weights.
  const { engine, info } = await openNodeEngine(kind === 'cpu' ? 'reference' : kind);
  return {
    engine,
    description:
      kind === 'cpu' ? 'CPU engine (float64 reference)' : `WebGPU engine on Dawn (${info.adapter})`,
  };
}

/** The tokenizer of the recipe: bytes, or merges learned from generated pages. */
function tokenizerFor(config: PretrainConfig): TokenizerSpec {
  if (config.tokenizer === 'bytes') return { kind: 'bytes' };
  const next = createPageStream(`${config.seed}/vocabulary`, config);
  const texts = Array.from({ length: 2000 }, () => {
    const { context, target } = next();
    return `${context.goal}\n${context.observation}\n${target.thought}\n${target.action}`;
  });
  return learnVocabulary(texts, config.learnedMerges);
}

/** Writes to a temporary name, then renames: a reader never sees half a file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

async function addToIndex(out: string, name: string): Promise<void> {
  const path = join(out, 'index.json');
  let names: string[] = [];
  try {
    names = JSON.parse(await readFile(path, 'utf8')) as string[];
  } catch {
    // No index yet: this is the first base student in the folder.
  }
  if (!names.includes(name)) names.push(name);
  await writeAtomically(path, `${JSON.stringify(names.sort(), null, 2)}\n`);
}

export async function runPretrainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CommandOptions | 'help';
  let config: PretrainConfig;
  try {
    command = readOptions(argv);
    if (command === 'help') {
      io.out(PRETRAIN_HELP);
      return 0;
    }
    const parsed = PretrainConfigSchema.safeParse(JSON.parse(await readFile(command.config, 'utf8')));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new Error(`${command.config} is not a valid pretrain configuration: ${problems.join('; ')}.`);
    }
    config = parsed.data;
  } catch (error) {
    io.err(`pretrain: ${(error as Error).message}\n\n${PRETRAIN_HELP}`);
    return 2;
  }

  const { engine, description } = await openEngine(command.engine);
  const name = baseStudentName(config.preset, config.tokenizer, config.positions);
  const out = command.out;
  await mkdir(out, { recursive: true });
  const file = join(out, `${name}.safetensors`);
  const tokenizer = tokenizerFor(config);
  const machine = `${cpus().length}-core CPU (${cpus()[0]?.model ?? 'unknown'}), node ${process.versions.node}`;
  const recipe = { ...config };
  const commandLine = `npm run lab -- pretrain --config ${command.config} --engine ${command.engine}`;
  let examples = 0;

  const save = async (
    checkpoint: EngineCheckpoint,
    evaluations: readonly PretrainEvaluation[],
    totals: { steps: number; tokens: number; flops: number; wallSeconds: number; finalLoss: number },
    complete: boolean,
  ): Promise<void> => {
    const last = evaluations[evaluations.length - 1];
    const info: Omit<BaseStudentInfo, 'config'> & { config: unknown } = {
      name,
      preset: config.preset,
      positions: config.positions,
      tokenizerKind: config.tokenizer,
      tokenizer,
      config: null,
      recipe,
      command: commandLine,
      ...totals,
      examples,
      heldoutActionAccuracy: last?.actionAccuracy ?? 0,
      evaluations,
      machine,
      engine: description,
      complete,
    };
    info.config = (await engine.info()).config;
    await writeAtomically(file, new Uint8Array(checkpoint.weights));
    await writeAtomically(join(out, `${name}.json`), `${JSON.stringify(info, null, 2)}\n`);
    await addToIndex(out, name);
  };

  io.err(`pretrain: ${name} on ${description}, ${config.steps} steps of ${config.batchSize} pages`);
  const evaluations: PretrainEvaluation[] = [];
  let flops = 0;
  let lastLoss = Number.NaN;
  const interrupt = pauseOnCtrlC(io, 'pretraining finishes its step, evaluates, and saves the model');
  const options: PretrainOptions = {
    ...config,
    tokenizer,
    signal: interrupt.signal,
    onStep: (p) => {
      lastLoss = p.loss;
      flops = p.flops;
      examples = p.step * config.batchSize;
      if (p.step % 10 === 0 || p.step === 1) {
        io.err(
          `step ${p.step} loss ${p.loss.toFixed(4)} lr ${p.learningRate.toExponential(2)} tokens ${p.tokens} ${p.seconds.toFixed(0)}s`,
        );
      }
    },
    onEvaluation: async (evaluation, checkpoint) => {
      evaluations.push(evaluation);
      io.err(
        `eval step ${evaluation.step}: action accuracy ${evaluation.actionAccuracy.toFixed(3)}, ` +
          `valid syntax ${evaluation.validSyntax.toFixed(3)}, existing bid ${evaluation.existingBid.toFixed(3)}`,
      );
      const totals = {
        steps: evaluation.step,
        tokens: evaluation.tokens,
        flops,
        wallSeconds: evaluation.seconds,
        finalLoss: lastLoss,
      };
      await save({ weights: checkpoint.weights }, evaluations, totals, false);
    },
  };
  try {
    const result = await pretrainBaseStudent(engine, options).catch((error: unknown) => {
      if (!(error instanceof PretrainSettingsError)) throw error;
      io.err(`pretrain: ${command.config}: ${error.message}`);
      return null;
    });
    if (result === null) return 2;
    flops = result.stats.flops;
    examples = result.stats.examples;
    const { stats } = result;
    const totals = { ...stats, wallSeconds: stats.seconds };
    await save(result.checkpoint, stats.evaluations, totals, stats.steps === config.steps);
    io.out(
      JSON.stringify({
        steps: stats.steps,
        tokens: stats.tokens,
        seconds: Math.round(stats.seconds),
        heldout_action_accuracy: stats.heldoutActionAccuracy,
        file,
      }),
    );
    if (interrupt.signal.aborted && stats.steps < config.steps) {
      io.err(
        `Pretraining stopped at step ${stats.steps} of ${config.steps}: the model of that step is in ${file} ` +
          '(marked incomplete). Pretraining does not resume; run the command again to start over.',
      );
      return PAUSED_EXIT_CODE;
    }
    return 0;
  } finally {
    interrupt.dispose();
    await engine.dispose();
  }
}
