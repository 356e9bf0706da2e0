import { afterEach, describe, expect, it } from 'vitest';
import { parseAction } from '../../src/env/actions.ts';
import { assignBids } from '../../src/env/bids.ts';
import { executeAction } from '../../src/env/execute.ts';
import { firstElement } from '../../src/experts/find.ts';
import { observeTree, renderAxTree, renderHtml } from '../../src/env/observation.ts';

/**
 * The mouse at coordinates and the hit test of click(bid), on this test page's own document
 * (Chromium lays it out): elements are pinned at known places with position: fixed.
 */
const added: Element[] = [];
afterEach(() => {
  added.splice(0).forEach((e) => e.remove());
  window.getSelection()?.removeAllRanges();
});

function pinned(tag: string, x: number, y: number, width: number, height: number, text = ''): HTMLElement {
  const element = document.createElement(tag);
  element.style.cssText = `position:fixed; left:${x}px; top:${y}px; width:${width}px; height:${height}px; margin:0; padding:0; border:0; font:14px monospace; line-height:20px; user-select:text`;
  element.textContent = text;
  document.body.append(element);
  added.push(element);
  return element;
}

async function act(text: string): Promise<string | null> {
  const parsed = parseAction(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return executeAction(document, parsed.action, { hasLayout: true });
}

function record(element: Element, names: string[]): string[] {
  const seen: string[] = [];
  for (const name of names) {
    element.addEventListener(name, (event) => {
      const e = event as MouseEvent;
      seen.push(`${name}@${e.clientX},${e.clientY}/${e.buttons}`);
    });
  }
  return seen;
}

describe('mouse actions at coordinates', () => {
  it('click fires pointer and mouse events at the point, on the element there', async () => {
    const button = pinned('button', 20, 30, 60, 40, 'OK');
    const seen = record(button, ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']);
    expect(await act('mouse_click(50, 50)')).toBeNull();
    expect(seen).toEqual([
      'pointerdown@50,50/1',
      'mousedown@50,50/1',
      'pointerup@50,50/0',
      'mouseup@50,50/0',
      'click@50,50/0',
    ]);
    expect(document.activeElement).toBe(button);
    expect(await act('mouse_click(150, 150)')).toBeNull();
    expect(seen).toHaveLength(5);
  });

  it('drag moves an element that follows plain mouse listeners, with the button held', async () => {
    const box = pinned('div', 10, 10, 30, 30);
    let grab: { dx: number; dy: number } | null = null;
    const moves: number[] = [];
    box.addEventListener('mousedown', (e) => {
      grab = { dx: e.clientX - box.offsetLeft, dy: e.clientY - box.offsetTop };
      e.preventDefault();
    });
    document.addEventListener('mousemove', (e) => {
      moves.push(e.buttons);
      if (!grab) return;
      box.style.left = `${e.clientX - grab.dx}px`;
      box.style.top = `${e.clientY - grab.dy}px`;
    });
    document.addEventListener('mouseup', () => (grab = null));
    expect(await act('mouse_drag(25, 25, 125, 85)')).toBeNull();
    expect(box.getBoundingClientRect()).toMatchObject({ left: 110, top: 70 });
    expect(moves.length).toBeGreaterThan(5);
    expect(moves.slice(1).every((b) => b === 1)).toBe(true);
    // Down, move and up as separate steps do the same.
    await act('mouse_down(125, 85)');
    await act('mouse_move(60, 60)');
    await act('mouse_up(60, 60)');
    expect(box.getBoundingClientRect()).toMatchObject({ left: 45, top: 45 });
  });

  it('drag across text selects it, as a person highlights', async () => {
    pinned('p', 10, 100, 300, 20, 'alpha beta gamma delta');
    // 14px monospace: about 8.4px a character; from inside "beta" to inside "gamma".
    expect(await act('mouse_drag(60, 110, 130, 110)')).toBeNull();
    const selected = window.getSelection()!.toString();
    expect(selected.length).toBeGreaterThan(4);
    expect('alpha beta gamma delta').toContain(selected);
    expect(selected).toContain(' ');
  });

  it('answer a point outside the page with an error', async () => {
    expect(await act(`mouse_click(${window.innerWidth + 5}, 10)`)).toMatch(/outside the task page/);
  });
});

describe('click(bid) as a person clicks', () => {
  it('presses the part of a partly covered element that shows, and refuses one covered whole', async () => {
    const target = pinned('button', 20, 20, 40, 40, 'ONE');
    const cover = pinned('button', 20, 20, 30, 40, 'TWO');
    let clicks = 0;
    let coverClicks = 0;
    let at = 0;
    target.addEventListener('click', (e) => {
      clicks++;
      at = e.clientX;
    });
    cover.addEventListener('click', () => coverClicks++);
    assignBids(document);
    const bid = target.getAttribute('bid')!;
    expect(await act(`click("${bid}")`)).toBeNull();
    expect(clicks).toBe(1);
    expect(at).toBeGreaterThan(50);
    cover.style.width = '40px';
    const refused = await act(`click("${bid}")`);
    expect(refused).toMatch(new RegExp(`Element \\[${bid}\\] is covered by <button> \\[\\d+\\]`));
    expect(clicks).toBe(1);
    expect(coverClicks).toBe(0);
    // What a person does instead: the click at the point lands on what is on top.
    expect(await act('mouse_click(40, 40)')).toBeNull();
    expect(coverClicks).toBe(1);
  });
});

describe('positions in the observation', () => {
  it('give each element its box in page pixels when asked, and only then', async () => {
    const shape = pinned('div', 12, 34, 56, 78);
    shape.className = 'shape';
    assignBids(document);
    const bid = shape.getAttribute('bid')!;
    const tree = observeTree(document, { positions: true })!;
    expect(firstElement(tree, (e) => e.bid === bid)!.box).toEqual({ x: 12, y: 34, width: 56, height: 78 });
    expect(renderHtml(tree)).toContain(`<div bid="${bid}" class="shape" box="(12,34,56,78)">`);
    expect(renderAxTree(tree)).toContain(`[${bid}] generic class="shape" box=(12,34,56,78)`);
    expect(renderHtml(observeTree(document)!)).not.toContain('box=');
  });
});
