import { describe, expect, it } from 'vitest';
import { DomPageHost } from '../../src/env/dom-host.ts';
import { TaskEnv, type TaskFacts } from '../../src/env/env.ts';
import { renderAxTree, renderHtml } from '../../src/env/observation.ts';
import { h } from '../../src/tasks/core/dom.ts';
import { defineTask, type TaskSpec } from '../../src/tasks/core/task.ts';
import { getTask } from '../../src/tasks/registry.ts';

/** A page with one of each widget, for checking observations and actions without a real task. */
const probe = defineTask({
  name: 'probe',
  description: 'A page with one of each widget.',
  css: '.gone { display: none }',
  generate(ctx) {
    ctx.setUtterance(`Probe ${ctx.random.int(0, 1000)}`);
    const field = h(ctx.doc, 'input', { type: 'text', id: 'name' });
    const submit = h(ctx.doc, 'button', { id: 'submit' }, 'Submit');
    submit.addEventListener('click', () =>
      ctx.end(field.value === 'full' ? 1 : field.value === 'half' ? 0.5 : -1),
    );
    const remove = h(ctx.doc, 'button', {}, 'Remove me');
    remove.addEventListener('click', () => remove.remove());
    ctx.area.append(
      h(ctx.doc, 'label', { for: 'name' }, 'Name'),
      field,
      h(ctx.doc, 'input', { type: 'checkbox', id: 'agree' }),
      h(ctx.doc, 'select', {}, h(ctx.doc, 'option', {}, 'Red'), h(ctx.doc, 'option', {}, 'Blue')),
      h(ctx.doc, 'button', { style: 'display:none' }, 'Hidden'),
      h(ctx.doc, 'div', { class: 'gone' }, 'Hidden by a stylesheet'),
      remove,
      submit,
    );
  },
});

const envFor = (spec: TaskSpec, options = {}): TaskEnv => new TaskEnv(new DomPageHost(spec), options);

describe('observations', () => {
  it('label every visible element with a bid and leave hidden ones out', async () => {
    const env = envFor(probe);
    const { observation } = await env.reset(3);
    const text = observation!.text;
    expect(text).toContain('<label bid="5" for="name">Name</label>');
    expect(text).toContain('<input bid="6" id="name" type="text" value="">');
    expect(text).toContain('<option bid="9" selected>Red</option>');
    expect(text).not.toContain('Hidden');
    expect(observation!.utterance).toMatch(/^Probe \d+$/);
    env.dispose();
  });

  it('render as an accessibility tree with names, values and states', async () => {
    const env = envFor(probe);
    await env.reset(3);
    await env.step('fill("6", "Ada")');
    await env.step('click("7")');
    const tree = env.observe()!.tree;
    const axtree = renderAxTree(tree);
    expect(axtree).toContain('[6] textbox "Name" value="Ada"');
    expect(axtree).toContain('[7] checkbox "" (focused, checked)');
    expect(axtree).toContain('[8] combobox "" value="Red"');
    expect(renderHtml(tree)).toContain('<input bid="7" id="agree" type="checkbox" checked focused>');
    env.dispose();
  });

  it('number bids from 1 again at every episode', async () => {
    const env = envFor(probe);
    const first = await env.reset(1);
    await env.step('click("13")'); // removes an element
    const second = await env.reset(1);
    expect(second.observation!.text).toBe(first.observation!.text);
    env.dispose();
  });
});

describe('actions', () => {
  it('return errors as data: unknown bid, hidden element, removed element, wrong widget, bad syntax', async () => {
    const env = envFor(probe);
    const { observation } = await env.reset(5);
    const hiddenBid = /bid="(\d+)"/.exec(
      observation!.text.split('\n').find((l) => l.includes('Remove me'))!,
    )![1]!;
    expect((await env.step('click("999")')).error).toMatch(/No element has bid "999"/);
    expect((await env.step(`click("${Number(hiddenBid) - 2}")`)).error).toMatch(/not visible/);
    expect((await env.step(`click("${hiddenBid}")`)).error).toBeNull();
    expect((await env.step(`click("${hiddenBid}")`)).error).toMatch(/No element has bid/);
    expect((await env.step('fill("7", "x")')).error).toMatch(/not a text field/);
    const bad = await env.step('clik("7")');
    expect(bad.error).toMatch(/Unknown action 'clik'/);
    expect(bad.observation!.lastError).toBe(bad.error);
    expect((await env.step('select_option("8", "Green")')).error).toMatch(/no option "Green"/);
    env.dispose();
  });

  it('copy, cut and paste with Control+c, Control+x and Control+v, read-only sources included', async () => {
    const page = defineTask({
      name: 'clipboard-probe',
      description: 'A read-only textarea and two inputs.',
      generate(ctx) {
        ctx.setUtterance('Copy');
        const source = h(ctx.doc, 'textarea', { id: 'source', readonly: true });
        source.value = 'lorem ipsum';
        ctx.area.append(source, h(ctx.doc, 'input', { id: 'a' }), h(ctx.doc, 'input', { id: 'b' }));
      },
    });
    const env = envFor(page, { maxSteps: 20 });
    const { observation } = await env.reset(0);
    const bid = (id: string): string => new RegExp(`bid="(\\d+)" id="${id}"`).exec(observation!.text)![1]!;
    const value = (id: string): string =>
      new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(env.observe()!.text)![1]!;
    // Nothing copied yet: pasting leaves the field as it is.
    await env.step(`press("${bid('a')}", "Control+v")`);
    expect(value('a')).toBe('');
    // Copying without a selection copies nothing; select all, then copy.
    await env.step(`press("${bid('source')}", "Control+c")`);
    await env.step(`press("${bid('a')}", "Control+v")`);
    expect(value('a')).toBe('');
    await env.step(`press("${bid('source')}", "Control+a")`);
    await env.step(`press("${bid('source')}", "Control+c")`);
    await env.step(`press("${bid('a')}", "Control+v")`);
    expect(value('a')).toBe('lorem ipsum');
    // A read-only field is not cut; an editable one is, and its text pastes elsewhere.
    await env.step(`press("${bid('source')}", "Control+x")`);
    expect(value('source')).toBe('lorem ipsum');
    await env.step(`fill("${bid('a')}", "dolor")`);
    await env.step(`press("${bid('a')}", "Control+a")`);
    await env.step(`press("${bid('a')}", "Control+x")`);
    expect(value('a')).toBe('');
    await env.step(`press("${bid('b')}", "Control+v")`);
    expect(value('b')).toBe('dolor');
    env.dispose();
  });

  it('read names every object inherits as unknown actions and unknown keys', async () => {
    const env = envFor(probe);
    await env.reset(5);
    expect((await env.step('constructor("1")')).error).toMatch(/Unknown action 'constructor'/);
    expect((await env.step('__proto__()')).error).toMatch(/Unknown action '__proto__'/);
    expect((await env.step('press("6", "toString")')).error).toMatch(/Unknown key "toString"/);
    expect((await env.step('keyboard_press("Control+constructor")')).error).toMatch(/Unknown key/);
    env.dispose();
  });

  it('end the episode at the step limit with reward -1', async () => {
    const env = envFor(probe, { maxSteps: 3 });
    await env.reset(0);
    expect((await env.step('noop()')).done).toBe(false);
    expect((await env.step('noop()')).done).toBe(false);
    const last = await env.step('noop()');
    expect(last).toMatchObject({ done: true, truncated: true, reward: -1, success: false });
    expect((await env.step('noop()')).pageError).toMatch(/call reset/);
    env.dispose();
  });

  it("give a task that needs more steps its own budget, and keep the env's for the others", async () => {
    const steps = async (task: TaskFacts, maxSteps: number): Promise<number> => {
      const env = new TaskEnv(new DomPageHost(probe), { maxSteps }, task);
      await env.reset(0);
      let result = await env.step('noop()');
      while (!result.done) result = await env.step('noop()');
      env.dispose();
      expect(result).toMatchObject({ truncated: true, reward: -1 });
      return result.steps;
    };
    expect(await steps({ maxSteps: 13, perception: 'text' }, 10)).toBe(13);
    expect(await steps({ maxSteps: 13, perception: 'text' }, 3)).toBe(13);
    expect(await steps({ maxSteps: 13, perception: 'text' }, 20)).toBe(20);
    expect(await steps({ maxSteps: 10, perception: 'text' }, 3)).toBe(3);
    expect(getTask('click-checkboxes-large').maxSteps).toBe(13);
  });

  it('select the first place an element shows a text, across inline elements and in fields', async () => {
    let win: Window | undefined;
    const page = defineTask({
      name: 'selection-probe',
      description: 'An editable box with styled words, and a field.',
      generate(ctx) {
        win = ctx.win;
        ctx.setUtterance('Select');
        const editor = h(ctx.doc, 'div', { id: 'editor', contenteditable: 'true' }, 'lorem\n   ');
        editor.append(h(ctx.doc, 'strong', {}, 'ipsum'), ' dolor ipsum');
        const field = h(ctx.doc, 'input', { id: 'field' });
        field.value = 'alpha beta';
        ctx.area.append(editor, field);
      },
    });
    const env = envFor(page);
    const { observation } = await env.reset(0);
    const bid = (id: string): string => new RegExp(`bid="(\\d+)" id="${id}"`).exec(observation!.text)![1]!;
    const doc = win!.document;

    expect((await env.step(`select_text("${bid('editor')}", "lorem ipsum dolor")`)).error).toBeNull();
    expect(win!.getSelection()!.toString().replace(/\s+/g, ' ')).toBe('lorem ipsum dolor');
    expect(doc.activeElement?.id).toBe('editor');
    // The first of two places that show the text.
    expect((await env.step(`select_text("${bid('editor')}", "ipsum")`)).error).toBeNull();
    expect(win!.getSelection()!.getRangeAt(0).startContainer.parentElement?.tagName).toBe('STRONG');

    expect((await env.step(`select_text("${bid('field')}", "beta")`)).error).toBeNull();
    const field = doc.getElementById('field') as HTMLInputElement;
    expect([field.selectionStart, field.selectionEnd, doc.activeElement?.id]).toEqual([6, 10, 'field']);

    expect((await env.step(`select_text("${bid('editor')}", "amet")`)).error).toBe(
      `Element [${bid('editor')}] does not show the text "amet"; its text is "lorem ipsum dolor ipsum". Give a piece of that text, exactly as written.`,
    );
    expect((await env.step(`select_text("${bid('field')}", "gamma")`)).error).toMatch(
      /does not show the text "gamma"; its text is "alpha beta"/,
    );
    expect((await env.step(`select_text("${bid('editor')}", " ")`)).error).toMatch(
      /select_text needs the text to select; got " "/,
    );
    env.dispose();
  });

  it('answer mouse actions with an error as data where the DOM has no layout', async () => {
    const env = envFor(probe);
    await env.reset(0);
    for (const action of ['mouse_click(20, 30)', 'mouse_drag(1, 2, 3, 4)', 'mouse_move(5, 5)']) {
      const result = await env.step(action);
      expect(result.error).toMatch(/needs page layout.*run this task in a browser/);
      expect(result).toMatchObject({ done: false, pageError: null });
    }
    env.dispose();
  });
});

describe('rewards', () => {
  const answer = async (text: string, successRule: 'positive' | 'perfect') => {
    const env = envFor(probe, { successRule });
    await env.reset(0);
    await env.step(`fill("6", "${text}")`);
    const result = await env.step('click("14")');
    env.dispose();
    return result;
  };

  it('count partial credit as success under raw > 0 and as failure under raw == 1', async () => {
    expect(await answer('half', 'positive')).toMatchObject({
      done: true,
      success: true,
      reward: 1,
      rawReward: 0.5,
    });
    expect(await answer('half', 'perfect')).toMatchObject({
      done: true,
      success: false,
      reward: -1,
      rawReward: 0.5,
    });
    expect(await answer('full', 'perfect')).toMatchObject({ success: true, reward: 1, rawReward: 1 });
    expect(await answer('nope', 'positive')).toMatchObject({ success: false, reward: -1, rawReward: -1 });
  });

  it("end with -1 when the task's own time limit runs out, and never when it is lifted", async () => {
    const quick = defineTask({ ...probe, name: 'probe-quick', maxTime: 0.05 });
    const timed = envFor(quick, { timeLimit: 'task' });
    await timed.reset(0);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await timed.step('noop()')).toMatchObject({ done: true, reward: -1, reason: 'timeout' });
    const lifted = envFor(quick, { timeLimit: 'off' });
    await lifted.reset(0);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await lifted.step('noop()')).done).toBe(false);
    timed.dispose();
    lifted.dispose();
  });
});

describe('page failures', () => {
  it('end the episode with a clear error when the page throws, and the env recovers on reset', async () => {
    let calls = 0;
    const flaky = defineTask({
      name: 'flaky',
      description: 'Throws on its first instance.',
      generate(ctx) {
        if (calls++ === 0) throw new Error('generator exploded');
        ctx.setUtterance('Fine now.');
      },
    });
    const env = envFor(flaky);
    const failed = await env.reset(0);
    expect(failed).toMatchObject({ done: true, reward: -1, observation: null });
    expect(failed.pageError).toMatch(/flaky failed to start an episode: generator exploded/);
    const recovered = await env.reset(1);
    expect(recovered.pageError).toBeNull();
    expect(recovered.observation!.utterance).toBe('Fine now.');
    env.dispose();
  });
});
