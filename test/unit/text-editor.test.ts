import { describe, expect, it } from 'vitest';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv } from '../../src/env/env.ts';
import type { ObsElement } from '../../src/env/observation.ts';
import { allElements, byClass, firstElement, textOf } from '../../src/experts/find.ts';
import { getTask } from '../../src/tasks/registry.ts';

const task = getTask('text-editor');
const ASK = /give (?:everything|the text "(.+)") the (style|color) (\w+) and press Submit\.$/;

interface Instance {
  env: TaskEnv;
  seed: number;
  word: string;
  style: string;
  /** The bid of the editable box, of a toolbar control by class, of Submit. */
  editor: string;
  control: (className: string) => string;
  submit: string;
  text: string;
}

/** The first seed from 0 whose instance asks for a word (not everything) in the given kind of style. */
async function instance(kind: 'style' | 'color'): Promise<Instance> {
  const env = new TaskEnv(new DomPageHost(task), { maxSteps: 20 }, task);
  for (let seed = 0; seed < 100; seed++) {
    const { observation } = await env.reset(seed);
    const match = ASK.exec(observation!.utterance);
    if (!match?.[1] || match[2] !== kind) continue;
    const tree = observation!.tree;
    const find = (predicate: (e: ObsElement) => boolean): ObsElement => firstElement(tree, predicate)!;
    const editor = find((e) => 'contenteditable' in e.attributes);
    return {
      env,
      seed,
      word: match[1],
      style: match[3]!,
      editor: editor.bid,
      control: (className) => find(byClass(className)).bid,
      submit: find((e) => e.tag === 'button' && textOf(e) === 'Submit').bid,
      text: textOf(editor),
    };
  }
  throw new Error(`no seed below 100 asks for a word in a ${kind}`);
}

const BUTTON = { bold: 'ql-bold', italics: 'ql-italic', underlined: 'ql-underline' } as const;
const buttonOf = (style: string): string => BUTTON[style as keyof typeof BUTTON];

async function run(env: TaskEnv, actions: string[]): Promise<number> {
  let reward = 0;
  for (const action of actions) {
    const result = await env.step(action);
    expect(result.error, action).toBeNull();
    reward = result.reward;
  }
  return reward;
}

describe('text-editor', () => {
  it('styles the selection from the toolbar, and shows the style in the observation', async () => {
    const { env, word, style, editor, control } = await instance('style');
    await run(env, [`select_text("${editor}", "${word}")`, `click("${control(buttonOf(style))}")`]);
    const tag = { bold: 'strong', italics: 'em', underlined: 'u' }[style]!;
    const styled = allElements(env.observe()!.tree, (e) => e.tag === tag).map(textOf);
    expect(styled).toEqual([word]);
    env.dispose();
  });

  it('gives +1 with a space selected beside the word: white space is not judged', async () => {
    const { env, word, style, editor, control, submit, text } = await instance('style');
    const withSpace = text.startsWith(word) ? `${word} ` : ` ${word}`;
    const actions = [`select_text("${editor}", "${withSpace}")`, `click("${control(buttonOf(style))}")`];
    expect(await run(env, [...actions, `click("${submit}")`])).toBeGreaterThan(0);
    env.dispose();
  });

  it('gives -1 when the style is toggled off again, or another word has it too', async () => {
    const { env, seed, word, style, editor, control, submit, text } = await instance('style');
    const button = `click("${control(buttonOf(style))}")`;
    const select = `select_text("${editor}", "${word}")`;
    expect(await run(env, [select, button, button, `click("${submit}")`])).toBe(-1);
    await env.reset(seed);
    expect(await run(env, [`select_text("${editor}", "${text}")`, button, `click("${submit}")`])).toBe(-1);
    env.dispose();
  });

  it('colours from the list, which goes back to its label so the same colour applies again', async () => {
    const { env, word, style, editor, control, submit } = await instance('color');
    const colors = control('ql-color');
    await run(env, [`select_text("${editor}", "${word}")`, `select_option("${colors}", "${style}")`]);
    const list = firstElement(env.observe()!.tree, (e) => e.bid === colors)!;
    expect(list.value).toBe('Text color');
    expect(await run(env, [`select_option("${colors}", "${style}")`, `click("${submit}")`])).toBeGreaterThan(
      0,
    );
    env.dispose();
  });

  it('gives -1 when the text itself was changed', async () => {
    const { env, word, style, editor, control, submit } = await instance('style');
    const actions = [
      `type("${editor}", " amet")`,
      `select_text("${editor}", "${word}")`,
      `click("${control(buttonOf(style))}")`,
      `click("${submit}")`,
    ];
    expect(await run(env, actions)).toBe(-1);
    env.dispose();
  });
});
