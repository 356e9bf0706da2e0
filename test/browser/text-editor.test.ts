import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost, taskPageUrl } from '../../src/env/iframe-host.ts';
import { byClass, firstElement, textOf } from '../../src/experts/find.ts';
import { getTask } from '../../src/tasks/registry.ts';

/**
 * The editor takes a selection made as a person makes it, by dragging the mouse over the words
 * (real pointer events, browser only), as well as one made by select_text.
 */
const envs: TaskEnv[] = [];
afterEach(() => envs.splice(0).forEach((env) => env.dispose()));

const ASK = /give the text "(.+)" the style (bold|italics|underlined) and press Submit\.$/;
const BUTTON = { bold: 'ql-bold', italics: 'ql-italic', underlined: 'ql-underline' } as const;

describe('text-editor in a browser', { timeout: 30_000 }, () => {
  it('styles a word selected by dragging the mouse over it', async () => {
    const env = new TaskEnv(
      new IframePageHost(taskPageUrl('text-editor'), document.body, 'text-editor'),
      {},
      getTask('text-editor'),
    );
    envs.push(env);
    let solved = 0;
    for (let seed = 0; seed < 30 && solved < 3; seed++) {
      const { observation } = await env.reset(seed);
      const match = ASK.exec(observation!.utterance);
      if (!match) continue;
      const [, word, style] = match as unknown as [string, string, keyof typeof BUTTON];
      // Where the word lies, as the eye finds it: the test reads layout, the agent would see pixels.
      const frame = document.querySelector('iframe')!;
      const doc = frame.contentDocument!;
      const paragraph = doc.querySelector('.ql-editor p')!;
      const text = paragraph.firstChild as Text;
      const range = doc.createRange();
      const start = text.data.indexOf(word);
      range.setStart(text, start);
      range.setEnd(text, start + word.length);
      const box = range.getBoundingClientRect();
      const y = box.top + box.height / 2;
      const drag = await env.step(`mouse_drag(${box.left + 1}, ${y}, ${box.right - 1}, ${y})`);
      expect(drag.error, `seed ${seed}`).toBeNull();
      expect(doc.getSelection()!.toString(), `seed ${seed}`).toBe(word);
      const tree = env.observe()!.tree;
      await env.step(`click("${firstElement(tree, byClass(BUTTON[style]))!.bid}")`);
      const submit = firstElement(tree, (e) => e.tag === 'button' && textOf(e) === 'Submit')!;
      const result = await env.step(`click("${submit.bid}")`);
      expect(result, `seed ${seed}`).toMatchObject({ done: true, success: true });
      solved++;
    }
    expect(solved).toBe(3);
  });
});
