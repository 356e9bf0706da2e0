import { BID_ATTRIBUTE } from './bids.ts';
import { boxOf, formatBox, type Box } from './geometry.ts';
import { visualFacts, type VisualFacts } from './visual.ts';

/**
 * What an agent sees of a page: a pruned tree of the visible elements with their bids, roles,
 * accessible names and live state. The same tree renders as pruned HTML (the paper's format on
 * MiniWob++) or as accessibility-tree text, and experts read it directly.
 */
export interface ObsElement {
  bid: string;
  tag: string;
  role: string;
  /** Accessible name: aria-label, label, placeholder, alt, or the element's own text. */
  name: string;
  /** Kept attributes (see KEPT_ATTRIBUTES), as written in the DOM. */
  attributes: Record<string, string>;
  /** Live value of inputs, textareas and selects (the selected option's text). */
  value?: string;
  checked?: boolean;
  selected?: boolean;
  disabled?: boolean;
  focused?: boolean;
  /** Where it is on the page, given on coordinate tasks (observeTree's `positions`). */
  box?: Box;
  /** What only the eye would get otherwise: colours, SVG shapes and their geometry (see visual.ts). */
  visual?: VisualFacts;
  children: ObsNode[];
}
/** A child is an element or a run of visible text. */
export type ObsNode = ObsElement | string;

export type ObservationFormat = 'html' | 'axtree';

/** Attributes that carry meaning for an agent; styling and script hooks are dropped. */
const KEPT_ATTRIBUTES = [
  'id',
  'class',
  'type',
  'name',
  'placeholder',
  'title',
  'alt',
  'href',
  'for',
  'role',
  'aria-label',
  'aria-expanded',
  'aria-selected',
  'readonly',
  'contenteditable',
];
const BOOLEAN_ATTRIBUTES = new Set(['readonly', 'contenteditable']);
const SKIPPED_TAGS = new Set(['script', 'style', 'noscript', 'template', 'link', 'meta', 'head']);
const VOID_TAGS = new Set(['input', 'img', 'br', 'hr']);

/**
 * Builds the observation tree of the document body. Elements need bids first (assignBids).
 * With `positions`, every element also carries its box (for the mouse_* actions).
 */
export function observeTree(doc: Document, options: { positions?: boolean } = {}): ObsElement | null {
  const body = doc.body;
  if (!body) return null;
  const win = doc.defaultView;
  const node = observeElement(body, doc, win, options.positions === true);
  return typeof node === 'object' ? node : null;
}

function observeElement(
  element: Element,
  doc: Document,
  win: Window | null,
  positions: boolean,
): ObsElement | null {
  const tag = element.tagName.toLowerCase();
  if (SKIPPED_TAGS.has(tag) || !isShown(element, win)) return null;
  const attributes: Record<string, string> = {};
  for (const name of KEPT_ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (value !== null && (value !== '' || BOOLEAN_ATTRIBUTES.has(name))) attributes[name] = value;
  }
  const out: ObsElement = {
    bid: element.getAttribute(BID_ATTRIBUTE) ?? '',
    tag,
    role: roleOf(element),
    name: '',
    attributes,
    children: [],
  };
  if (isFormControl(element)) {
    if (element.tagName === 'SELECT') {
      out.value = selectedText(element as HTMLSelectElement);
    } else if (element.type === 'checkbox' || element.type === 'radio') {
      out.checked = (element as HTMLInputElement).checked;
    } else {
      out.value = element.value;
    }
    if (element.disabled) out.disabled = true;
  } else if (element.hasAttribute('disabled')) {
    out.disabled = true;
  }
  if (tag === 'option') out.selected = (element as HTMLOptionElement).selected;
  if (doc.activeElement === element && element !== doc.body) out.focused = true;
  const box = positions ? boxOf(element) : null;
  if (box) out.box = box;
  const visual = visualFacts(element, win);
  if (visual) out.visual = visual;

  // A textarea's text is its value, shown above; its children would repeat it.
  const children = tag === 'textarea' ? [] : element.childNodes;
  for (const child of children) {
    if (child.nodeType === 3) {
      const text = collapse(child.textContent ?? '');
      if (text) out.children.push(text);
    } else if (child.nodeType === 1) {
      const observed = observeElement(child as Element, doc, win, positions);
      if (observed) out.children.push(observed);
    }
  }
  out.name = nameOf(element, out, doc);
  return out;
}

type FormControl = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
function isFormControl(element: Element): element is FormControl {
  const tag = element.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

function selectedText(select: HTMLSelectElement): string {
  const option = select.selectedIndex >= 0 ? select.options[select.selectedIndex] : undefined;
  return option ? collapse(option.textContent ?? '') : '';
}

/** Visible without needing layout: the hidden attribute, display and visibility (own and inherited). */
export function isShown(element: Element, win: Window | null): boolean {
  if (element.hasAttribute('hidden')) return false;
  if (element.tagName === 'INPUT' && (element as HTMLInputElement).type === 'hidden') return false;
  const style = win?.getComputedStyle(element);
  if (!style) return true;
  return style.display !== 'none' && style.visibility !== 'hidden' && style.visibility !== 'collapse';
}

/** Shown here and in every ancestor: what an action may act on. */
export function isVisible(element: Element): boolean {
  const win = element.ownerDocument.defaultView;
  for (let e: Element | null = element; e && e.tagName !== 'HTML'; e = e.parentElement) {
    if (!isShown(e, win)) return false;
  }
  return element.isConnected;
}

const INPUT_ROLES: Record<string, string> = {
  button: 'button',
  submit: 'button',
  reset: 'button',
  image: 'button',
  checkbox: 'checkbox',
  radio: 'radio',
  number: 'spinbutton',
  range: 'slider',
  search: 'searchbox',
};
const TAG_ROLES: Record<string, string> = {
  button: 'button',
  textarea: 'textbox',
  option: 'option',
  h1: 'heading',
  h2: 'heading',
  h3: 'heading',
  h4: 'heading',
  h5: 'heading',
  h6: 'heading',
  ul: 'list',
  ol: 'list',
  li: 'listitem',
  table: 'table',
  tr: 'row',
  td: 'cell',
  th: 'columnheader',
  label: 'LabelText',
  img: 'img',
  form: 'form',
  p: 'paragraph',
  dialog: 'dialog',
  nav: 'navigation',
};

export function roleOf(element: Element): string {
  const explicit = element.getAttribute('role');
  if (explicit) return explicit;
  const tag = element.tagName.toLowerCase();
  if (tag === 'a') return element.hasAttribute('href') ? 'link' : 'generic';
  if (tag === 'input') return INPUT_ROLES[(element as HTMLInputElement).type] ?? 'textbox';
  if (tag === 'select') {
    const select = element as HTMLSelectElement;
    return select.multiple || select.size > 1 ? 'listbox' : 'combobox';
  }
  if (element.hasAttribute('contenteditable')) return 'textbox';
  return TAG_ROLES[tag] ?? 'generic';
}

/** Roles whose accessible name is their text content. */
const NAMED_BY_CONTENT = new Set([
  'button',
  'link',
  'option',
  'heading',
  'cell',
  'columnheader',
  'listitem',
  'LabelText',
  'tab',
  'menuitem',
  'treeitem',
  'checkbox',
  'radio',
]);

function nameOf(element: Element, observed: ObsElement, doc: Document): string {
  const aria = element.getAttribute('aria-label');
  if (aria) return collapse(aria);
  const tag = observed.tag;
  if (tag === 'input' || tag === 'textarea' || tag === 'select') {
    const input = element as HTMLInputElement;
    if (input.type === 'button' || input.type === 'submit' || input.type === 'reset') return input.value;
    const label =
      (element.id ? doc.querySelector(`label[for="${cssEscape(element.id)}"]`) : null) ??
      element.closest('label');
    if (label) return collapse(label.textContent ?? '');
    return element.getAttribute('placeholder') ?? element.getAttribute('title') ?? '';
  }
  if (tag === 'img') return element.getAttribute('alt') ?? '';
  if (NAMED_BY_CONTENT.has(observed.role)) return textOf(observed);
  return element.getAttribute('title') ?? '';
}

function cssEscape(id: string): string {
  return id.replace(/["\\]/g, '\\$&');
}

/** The visible text of an observed subtree, collapsed to single spaces. */
export function textOf(node: ObsNode): string {
  if (typeof node === 'string') return node;
  const parts: string[] = [];
  const walk = (n: ObsNode): void => {
    if (typeof n === 'string') parts.push(n);
    else n.children.forEach(walk);
  };
  walk(node);
  return collapse(parts.join(' '));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/** Pruned HTML, one element per line: `<button bid="7" id="subbtn">Submit</button>`. */
export function renderHtml(root: ObsElement): string {
  const lines: string[] = [];
  const open = (e: ObsElement): string => {
    let attrs = ` ${BID_ATTRIBUTE}="${e.bid}"`;
    for (const [name, value] of Object.entries(e.attributes)) {
      attrs += value === '' ? ` ${name}` : ` ${name}="${escapeAttribute(value)}"`;
    }
    if (e.value !== undefined) attrs += ` value="${escapeAttribute(e.value)}"`;
    if (e.checked) attrs += ' checked';
    if (e.selected) attrs += ' selected';
    if (e.disabled && !('disabled' in e.attributes)) attrs += ' disabled';
    if (e.focused) attrs += ' focused';
    if (e.box) attrs += ` box="${formatBox(e.box)}"`;
    attrs += renderFacts(e.visual);
    return `<${e.tag}${attrs}>`;
  };
  const walk = (e: ObsElement): void => {
    const textOnly = e.children.every((c) => typeof c === 'string');
    if (VOID_TAGS.has(e.tag)) {
      lines.push(open(e));
    } else if (textOnly) {
      lines.push(`${open(e)}${escapeText(e.children.join(' '))}</${e.tag}>`);
    } else {
      lines.push(open(e));
      for (const child of e.children) {
        if (typeof child === 'string') lines.push(escapeText(child));
        else walk(child);
      }
      lines.push(`</${e.tag}>`);
    }
  };
  walk(root);
  return lines.join('\n');
}

/** Accessibility-tree text: `[bid] role "name" value="..." (focused, checked)`, indented by depth. */
export function renderAxTree(root: ObsElement): string {
  const lines: string[] = [];
  const walk = (node: ObsNode, depth: number): void => {
    const indent = '  '.repeat(depth);
    if (typeof node === 'string') {
      lines.push(`${indent}StaticText ${JSON.stringify(node)}`);
      return;
    }
    const generic = node.role === 'generic' || node.role === 'paragraph';
    const textLeaf = node.children.length > 0 && node.children.every((c) => typeof c === 'string');
    const namedByContent = (NAMED_BY_CONTENT.has(node.role) && node.name !== '') || (generic && textLeaf);
    const iconLike =
      generic &&
      node.children.length === 0 &&
      (node.attributes.class !== undefined || node.box !== undefined);
    if (generic && !node.focused && node.name === '' && !textLeaf && !iconLike && !node.visual) {
      for (const child of node.children) walk(child, depth);
      return;
    }
    const box = node.box ? ` box=${formatBox(node.box)}` : '';
    // A generic leaf may still be what a page listens on: keep its bid, with its text or its class.
    if (generic && node.name === '') {
      const label = textLeaf
        ? ` ${JSON.stringify(textOf(node))}`
        : node.attributes.class !== undefined || !node.visual
          ? ` class=${JSON.stringify(node.attributes.class ?? '')}`
          : '';
      const facts = renderFacts(node.visual);
      lines.push(
        `${indent}[${node.bid}] ${node.role}${label}${facts}${box}${node.focused ? ' (focused)' : ''}`,
      );
      return;
    }
    const states: string[] = [];
    if (node.focused) states.push('focused');
    if (node.checked) states.push('checked');
    if (node.selected) states.push('selected');
    if (node.disabled) states.push('disabled');
    const expanded = node.attributes['aria-expanded'];
    if (expanded) states.push(expanded === 'true' ? 'expanded' : 'collapsed');
    let line = `${indent}[${node.bid}] ${node.role} ${JSON.stringify(node.name)}`;
    if (node.value !== undefined) line += ` value=${JSON.stringify(node.value)}`;
    line += renderFacts(node.visual) + box;
    if (states.length) line += ` (${states.join(', ')})`;
    lines.push(line);
    if (namedByContent && node.children.every((c) => typeof c === 'string')) return;
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}

/** Visual facts written as attributes: ` shape="circle" fill="red"`. */
function renderFacts(facts: VisualFacts | undefined): string {
  let text = '';
  for (const [name, value] of Object.entries(facts ?? {})) text += ` ${name}="${escapeAttribute(value)}"`;
  return text;
}

export function renderObservation(root: ObsElement, format: ObservationFormat): string {
  return format === 'html' ? renderHtml(root) : renderAxTree(root);
}
