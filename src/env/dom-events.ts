/** Firing DOM events on a task page as a browser does for a person: shared by bid and pointer actions. */
export type EventClass =
  'Event' | 'MouseEvent' | 'PointerEvent' | 'FocusEvent' | 'KeyboardEvent' | 'InputEvent' | 'WheelEvent';

/** Fires an event built with the page's own constructors (falling back where an implementation lacks one). */
export function dispatch(
  win: Window,
  target: EventTarget,
  type: EventClass,
  name: string,
  init: Record<string, unknown> = {},
): boolean {
  const constructors = win as unknown as Record<string, typeof Event | undefined>;
  const fallback = type === 'PointerEvent' || type === 'WheelEvent' ? 'MouseEvent' : 'Event';
  const Ctor = constructors[type] ?? constructors[fallback] ?? constructors.Event;
  if (!Ctor) return true;
  const bubbles = !['mouseenter', 'mouseleave', 'pointerenter', 'pointerleave', 'focus', 'blur'].includes(
    name,
  );
  const event = new Ctor(name, {
    bubbles,
    cancelable: true,
    composed: true,
    view: win,
    ...init,
  } as EventInit);
  if (type === 'KeyboardEvent') {
    // keyCode and which are read-only legacy fields that old pages (jQuery handlers) still test.
    const code = init.keyCode as number;
    Object.defineProperty(event, 'keyCode', { get: () => code });
    Object.defineProperty(event, 'which', { get: () => code });
  }
  return actingIn(win.document, () => target.dispatchEvent(event));
}

/**
 * The page an action is acting on while its events are dispatched (and the page's own handlers
 * run, which may move the focus themselves); null between actions.
 */
let acting: Document | null = null;

function actingIn<T>(doc: Document, run: () => T): T {
  const outer = acting;
  acting = doc;
  try {
    return run();
  } finally {
    acting = outer;
  }
}

function focusable(element: HTMLElement): boolean {
  const tag = element.tagName;
  return (
    ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A'].includes(tag) ||
    element.tabIndex >= 0 ||
    element.isContentEditable
  );
}

/** Focuses the element as a press on it does: a focusable element takes focus, anything else blurs. */
export function focus(element: HTMLElement): void {
  const doc = element.ownerDocument;
  if (doc.activeElement === element) return;
  actingIn(doc, () => {
    if (focusable(element)) element.focus();
    else (doc.activeElement as HTMLElement | null)?.blur?.();
  });
}

/** A press anywhere inside a focusable element (a span in a button) focuses that element. */
export function focusFromPress(target: Element): void {
  for (let e: Element | null = target; e; e = e.parentElement) {
    if (e instanceof e.ownerDocument.defaultView!.HTMLElement && focusable(e)) {
      focus(e);
      return;
    }
  }
  focus(target as HTMLElement);
}

/** The element the pointer is over, per page: where a wheel turns. */
export const pointerTarget = new WeakMap<Document, Element>();

/**
 * Pages in iframes of one document share the browser's focus: focusing an element in one frame
 * blurs the focused element of every other frame, which a person on one page never sees, and
 * which cancels, say, a jQuery UI autocomplete's search there. As Playwright's focus emulation lets
 * every page keep its focus, this drops the blur (and focusout) a page gets while an action acts
 * on another page (its events, the focus it gives, and what that page's handlers do then). A blur
 * within the page itself still goes through.
 */
export function keepFocusAcrossFrames(win: Window): void {
  const drop = (event: Event): void => {
    if (acting !== null && acting !== win.document && event.target !== win) event.stopImmediatePropagation();
  };
  win.addEventListener('blur', drop, true);
  win.addEventListener('focusout', drop, true);
}
