import type { Action } from './actions.ts';
import { BID_ATTRIBUTE } from './bids.ts';
import { dispatch, focusFromPress, pointerTarget, type EventClass } from './dom-events.ts';

/**
 * The mouse at coordinates, as a person moves it: `mouse_move`, `mouse_down`, `mouse_up`,
 * `mouse_click` and `mouse_drag` fire the pointer and mouse events a browser fires (over/out on the
 * elements the pointer enters and leaves, move with the held button, down, up, then click on what
 * both the press and the release hit), at the element under the point (`elementFromPoint`). A press
 * that the page does not cancel focuses what it hit and starts a text selection that moves extend,
 * so sliders, drag-and-drop (jQuery UI or plain listeners) and text highlighting work.
 *
 * Coordinates are CSS pixels of the task page's viewport, (0, 0) at its top-left corner: the numbers
 * the observation's `box=(x,y,w,h)` attributes give.
 */
export type PointerAction = Extract<Action, { x: number } | { x1: number }>;

/** The mouse of one page, kept between steps as a person's hand stays where it was. */
interface Mouse {
  x: number;
  y: number;
  over: Element | null;
  /** What the held button pressed on, or null when no button is held. */
  pressed: Element | null;
  /** Where the selection that the press started is anchored, if it started one. */
  anchor: Caret | null;
}

interface Caret {
  node: Node;
  offset: number;
}

const mice = new WeakMap<Document, Mouse>();

/** Moves between two points in this many moves, so a page that tracks the pointer sees it travel. */
const DRAG_MOVES = 12;

export function pointerAction(win: Window, doc: Document, action: PointerAction): string | null {
  const points =
    action.kind === 'mouse_drag' ? [action.x1, action.y1, action.x2, action.y2] : [action.x, action.y];
  const width = win.innerWidth;
  const height = win.innerHeight;
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i] as number;
    const y = points[i + 1] as number;
    if (!(x >= 0 && y >= 0 && x < width && y < height)) {
      return `(${x}, ${y}) is outside the task page, which is ${width}x${height} CSS pixels from (0, 0) at its top-left.`;
    }
  }
  const mouse = mice.get(doc) ?? { x: 0, y: 0, over: null, pressed: null, anchor: null };
  mice.set(doc, mouse);
  const hand = new Hand(win, doc, mouse);
  switch (action.kind) {
    case 'mouse_move':
      hand.moveTo(action.x, action.y);
      break;
    case 'mouse_down':
      hand.moveTo(action.x, action.y);
      hand.press();
      break;
    case 'mouse_up':
      hand.moveTo(action.x, action.y);
      hand.release();
      break;
    case 'mouse_click':
      hand.moveTo(action.x, action.y);
      hand.press();
      hand.release();
      break;
    case 'mouse_drag':
      hand.moveTo(action.x1, action.y1);
      hand.press();
      for (let step = 1; step <= DRAG_MOVES; step++) {
        const t = step / DRAG_MOVES;
        hand.moveTo(action.x1 + (action.x2 - action.x1) * t, action.y1 + (action.y2 - action.y1) * t);
      }
      hand.release();
      break;
  }
  return null;
}

class Hand {
  constructor(
    private readonly win: Window,
    private readonly doc: Document,
    private readonly mouse: Mouse,
  ) {}

  private under(): Element {
    return this.doc.elementFromPoint(this.mouse.x, this.mouse.y) ?? this.doc.documentElement;
  }

  private fire(
    target: Element,
    type: EventClass,
    name: string,
    extra: Record<string, unknown> = {},
  ): boolean {
    return dispatch(this.win, target, type, name, {
      clientX: this.mouse.x,
      clientY: this.mouse.y,
      screenX: this.mouse.x,
      screenY: this.mouse.y,
      button: 0,
      buttons: this.mouse.pressed ? 1 : 0,
      pointerId: 1,
      pointerType: 'mouse',
      isPrimary: true,
      ...extra,
    });
  }

  moveTo(x: number, y: number): void {
    this.mouse.x = x;
    this.mouse.y = y;
    const target = this.under();
    const before = this.mouse.over;
    if (target !== before) {
      if (before?.isConnected) {
        this.fire(before, 'PointerEvent', 'pointerout');
        this.fire(before, 'PointerEvent', 'pointerleave');
        this.fire(before, 'MouseEvent', 'mouseout', { relatedTarget: target });
        this.fire(before, 'MouseEvent', 'mouseleave', { relatedTarget: target });
      }
      this.fire(target, 'PointerEvent', 'pointerover');
      this.fire(target, 'PointerEvent', 'pointerenter');
      this.fire(target, 'MouseEvent', 'mouseover', { relatedTarget: before });
      this.fire(target, 'MouseEvent', 'mouseenter', { relatedTarget: before });
      this.mouse.over = target;
      pointerTarget.set(this.doc, target);
    }
    this.fire(target, 'PointerEvent', 'pointermove');
    this.fire(target, 'MouseEvent', 'mousemove');
    if (this.mouse.pressed && this.mouse.anchor) this.select(this.mouse.anchor, caretAt(this.doc, x, y));
  }

  press(): void {
    const target = this.under();
    this.mouse.pressed = target;
    this.mouse.anchor = null;
    this.fire(target, 'PointerEvent', 'pointerdown', { detail: 1 });
    // A page that cancels the press (a drag handle, a slider) keeps focus and selection as they were.
    if (!this.fire(target, 'MouseEvent', 'mousedown', { detail: 1 })) return;
    focusFromPress(target);
    if (isFormControl(target)) return;
    const caret = caretAt(this.doc, this.mouse.x, this.mouse.y);
    if (!caret) return;
    this.mouse.anchor = caret;
    this.select(caret, caret);
  }

  release(): void {
    const target = this.under();
    const pressed = this.mouse.pressed;
    this.mouse.pressed = null;
    this.mouse.anchor = null;
    this.fire(target, 'PointerEvent', 'pointerup', { detail: 1 });
    this.fire(target, 'MouseEvent', 'mouseup', { detail: 1 });
    // A browser clicks the innermost element that holds both where the button went down and up.
    const clicked = pressed?.isConnected ? commonAncestor(pressed, target) : null;
    if (clicked) this.fire(clicked, 'MouseEvent', 'click', { detail: 1 });
  }

  private select(anchor: Caret, focus: Caret | null): void {
    if (!focus) return;
    this.win.getSelection()?.setBaseAndExtent(anchor.node, anchor.offset, focus.node, focus.offset);
  }
}

function isFormControl(element: Element): boolean {
  return ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(element.tagName);
}

function commonAncestor(a: Element, b: Element): Element | null {
  for (let e: Element | null = a; e; e = e.parentElement) if (e.contains(b)) return e;
  return null;
}

/** The text position under a point, where a press starts a selection (null off text). */
function caretAt(doc: Document, x: number, y: number): Caret | null {
  const withPosition = doc as Document & {
    caretPositionFromPoint?(x: number, y: number): { offsetNode: Node; offset: number } | null;
  };
  const position = withPosition.caretPositionFromPoint?.(x, y);
  if (position) return { node: position.offsetNode, offset: position.offset };
  const range = doc.caretRangeFromPoint?.(x, y);
  return range ? { node: range.startContainer, offset: range.startOffset } : null;
}

/**
 * Where `click(bid)` presses, as Playwright (and so BrowserGym) decides: the element's centre,
 * scrolled into view where it is not, if the element (or something inside it, or its label) is what
 * a person would hit there. Where something covers the centre, the lab goes on to other points of the element
 * (a person clicks the part they can see: click-test-2's buttons may overlap), and refuses the click
 * only when another element covers all of it. Returns the point, or the error to report.
 */
export function clickPoint(element: Element, bid: string): { clientX: number; clientY: number } | string {
  const doc = element.ownerDocument;
  const win = doc.defaultView as Window;
  const box = element.getBoundingClientRect();
  // Options live in their select's popup, which no hit test reaches; an empty box has no point.
  if (element.tagName === 'OPTION' || box.width === 0 || box.height === 0) return centre(box);
  const inView = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < win.innerWidth && y < win.innerHeight;
  const probe = (): { point: { clientX: number; clientY: number } | null; cover: Element | null } => {
    const rect = element.getBoundingClientRect();
    let cover: Element | null = null;
    for (const [fx, fy] of PROBES) {
      const x = rect.left + rect.width * fx;
      const y = rect.top + rect.height * fy;
      if (!inView(x, y)) continue;
      const hit = doc.elementFromPoint(x, y);
      if (hit && receives(element, hit)) return { point: { clientX: x, clientY: y }, cover: null };
      cover ??= hit;
    }
    return { point: null, cover };
  };
  let found = probe();
  if (!found.point) {
    // Scrolled out of its box (a list scrolled past it) or out of the page: scroll, as Playwright does.
    element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    found = probe();
  }
  if (found.point) return found.point;
  if (!found.cover) return centre(element.getBoundingClientRect());
  return (
    `Element [${bid}] is covered by ${describe(found.cover)}, so a click would land on that instead. ` +
    'Act on what covers it first (close it or move it), or click elsewhere.'
  );
}

function centre(box: DOMRect): { clientX: number; clientY: number } {
  return { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
}

/** The centre first, then a grid over the element, inset from its edges (borders round off). */
const PROBES: readonly (readonly [number, number])[] = [
  [0.5, 0.5],
  ...[0.15, 0.5, 0.85].flatMap((fy) => [0.15, 0.5, 0.85].map((fx) => [fx, fy] as const)),
];

function receives(element: Element, hit: Element): boolean {
  if (element === hit || element.contains(hit)) return true;
  const label = hit.closest('label');
  return label !== null && (label as HTMLLabelElement).control === element;
}

function describe(element: Element): string {
  const id = element.id ? ` id="${element.id}"` : '';
  const bid = element.getAttribute(BID_ATTRIBUTE);
  return `<${element.tagName.toLowerCase()}${id}>${bid ? ` [${bid}]` : ''}`;
}
