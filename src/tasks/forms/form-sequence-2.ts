import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { ordinal } from '../core/words.ts';

/**
 * Three unlabelled radio buttons and three small text boxes: check the named radio, type the number
 * into the named box (the others stay empty), then Submit.
 */
export const formSequence2 = defineTask({
  name: 'form-sequence-2',
  description: 'Check the given radio button and enter a number into the given textbox.',
  css: `
#area > div { margin: 10px 2px; }
#area input[type=text] { width: 30px; }
#subbtn { height: 40px; }
`,
  generate(ctx) {
    const radio = ctx.random.int(1, 3);
    const number = String(ctx.random.int(-10, 50));
    const box = ctx.random.int(1, 3);
    ctx.setUtterance(
      `Check the ${ordinal(radio)} radio button and enter the number "${number}" into the ${ordinal(box)} textbox.`,
    );

    const radios = [1, 2, 3].map((i) => h(ctx.doc, 'input', { type: 'radio', name: 'radio', value: i }));
    const boxes = [1, 2, 3].map((i) => h(ctx.doc, 'input', { type: 'text', id: `input-${i}` }));
    const submit = h(ctx.doc, 'button', { id: 'subbtn' }, 'Submit');
    submit.addEventListener('click', () => {
      const radioOk = radios[radio - 1]?.checked === true;
      const boxesOk = boxes.every((b, i) => b.value === (i + 1 === box ? number : ''));
      if (radioOk && boxesOk) ctx.succeed();
      else ctx.fail('wrong radio button or textbox contents');
    });
    ctx.area.append(
      h(ctx.doc, 'div', {}, ...radios),
      h(ctx.doc, 'div', {}, ...boxes),
      h(ctx.doc, 'div', {}, submit),
    );
  },
});
