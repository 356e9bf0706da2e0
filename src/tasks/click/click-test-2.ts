import { h } from '../core/dom.ts';
import { defineTask, type RegisteredTask, type TaskContext } from '../core/task.ts';

/** Button ONE and button TWO at random places; the instruction asks for ONE, TWO fails. */
function generateOneOrTwo(ctx: TaskContext): void {
  ctx.setUtterance('Click button ONE.');
  const place = (): string =>
    `position:absolute; left:${ctx.random.int(0, 117)}px; top:${ctx.random.int(0, 117)}px`;
  const one = h(ctx.doc, 'button', { id: 'subbtn', style: place() }, 'ONE');
  const two = h(ctx.doc, 'button', { id: 'subbtn2', style: place() }, 'TWO');
  one.addEventListener('click', () => ctx.succeed());
  two.addEventListener('click', () => ctx.fail('clicked TWO'));
  ctx.area.append(one, two);
}

const twoButtonsCss = '#subbtn, #subbtn2 { width: 40px; height: 40px; }';

export const clickTest2 = defineTask({
  name: 'click-test-2',
  description: 'Click button ONE of two buttons.',
  css: twoButtonsCss,
  // Only the positions change, and the observation leaves layout out.
  observationVaries: false,
  generate: generateOneOrTwo,
});

/**
 * The official page asks for TWO only in its "test" data mode; the lab has no data modes, so it
 * always runs the training mode, which is click-test-2.
 */
export const clickTestTransfer: RegisteredTask = defineTask({
  name: 'click-test-transfer',
  description: 'Click button ONE of two buttons (the training mode of a train/test transfer task).',
  css: twoButtonsCss,
  observationVaries: false,
  generate: generateOneOrTwo,
});
