import type { Action } from './actions.ts';
import { findByBid } from './bids.ts';
import { pageDelay } from './host.ts';
import { dispatch, focus, pointerTarget } from './dom-events.ts';
import { selectText } from './select-text.ts';
import { isVisible } from './observation.ts';
import { clickPoint, pointerAction } from './pointer.ts';

/**
 * Carries out a parsed action on a document with real DOM events, in the order a browser fires them
 * for a person (pointer, mouse, focus, keyboard, input, change), so any page's listeners fire, jQuery
 * and frameworks included. Returns an error message, or null when the action went through.
 */
export async function executeAction(
  doc: Document,
  action: Action,
  options: { hasLayout: boolean },
): Promise<string | null> {
  const win = doc.defaultView;
  if (!win) return 'The task page has no window: it was closed or never loaded.';
  switch (action.kind) {
    case 'noop':
      if (action.waitMs > 0) await pageDelay(win, Math.min(action.waitMs, 5000));
      return null;
    case 'keyboard_press':
      return pressKey(win, (doc.activeElement as HTMLElement | null) ?? doc.body, action.key);
    case 'scroll':
      wheel(win, doc, action.dx, action.dy);
      return null;
    case 'mouse_click':
    case 'mouse_move':
    case 'mouse_down':
    case 'mouse_up':
    case 'mouse_drag':
      if (!options.hasLayout) {
        return `${action.kind} needs page layout, which this DOM implementation does not compute; run this task in a browser.`;
      }
      return pointerAction(win, doc, action);
  }
  const found = findByBid(doc, action.bid);
  if (!found) return `No element has bid "${action.bid}" on the page. Use a bid shown in the observation.`;
  const element = found as HTMLElement;
  if (!isVisible(element)) return `Element [${action.bid}] is not visible, so it cannot be acted on.`;
  switch (action.kind) {
    case 'click': {
      if (isDisabled(element)) return `Element [${action.bid}] is disabled.`;
      // Without layout there is nothing to hit-test: the click goes to the element itself.
      const at = options.hasLayout ? clickPoint(element, action.bid) : centre(element);
      if (typeof at === 'string') return at;
      click(win, element, at);
      return null;
    }
    case 'hover':
      hover(win, element);
      return null;
    case 'scroll_element':
      element.scrollIntoView?.({ block: 'nearest' });
      return null;
    case 'fill':
    case 'type':
      return enterText(win, element, action.bid, action.text, action.kind === 'fill');
    case 'select_option':
      return selectOption(win, element, action.bid, action.option);
    case 'select_text':
      return selectText(win, element, action.bid, action.text);
    case 'press':
      focus(element);
      return pressKey(win, element, action.key);
  }
}

function centre(element: Element): { clientX: number; clientY: number } {
  const box = element.getBoundingClientRect?.();
  return box
    ? { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 }
    : { clientX: 0, clientY: 0 };
}

function isDisabled(element: HTMLElement): boolean {
  return (element as HTMLButtonElement).disabled === true || element.closest('fieldset[disabled]') !== null;
}

function hover(win: Window, element: Element, at = centre(element)): void {
  pointerTarget.set(element.ownerDocument, element);
  dispatch(win, element, 'PointerEvent', 'pointerover', at);
  dispatch(win, element, 'PointerEvent', 'pointerenter', at);
  dispatch(win, element, 'MouseEvent', 'mouseover', at);
  dispatch(win, element, 'MouseEvent', 'mouseenter', at);
  dispatch(win, element, 'PointerEvent', 'pointermove', at);
  dispatch(win, element, 'MouseEvent', 'mousemove', at);
}

function click(win: Window, element: HTMLElement, point: { clientX: number; clientY: number }): void {
  const at = { ...point, button: 0, detail: 1 };
  hover(win, element, point);
  dispatch(win, element, 'PointerEvent', 'pointerdown', { ...at, buttons: 1 });
  const proceed = dispatch(win, element, 'MouseEvent', 'mousedown', { ...at, buttons: 1 });
  if (proceed) focus(element);
  dispatch(win, element, 'PointerEvent', 'pointerup', at);
  dispatch(win, element, 'MouseEvent', 'mouseup', at);
  if (element.tagName === 'OPTION') {
    selectOptionElement(win, element as HTMLOptionElement);
    return;
  }
  // A synthetic click runs the element's activation behaviour (checkbox toggles, label forwards).
  dispatch(win, element, 'MouseEvent', 'click', at);
}

function enterText(
  win: Window,
  element: HTMLElement,
  bid: string,
  text: string,
  replace: boolean,
): string | null {
  const editable = element.isContentEditable || element.getAttribute('contenteditable') === 'true';
  const isText =
    element.tagName === 'TEXTAREA' ||
    (element.tagName === 'INPUT' &&
      !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'image', 'range', 'color'].includes(
        (element as HTMLInputElement).type,
      ));
  if (!isText && !editable)
    return `Element [${bid}] is a <${element.tagName.toLowerCase()}>, not a text field: it cannot be filled.`;
  if (isDisabled(element) || (element as HTMLInputElement).readOnly)
    return `Element [${bid}] is disabled or read-only.`;
  focus(element);
  // A focus handler may disable the field (a popup opening, say): then typing goes nowhere.
  if (isDisabled(element)) return `Element [${bid}] became disabled when focused.`;
  const field = element as HTMLInputElement;
  const read = (): string => (editable ? (element.textContent ?? '') : field.value);
  const write = (value: string): void => {
    if (editable) element.textContent = value;
    else setNativeValue(field, value);
  };
  if (replace) {
    write(text);
    dispatch(win, element, 'InputEvent', 'input', { inputType: 'insertText', data: text });
  } else {
    for (const ch of text) {
      const key = keyInfo(ch);
      // A page that cancels the keydown (a spinner that takes digits only, say) keeps the character out.
      if (dispatch(win, element, 'KeyboardEvent', 'keydown', key)) {
        dispatch(win, element, 'KeyboardEvent', 'keypress', { ...key, charCode: ch.charCodeAt(0) });
        write(read() + ch);
        dispatch(win, element, 'InputEvent', 'input', { inputType: 'insertText', data: ch });
      }
      dispatch(win, element, 'KeyboardEvent', 'keyup', key);
    }
  }
  dispatch(win, element, 'Event', 'change');
  return null;
}

/** Sets a field's value through the prototype's setter, so frameworks that track values notice. */
function setNativeValue(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = Object.getPrototypeOf(field) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(field, value);
  else field.value = value;
}

function selectOption(win: Window, element: HTMLElement, bid: string, option: string): string | null {
  if (element.tagName !== 'SELECT')
    return `Element [${bid}] is a <${element.tagName.toLowerCase()}>, not a <select>.`;
  const select = element as HTMLSelectElement;
  const wanted = option.trim();
  const options = Array.from(select.options);
  const match =
    options.find((o) => (o.textContent ?? '').trim() === wanted) ??
    options.find((o) => o.value === wanted) ??
    options.find((o) => (o.textContent ?? '').trim().toLowerCase() === wanted.toLowerCase());
  if (!match) {
    const names = options.map((o) => JSON.stringify((o.textContent ?? '').trim())).join(', ');
    return `Select [${bid}] has no option ${JSON.stringify(option)}. Options: ${names}.`;
  }
  focus(select);
  selectOptionElement(win, match);
  return null;
}

function selectOptionElement(win: Window, option: HTMLOptionElement): void {
  const select = option.closest('select');
  option.selected = true;
  if (select) {
    dispatch(win, select, 'InputEvent', 'input');
    dispatch(win, select, 'Event', 'change');
  }
}

/** Keys by name; a Map, because the name comes from the model and must not find `toString`. */
const NAMED_KEYS = new Map<string, { code: string; keyCode: number; text?: string }>([
  ['Enter', { code: 'Enter', keyCode: 13, text: '\r' }],
  ['Tab', { code: 'Tab', keyCode: 9 }],
  ['Backspace', { code: 'Backspace', keyCode: 8 }],
  ['Delete', { code: 'Delete', keyCode: 46 }],
  ['Escape', { code: 'Escape', keyCode: 27 }],
  ['ArrowUp', { code: 'ArrowUp', keyCode: 38 }],
  ['ArrowDown', { code: 'ArrowDown', keyCode: 40 }],
  ['ArrowLeft', { code: 'ArrowLeft', keyCode: 37 }],
  ['ArrowRight', { code: 'ArrowRight', keyCode: 39 }],
  ['Home', { code: 'Home', keyCode: 36 }],
  ['End', { code: 'End', keyCode: 35 }],
  ['PageUp', { code: 'PageUp', keyCode: 33 }],
  ['PageDown', { code: 'PageDown', keyCode: 34 }],
  ['Space', { code: 'Space', keyCode: 32, text: ' ' }],
  ['Shift', { code: 'ShiftLeft', keyCode: 16 }],
  ['Control', { code: 'ControlLeft', keyCode: 17 }],
  ['Alt', { code: 'AltLeft', keyCode: 18 }],
  ['Meta', { code: 'MetaLeft', keyCode: 91 }],
]);

function keyInfo(key: string): Record<string, unknown> {
  const named = NAMED_KEYS.get(key);
  if (named) return { key: key === 'Space' ? ' ' : key, code: named.code, keyCode: named.keyCode };
  const upper = key.toUpperCase();
  const code = /^[a-z]$/i.test(key) ? `Key${upper}` : /^\d$/.test(key) ? `Digit${key}` : '';
  return { key, code, keyCode: upper.charCodeAt(0) };
}

/** Presses a key or a chord like "Control+a" on an element, editing text fields as a browser would. */
function pressKey(win: Window, target: HTMLElement, chord: string): string | null {
  const parts = chord === '+' ? ['+'] : chord.split('+').filter((p) => p !== '');
  const key = parts.pop();
  if (!key || (key.length > 1 && !NAMED_KEYS.has(key) && !/^F\d{1,2}$/.test(key))) {
    return `Unknown key ${JSON.stringify(chord)}. Use a character or one of: ${[...NAMED_KEYS.keys()].join(', ')}, optionally with modifiers like "Control+a".`;
  }
  const modifiers = {
    ctrlKey: parts.includes('Control'),
    shiftKey: parts.includes('Shift'),
    altKey: parts.includes('Alt'),
    metaKey: parts.includes('Meta'),
  };
  const info = { ...keyInfo(key), ...modifiers };
  const proceed = dispatch(win, target, 'KeyboardEvent', 'keydown', info);
  const printable = key.length === 1 || key === 'Enter' || key === 'Space';
  if (printable && !modifiers.ctrlKey && !modifiers.metaKey) {
    dispatch(win, target, 'KeyboardEvent', 'keypress', {
      ...info,
      charCode: (NAMED_KEYS.get(key)?.text ?? key).charCodeAt(0),
    });
  }
  const field = target as HTMLInputElement;
  const isField = target.tagName === 'INPUT' || target.tagName === 'TEXTAREA';
  const shortcut = modifiers.ctrlKey || modifiers.metaKey ? key.toLowerCase() : null;
  if (proceed && isField && (shortcut === 'a' || shortcut === 'c')) {
    // Selecting and copying work in read-only fields too.
    if (shortcut === 'a') field.select?.();
    else copySelection(win, field);
  } else if (proceed && isField && !field.readOnly) {
    if (key === 'Backspace') {
      setNativeValue(field, field.value.slice(0, -1));
      dispatch(win, target, 'InputEvent', 'input', { inputType: 'deleteContentBackward' });
    } else if (shortcut === 'x') {
      if (copySelection(win, field)) replaceSelection(win, field, '', 'deleteByCut');
    } else if (shortcut === 'v') {
      const text = clipboards.get(target.ownerDocument);
      if (text !== undefined && dispatch(win, target, 'Event', 'paste'))
        replaceSelection(win, field, text, 'insertFromPaste');
    } else if (key.length === 1 && !modifiers.ctrlKey && !modifiers.metaKey) {
      setNativeValue(field, field.value + key);
      dispatch(win, target, 'InputEvent', 'input', { inputType: 'insertText', data: key });
    } else if (key === 'Enter' && target.tagName === 'TEXTAREA') {
      setNativeValue(field, `${field.value}\n`);
      dispatch(win, target, 'InputEvent', 'input', { inputType: 'insertLineBreak' });
    }
  }
  dispatch(win, target, 'KeyboardEvent', 'keyup', info);
  return null;
}

/**
 * What Control+c or Control+x last copied on a page: the lab's own clipboard, per page, since a
 * synthetic key press does not reach the system clipboard (nor should an agent's).
 */
const clipboards = new WeakMap<Document, string>();

/** Copies a field's selected text (nothing when none is selected); true when something was copied. */
function copySelection(win: Window, field: HTMLInputElement): boolean {
  const start = field.selectionStart ?? 0;
  const end = field.selectionEnd ?? 0;
  if (end <= start || !dispatch(win, field, 'Event', 'copy')) return false;
  clipboards.set(field.ownerDocument, field.value.slice(start, end));
  return true;
}

/** Puts text in place of a field's selection (at the caret when none), as typing or pasting does. */
function replaceSelection(win: Window, field: HTMLInputElement, text: string, inputType: string): void {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  setNativeValue(field, field.value.slice(0, start) + text + field.value.slice(end));
  field.setSelectionRange?.(start + text.length, start + text.length);
  dispatch(win, field, 'InputEvent', 'input', { inputType, data: text });
}

/**
 * A wheel turn over the element under the pointer, as a person scrolls: the page sees the wheel
 * event, then the nearest scrollable box (or the document) scrolls. A synthetic wheel scrolls nothing
 * by itself, so the scroll and its `scroll` event are done here.
 */
function wheel(win: Window, doc: Document, dx: number, dy: number): void {
  const under = pointerTarget.get(doc);
  const target = under?.isConnected ? under : doc.body;
  if (!dispatch(win, target, 'WheelEvent', 'wheel', { deltaX: dx, deltaY: dy, deltaMode: 0 })) return;
  let box: Element | null = target;
  while (box && box !== doc.body && !isScrollable(win, box)) box = box.parentElement;
  if (!box || box === doc.body) {
    win.scrollBy?.(dx, dy);
    return;
  }
  box.scrollTop += dy;
  box.scrollLeft += dx;
  // A browser fires `scroll` only at its next frame, which a fast driver may outrun: fire it now.
  box.dispatchEvent(new (win as unknown as typeof globalThis).Event('scroll'));
}

function isScrollable(win: Window, element: Element): boolean {
  if (
    element.tagName === 'TEXTAREA' ||
    (element.tagName === 'SELECT' && (element as HTMLSelectElement).multiple)
  ) {
    return true;
  }
  const style = win.getComputedStyle(element);
  return /(auto|scroll)/.test(`${style.overflow} ${style.overflowY} ${style.overflowX}`);
}
