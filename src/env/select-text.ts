import { dispatch, focusFromPress } from './dom-events.ts';

/**
 * `select_text(bid, text)`: selects the first place the element shows `text`, where a person would
 * drag over it. An element's text is matched as the observation shows it, runs of white space read
 * as one space, so what the model copies from the page is found; a text field's value is matched as
 * written. In a text field the field's own selection is set; elsewhere the document's, across
 * whatever inline elements the text spans.
 */
export function selectText(win: Window, element: HTMLElement, bid: string, text: string): string | null {
  const wanted = text.replace(/\s+/g, ' ');
  if (wanted.trim() === '') return `select_text needs the text to select; got ${JSON.stringify(text)}.`;
  if (element.tagName === 'INPUT' || element.tagName === 'TEXTAREA') {
    const field = element as HTMLInputElement;
    const start = field.value.indexOf(text);
    if (start < 0) return notShown(bid, text, field.value);
    focusFromPress(field);
    field.setSelectionRange?.(start, start + text.length);
    dispatch(win, field, 'Event', 'select');
    return null;
  }
  const positions = textPositions(element);
  const shown = positions.map((p) => p.char).join('');
  const start = shown.indexOf(wanted);
  if (start < 0) return notShown(bid, text, shown);
  const first = positions[start]!;
  const last = positions[start + wanted.length - 1]!;
  const selection = win.getSelection?.();
  if (!selection) return 'This page has no text selection to set.';
  // A press on text focuses its editor (or blurs what had focus), before the drag selects.
  focusFromPress(first.node.parentElement ?? element);
  selection.setBaseAndExtent(first.node, first.offset, last.node, last.offset + 1);
  return null;
}

interface TextPosition {
  char: string;
  node: Text;
  offset: number;
}

/** Every shown character of the element's text, white space collapsed, with where it lies. */
function textPositions(element: HTMLElement): TextPosition[] {
  const positions: TextPosition[] = [];
  const walker = element.ownerDocument.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const data = node.data;
    for (let offset = 0; offset < data.length; offset++) {
      const char = /\s/.test(data[offset]!) ? ' ' : data[offset]!;
      if (char === ' ' && (positions.length === 0 || positions.at(-1)!.char === ' ')) continue;
      positions.push({ char, node, offset });
    }
  }
  if (positions.at(-1)?.char === ' ') positions.pop();
  return positions;
}

function notShown(bid: string, text: string, shown: string): string {
  const preview = shown.length > 80 ? `${shown.slice(0, 80)}...` : shown;
  return `Element [${bid}] does not show the text ${JSON.stringify(text)}; its text is ${JSON.stringify(preview)}. Give a piece of that text, exactly as written.`;
}
