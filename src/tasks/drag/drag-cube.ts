import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

type Side = 'front' | 'back' | 'left' | 'right' | 'top' | 'bottom';
const SIDES: readonly Side[] = ['front', 'back', 'left', 'right', 'top', 'bottom'];
/** Where each side goes when the cube rolls one quarter turn in a drag's direction. */
const ROLLS: Record<'left' | 'right' | 'up' | 'down', Partial<Record<Side, Side>>> = {
  right: { front: 'right', right: 'back', back: 'left', left: 'front' },
  left: { front: 'left', left: 'back', back: 'right', right: 'front' },
  down: { front: 'bottom', bottom: 'back', back: 'top', top: 'front' },
  up: { front: 'top', top: 'back', back: 'bottom', bottom: 'front' },
};
/** A drag shorter than this turns nothing. */
const MIN_DRAG = 15;

/**
 * A 3D cube (CSS transforms) with the digits 1-6 on its sides: each drag rolls it a quarter turn
 * the way the drag went; Submit gives +1 when the side asked faces the viewer, -1 otherwise. Each
 * side's place is its class (front, top, ...), which is how the page lays it out in 3D. The
 * official page was not at hand; this follows its listed aim ("drag a 3D cube to show a specific
 * face").
 */
export const dragCube = defineTask({
  name: 'drag-cube',
  description: 'Roll the cube by dragging until the side asked faces you, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  maxTime: 20,
  css: `
#cube-scene { width: 120px; height: 110px; margin: 5px auto 0; perspective: 300px; cursor: move; user-select: none; }
#cube { position: relative; width: 50px; height: 50px; top: 30px; left: 35px; transform-style: preserve-3d; transform: rotateX(-20deg) rotateY(-25deg); }
#cube .face { position: absolute; box-sizing: border-box; width: 50px; height: 50px; border: 2px solid #333; background: rgba(240, 240, 240, 0.9); font: bold 22px/46px sans-serif; text-align: center; }
#cube .front { transform: translateZ(25px); }
#cube .back { transform: rotateY(180deg) translateZ(25px); }
#cube .right { transform: rotateY(90deg) translateZ(25px); }
#cube .left { transform: rotateY(-90deg) translateZ(25px); }
#cube .top { transform: rotateX(90deg) translateZ(25px); }
#cube .bottom { transform: rotateX(-90deg) translateZ(25px); }
#subbtn { display: block; margin: 8px auto 0; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    const places = random.shuffle(SIDES);
    const faces = places.map((side, i) => h(doc, 'div', { class: `face ${side}` }, i + 1));
    const placeOf = new Map(faces.map((face, i) => [face, places[i] as Side]));
    const target = random.pick(faces.filter((face) => placeOf.get(face) !== 'front'));
    ctx.setUtterance(`Drag the cube until side ${target.textContent} faces you, then press Submit.`);
    const scene = h(doc, 'div', { id: 'cube-scene' }, h(doc, 'div', { id: 'cube' }, ...faces));
    let start: { x: number; y: number } | null = null;
    scene.addEventListener('mousedown', (event) => {
      event.preventDefault();
      start = { x: event.clientX, y: event.clientY };
    });
    doc.addEventListener('mouseup', (event) => {
      if (!start) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      start = null;
      if (Math.max(Math.abs(dx), Math.abs(dy)) < MIN_DRAG) return;
      const roll =
        Math.abs(dx) >= Math.abs(dy) ? ROLLS[dx > 0 ? 'right' : 'left'] : ROLLS[dy > 0 ? 'down' : 'up'];
      for (const face of faces) {
        const next = roll[placeOf.get(face)!];
        if (!next) continue;
        placeOf.set(face, next);
        face.className = `face ${next}`;
      }
    });
    const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const front = faces.find((face) => placeOf.get(face) === 'front');
      if (front === target) ctx.succeed();
      else ctx.fail(`side ${front?.textContent} faces the viewer`);
    });
    ctx.area.append(scene, submit);
  },
});
