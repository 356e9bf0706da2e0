import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { loremWords } from '../core/lorem.ts';

const MIN_SIDE = 20;
type Edge = 'e' | 's' | 'se';

/**
 * A textarea in a resizable frame with handles on its right edge, bottom edge and corner (as
 * jQuery UI's resizable draws them): dragging a handle resizes it. Submit gives +1 when the
 * dimension asked grew or shrank as asked, -1 otherwise. The official page was not at hand; this
 * follows its listed aim (resize a textarea in a given direction).
 */
export const resizeTextarea = defineTask({
  name: 'resize-textarea',
  description: 'Resize the textarea as asked by dragging its handles, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css: `
#resizable { position: relative; margin: 6px 0 0 6px; box-sizing: border-box; }
#resizable textarea { width: 100%; height: 100%; box-sizing: border-box; resize: none; font-size: 10px; }
#resizable .ui-resizable-handle { position: absolute; background: #bbb; }
#resizable .ui-resizable-e { top: 0; right: -6px; width: 6px; height: 100%; cursor: e-resize; }
#resizable .ui-resizable-s { left: 0; bottom: -6px; width: 100%; height: 6px; cursor: s-resize; }
#resizable .ui-resizable-se { right: -9px; bottom: -9px; width: 9px; height: 9px; background: #666; cursor: se-resize; }
#subbtn { display: block; margin: 14px 0 0 6px; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    const dimension = random.pick(['width', 'height'] as const);
    const change = random.pick(['larger', 'smaller'] as const);
    ctx.setUtterance(
      `Resize the textarea so that the ${dimension} is ${change} than its initial size, then press Submit.`,
    );
    const initial = { width: random.int(60, 120), height: random.int(40, 90) };
    const size = { ...initial };
    const frame = h(doc, 'div', {
      id: 'resizable',
      class: 'ui-resizable',
      style: `width:${size.width}px; height:${size.height}px`,
    });
    const text = h(doc, 'textarea', { id: 'text-area' });
    text.value = loremWords(random, random.int(4, 10)).join(' ');
    frame.append(text);
    let grab: { edge: Edge; x: number; y: number; from: typeof size } | null = null;
    for (const edge of ['e', 's', 'se'] as const) {
      const handle = h(doc, 'div', { class: `ui-resizable-handle ui-resizable-${edge}` });
      handle.addEventListener('mousedown', (event) => {
        event.preventDefault();
        grab = { edge, x: event.clientX, y: event.clientY, from: { ...size } };
      });
      frame.append(handle);
    }
    doc.addEventListener('mousemove', (event) => {
      if (!grab) return;
      if (grab.edge !== 's') size.width = Math.max(MIN_SIDE, grab.from.width + event.clientX - grab.x);
      if (grab.edge !== 'e') size.height = Math.max(MIN_SIDE, grab.from.height + event.clientY - grab.y);
      frame.style.width = `${size.width}px`;
      frame.style.height = `${size.height}px`;
    });
    doc.addEventListener('mouseup', () => {
      grab = null;
    });
    const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const grown = size[dimension] - initial[dimension];
      if (change === 'larger' ? grown > 0 : grown < 0) ctx.succeed();
      else ctx.fail(`the ${dimension} went from ${initial[dimension]} to ${size[dimension]} px`);
    });
    ctx.area.append(frame, submit);
  },
});
