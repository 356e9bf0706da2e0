import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PretrainConfigSchema } from '../../src/cli/pretrain.ts';
import { findTask } from '../../src/tasks/registry.ts';
import { getSplit } from '../../src/tasks/splits.ts';
import { parseRunConfig, type RunConfig } from '../../src/train/config.ts';
import { checkRunConfig } from '../../src/train/run-checks.ts';

const CONFIGS_DIR = join(import.meta.dirname, '../../configs');
/** Recipes of `npm run lab -- pretrain`, not run configurations. */
const PRETRAIN_RECIPES = ['base-student.json'];
/** Sweep specs (sweep-*.json), not run configurations: test/unit/sweep-specs.test.ts checks them. */
const isSweepSpec = (name: string): boolean => name.startsWith('sweep-');
const files = readdirSync(CONFIGS_DIR).filter(
  (name) => name.endsWith('.json') && !PRETRAIN_RECIPES.includes(name) && !isSweepSpec(name),
);

function load(name: string): RunConfig {
  return parseRunConfig(JSON.parse(readFileSync(join(CONFIGS_DIR, name), 'utf8')), `configs/${name}`);
}

describe('configs/', () => {
  it('ships the example configurations the issue names', () => {
    expect(files).toEqual(
      expect.arrayContaining(['micro-sft.json', 'micro-rl.json', 'quick-sft-rl.json', 'cpu-demo.json']),
    );
  });

  it.each(files)('%s parses, and its tasks are built tasks of its split', (name) => {
    const config = load(name);
    const split = getSplit(config.env.split);
    for (const task of config.env.tasks) {
      expect(split.train, `${name}: env.tasks`).toContain(task);
      expect(findTask(task), `${name}: ${task} is built`).toBeDefined();
    }
    for (const task of config.env.testTasks) {
      expect(split.test, `${name}: env.testTasks`).toContain(task);
      expect(findTask(task), `${name}: ${task} is built`).toBeDefined();
    }
    // What a run checks before it starts: built tasks, no leak into the held-out goals, and so on.
    expect(() => checkRunConfig(config)).not.toThrow();
    expect(config.sft.steps + config.rl.iterations, `${name} trains`).toBeGreaterThan(0);
  });

  it('gives each example the phases and model the issue asks for', () => {
    const microSft = load('micro-sft.json');
    expect([microSft.model.preset, microSft.env.split, microSft.teacher.kind]).toEqual([
      'nano',
      'micro',
      'expert',
    ]);
    expect([microSft.sft.steps > 0, microSft.rl.iterations]).toEqual([true, 0]);

    const microRl = load('micro-rl.json');
    expect([microRl.model.init, microRl.sft.steps, microRl.rl.iterations > 0]).toEqual([
      'base-student',
      0,
      true,
    ]);

    const quick = load('quick-sft-rl.json');
    expect([quick.model.preset, quick.env.split, quick.sft.steps > 0, quick.rl.iterations > 0]).toEqual([
      'small',
      'quick',
      true,
      true,
    ]);

    const demo = load('cpu-demo.json');
    expect([demo.model.preset, demo.env.tasks, demo.sft.steps > 0, demo.rl.iterations]).toEqual([
      'nano',
      ['click-test'],
      true,
      0,
    ]);
  });

  it.each(PRETRAIN_RECIPES)('%s is a pretraining recipe the pretrain command reads', (name) => {
    const recipe = JSON.parse(readFileSync(join(CONFIGS_DIR, name), 'utf8'));
    expect(PretrainConfigSchema.safeParse(recipe).success).toBe(true);
  });

  it('reports a bad field with its path', () => {
    expect(() => parseRunConfig({ sft: { steps: -1 } }, 'configs/bad.json')).toThrow(
      /configs\/bad\.json is not valid: sft\.steps/,
    );
  });
});
