import { h } from '../core/dom.ts';
import { loremWords } from '../core/lorem.ts';
import { defineTask, type TaskContext } from '../core/task.ts';

/**
 * A small rich-text editor (a toolbar of Bold, Italic, Underline and a text colour over an editable
 * box, in the shape of the Quill editor the official page uses) and a Submit button. The utterance
 * asks for one word of the text, or everything, to be given a style; Submit earns +1 when the words
 * show exactly that style and no other, -1 otherwise. The official page was not at hand; this is
 * its aim as its listing and the reimplementations of it describe it. The style of the white space
 * between words is not judged: it does not show for bold or italics, and a person selecting a word
 * by dragging often takes a space with it.
 *
 * The agent selects the text with `select_text(bid, text)` (env/select-text.ts), which works without
 * layout, or by dragging the mouse over it in a browser; the toolbar then styles the selection.
 */

const STYLES = ['bold', 'italics', 'underlined', 'color'] as const;
const TEXT_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;

type Toggle = 'bold' | 'italic' | 'underline';

interface Format {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  color: string;
}

interface StyledChar extends Format {
  char: string;
}

const PLAIN: Format = { bold: false, italic: false, underline: false, color: '' };

/** The editor's text, character by character, with the style each shows (read from the DOM). */
function readChars(content: HTMLElement): StyledChar[] {
  const chars: StyledChar[] = [];
  const walker = content.ownerDocument.createTreeWalker(content, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const format = { ...PLAIN };
    for (let e = node.parentElement; e && e !== content; e = e.parentElement) {
      if (e.tagName === 'STRONG' || e.tagName === 'B') format.bold = true;
      if (e.tagName === 'EM' || e.tagName === 'I') format.italic = true;
      if (e.tagName === 'U') format.underline = true;
      // The innermost colour is the one shown.
      if (!format.color && e.style.color) format.color = e.style.color;
    }
    for (const char of node.textContent ?? '') chars.push({ char, ...format });
  }
  return chars;
}

/** Writes the characters back as one paragraph, each run of one style wrapped in its tags. */
function render(content: HTMLElement, chars: readonly StyledChar[]): void {
  const doc = content.ownerDocument;
  const paragraph = h(doc, 'p');
  let i = 0;
  while (i < chars.length) {
    const first = chars[i] as StyledChar;
    let j = i + 1;
    while (j < chars.length && sameFormat(chars[j] as StyledChar, first)) j++;
    let run: Node = doc.createTextNode(
      chars
        .slice(i, j)
        .map((c) => c.char)
        .join(''),
    );
    if (first.underline) run = h(doc, 'u', {}, run);
    if (first.italic) run = h(doc, 'em', {}, run);
    if (first.bold) run = h(doc, 'strong', {}, run);
    if (first.color) run = h(doc, 'span', { style: `color: ${first.color}` }, run);
    paragraph.append(run);
    i = j;
  }
  content.replaceChildren(paragraph);
}

function sameFormat(a: Format, b: Format): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.underline === b.underline && a.color === b.color;
}

/** The selection inside the editor as character offsets, or null when it is elsewhere or empty. */
function selectedRange(content: HTMLElement): { start: number; end: number } | null {
  const selection = content.ownerDocument.defaultView?.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!content.contains(range.startContainer) || !content.contains(range.endContainer)) return null;
  const offset = (node: Node, at: number): number => {
    const before = content.ownerDocument.createRange();
    before.setStart(content, 0);
    before.setEnd(node, at);
    return before.toString().length;
  };
  return {
    start: offset(range.startContainer, range.startOffset),
    end: offset(range.endContainer, range.endOffset),
  };
}

function buildEditor(ctx: TaskContext, text: string): { content: HTMLElement; toolbar: HTMLElement } {
  const { doc } = ctx;
  const content = h(doc, 'div', { class: 'ql-editor', contenteditable: 'true' });
  render(
    content,
    Array.from(text, (char) => ({ char, ...PLAIN })),
  );
  // Editors keep the last selection made in them: focusing a toolbar control may take it away.
  let saved: { start: number; end: number } | null = null;
  doc.addEventListener('selectionchange', () => {
    if (content.isConnected) saved = selectedRange(content) ?? saved;
  });
  const restyle = (change: (c: StyledChar, all: readonly StyledChar[]) => StyledChar): void => {
    const range = selectedRange(content) ?? saved;
    if (!range) return;
    const chars = readChars(content);
    const chosen = chars.slice(range.start, range.end);
    render(
      content,
      chars.map((c, i) => (i >= range.start && i < range.end ? change(c, chosen) : c)),
    );
  };
  const toggle = (format: Toggle, label: string): HTMLElement => {
    const button = h(doc, 'button', { type: 'button', class: `ql-${format}` }, label);
    // A press on the toolbar must not move the focus or the selection out of the text.
    button.addEventListener('mousedown', (event) => event.preventDefault());
    button.addEventListener('click', () =>
      restyle((c, chosen) => ({ ...c, [format]: !chosen.every((d) => d[format]) })),
    );
    return button;
  };
  const color = h(
    doc,
    'select',
    { class: 'ql-color' },
    h(doc, 'option', { value: '' }, 'Text color'),
    ...TEXT_COLORS.map((name) => h(doc, 'option', { value: name }, name)),
  );
  color.addEventListener('change', () => {
    const chosen = color.value;
    if (chosen) restyle((c) => ({ ...c, color: chosen }));
    // Back to the label, so that picking the same colour again for other text applies it again.
    color.value = '';
  });
  const toolbar = h(
    doc,
    'div',
    { id: 'toolbar', class: 'ql-toolbar' },
    toggle('bold', 'B'),
    toggle('italic', 'I'),
    toggle('underline', 'U'),
    color,
  );
  return { content, toolbar };
}

function generate(ctx: TaskContext): void {
  const { doc, random } = ctx;
  const words = loremWords(random, random.int(3, 7)).map((w) => w.replace(/\.$/, ''));
  const text = words.join(' ');
  const style = random.pick(STYLES);
  const colorName = random.pick(TEXT_COLORS);
  // A word that appears once, so the utterance names one place in the text.
  const single = words.filter((w) => words.indexOf(w) === words.lastIndexOf(w));
  const everything = single.length === 0 || random.chance(0.3);
  const target = everything ? null : random.pick(single);
  const what = target === null ? 'everything' : `the text "${target}"`;
  const how = style === 'color' ? `the color ${colorName}` : `the style ${style}`;
  ctx.setUtterance(`Using the text editor, give ${what} ${how} and press Submit.`);

  const start = target === null ? 0 : wordStart(words, words.indexOf(target));
  const end = target === null ? text.length : start + target.length;
  const wanted: Format = {
    bold: style === 'bold',
    italic: style === 'italics',
    underline: style === 'underlined',
    color: style === 'color' ? colorName : '',
  };
  const { content, toolbar } = buildEditor(ctx, text);
  const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
  submit.addEventListener('click', () => {
    const chars = readChars(content);
    const shown = chars.map((c) => c.char).join('');
    if (shown !== text) return ctx.fail(`the text was changed to "${shown}"`);
    const wrong = chars.findIndex((c, i) => {
      if (/\s/.test(c.char)) return false;
      const inTarget = i >= start && i < end;
      return !sameFormat(c, inTarget ? wanted : PLAIN);
    });
    if (wrong < 0) ctx.succeed();
    else ctx.fail(`character ${wrong} ("${chars[wrong]?.char}") has the wrong style`);
  });
  ctx.area.append(
    h(doc, 'div', { id: 'text-editor' }, toolbar, h(doc, 'div', { id: 'editor' }, content)),
    submit,
  );
}

function wordStart(words: readonly string[], index: number): number {
  return words.slice(0, index).reduce((length, w) => length + w.length + 1, 0);
}

export const textEditor = defineTask({
  name: 'text-editor',
  description: 'Give a word of the text, or all of it, a style with a small rich-text editor, then Submit.',
  wave: 2,
  maxTime: 20,
  css: `
#toolbar { border: 1px solid #ccc; padding: 2px; display: flex; gap: 2px; }
#toolbar button { width: 24px; height: 22px; padding: 0; }
#toolbar .ql-bold { font-weight: bold; }
#toolbar .ql-italic { font-style: italic; }
#toolbar .ql-underline { text-decoration: underline; }
#editor { border: 1px solid #ccc; border-top: 0; height: 90px; overflow-y: auto; }
#editor .ql-editor { padding: 4px 6px; outline: none; min-height: 80px; }
#editor p { margin: 0; }
#subbtn { margin-top: 6px; }`,
  generate,
});
