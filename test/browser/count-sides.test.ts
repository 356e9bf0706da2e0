import { afterEach, describe, expect, it } from 'vitest';
import { TaskEnv } from '../../src/env/env.ts';
import { IframePageHost, taskPageUrl } from '../../src/env/iframe-host.ts';
import { allElements, byRole, textOf } from '../../src/experts/find.ts';
import { getTask } from '../../src/tasks/registry.ts';

/**
 * count-sides shows its answer only in a canvas, so its reward rule is checked by reading the
 * pixels (what an agent that sees the screen would do): corners are the dark runs on a circle
 * through them.
 */
const envs: TaskEnv[] = [];
afterEach(() => envs.splice(0).forEach((env) => env.dispose()));

function canvasOf(): HTMLCanvasElement {
  const iframe = document.querySelector('iframe')!;
  return iframe.contentDocument!.querySelector('canvas')!;
}

/** Dark runs around the circle of radius 35 about the canvas's middle, where the corners lie. */
function cornersOnCanvas(canvas: HTMLCanvasElement): number {
  const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  const SAMPLES = 720;
  const dark = Array.from({ length: SAMPLES }, (_, i) => {
    const angle = (2 * Math.PI * i) / SAMPLES;
    const x = Math.round(75 + 35 * Math.cos(angle));
    const y = Math.round(50 + 35 * Math.sin(angle));
    return (pixels.data[(y * canvas.width + x) * 4 + 3] as number) > 100;
  });
  // Anti-aliasing breaks a corner's run into pieces a few degrees apart; corners are 51 degrees
  // apart or more, so dark samples within 6 degrees of each other belong to one corner.
  const GAP = 12;
  const indices = dark.flatMap((isDark, i) => (isDark ? [i] : []));
  let corners = 0;
  for (const [k, i] of indices.entries()) {
    const previous = indices[(k + indices.length - 1) % indices.length] as number;
    if ((i - previous + SAMPLES) % SAMPLES > GAP || indices.length === 1) corners++;
  }
  return corners;
}

describe('count-sides', { timeout: 30_000 }, () => {
  it('gives +1 for the number of sides drawn, -1 for another, and redraws the same shape from a seed', async () => {
    const env = new TaskEnv(
      new IframePageHost(taskPageUrl('count-sides'), document.body, 'count-sides'),
      {},
      getTask('count-sides'),
    );
    envs.push(env);
    const seen = new Set<number>();
    for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const press = async (wrong: boolean) => {
        const start = await env.reset(seed);
        const sides = cornersOnCanvas(canvasOf());
        seen.add(sides);
        const buttons = allElements(start.observation!.tree, byRole('button'));
        const button = buttons.find((b) => (Number(textOf(b)) === sides) !== wrong)!;
        return { sides, picture: canvasOf().toDataURL(), result: await env.step(`click("${button.bid}")`) };
      };
      const right = await press(false);
      expect(right.result, `seed ${seed}: ${right.sides} corners`).toMatchObject({
        done: true,
        rawReward: 1,
      });
      const wrong = await press(true);
      expect(wrong.result, `seed ${seed}`).toMatchObject({ done: true, success: false, rawReward: -1 });
      expect(wrong.picture, `seed ${seed}: the same seed draws the same shape`).toBe(right.picture);
    }
    expect(seen.size, 'seeds draw shapes of different numbers of sides').toBeGreaterThan(2);
  });
});
