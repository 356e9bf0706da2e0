import { h } from '../core/dom.ts';

/**
 * A slider like jQuery UI's: a track with a focusable handle. Its keys are jQuery UI's (arrows move
 * one step, Page Up and Page Down a fifth of the range, Home and End to the ends), so a text agent
 * can operate it; with layout, dragging the handle or pressing the track moves it too.
 */
export interface Slider {
  readonly element: HTMLElement;
  readonly handle: HTMLElement;
  value(): number;
}

export interface SliderOptions {
  min: number;
  max: number;
  value: number;
  vertical: boolean;
  /** Called on every change of value, with the new value. */
  onChange(value: number): void;
}

const PAGES = 5;

export function createSlider(doc: Document, options: SliderOptions): Slider {
  const { min, max, vertical } = options;
  const page = Math.max(1, Math.round((max - min) / PAGES));
  const orientation = vertical ? 'vertical' : 'horizontal';
  const handle = h(doc, 'span', { tabindex: 0, class: 'ui-slider-handle ui-corner-all ui-state-default' });
  const element = h(
    doc,
    'div',
    { class: `ui-slider ui-slider-${orientation} ui-widget ui-widget-content ui-corner-all` },
    handle,
  );
  let current = options.value;
  const set = (next: number): void => {
    const clamped = Math.max(min, Math.min(max, Math.round(next)));
    const percent = ((clamped - min) / (max - min)) * 100;
    handle.style.setProperty(vertical ? 'bottom' : 'left', `${percent}%`);
    if (clamped === current) return;
    current = clamped;
    options.onChange(clamped);
  };
  set(current);

  const KEYS: Record<string, () => number> = {
    Home: () => min,
    End: () => max,
    PageUp: () => current + page,
    PageDown: () => current - page,
    ArrowUp: () => current + 1,
    ArrowRight: () => current + 1,
    ArrowDown: () => current - 1,
    ArrowLeft: () => current - 1,
  };
  handle.addEventListener('keydown', (event) => {
    const key = KEYS[event.key];
    if (!key) return;
    event.preventDefault();
    set(key());
  });

  // Pointer use needs layout: without it (a DOM implementation in Node) the track has no size.
  const valueAt = (event: MouseEvent): number | null => {
    const box = element.getBoundingClientRect();
    const length = vertical ? box.height : box.width;
    if (length <= 0) return null;
    const fraction = vertical ? (box.bottom - event.clientY) / length : (event.clientX - box.left) / length;
    return min + Math.max(0, Math.min(1, fraction)) * (max - min);
  };
  // The document hears the drag only while one is under way, so old episodes leave no listeners.
  const move = (event: MouseEvent): void => {
    const at = valueAt(event);
    if (at !== null) set(at);
  };
  const release = (): void => {
    doc.removeEventListener('mousemove', move);
    doc.removeEventListener('mouseup', release);
  };
  element.addEventListener('mousedown', (event) => {
    const at = valueAt(event);
    if (at === null) return;
    handle.focus();
    // Grabbing the handle keeps the value until it moves; pressing the track jumps there.
    if (event.target !== handle) set(at);
    doc.addEventListener('mousemove', move);
    doc.addEventListener('mouseup', release);
  });
  return { element, handle, value: () => current };
}

export const SLIDER_CSS = `
.ui-slider { position: relative; background: #eee; border: 1px solid #ddd; border-radius: 3px; }
.ui-slider-horizontal { height: 8px; margin: 8px 6px; }
.ui-slider-vertical { width: 8px; margin: 6px 8px; }
.ui-slider-handle { position: absolute; width: 12px; height: 12px; background: #f6f6f6; border: 1px solid #c5c5c5; border-radius: 3px; cursor: pointer; }
.ui-slider-horizontal .ui-slider-handle { top: -3px; margin-left: -6px; }
.ui-slider-vertical .ui-slider-handle { left: -3px; margin-bottom: -6px; }
`;
