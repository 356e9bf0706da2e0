import type { StepContext, TargetParts } from '../agent/prompt.ts';
import { formatAction, type Action } from '../env/actions.ts';
import {
  renderObservation,
  type ObsElement,
  type ObsNode,
  type ObservationFormat,
} from '../env/observation.ts';
import { loremWords } from '../tasks/core/lorem.ts';
import { createRandom, type Random } from '../core/random.ts';
import { BUTTON_WORDS, COLORS, COMMON_WORDS, FIRST_NAMES, randomString } from '../tasks/core/words.ts';
import { GOAL_KINDS, goalPhrase, thoughtFor, type GoalKind, type Step } from './phrases.ts';

/**
 * Cheap synthetic pages for the base student (issue 4, item 3): the lab's counterpart of an instruct
 * model knows the action grammar and how to find a named element on a page, not the tasks. Each
 * sample is a small page built directly as an observation tree (the shape observeTree gives, bids
 * numbered in document order as assignBids does), a goal phrased in one of many templates, the
 * actions already taken, and the one right next step with a short thought. No task code runs: the
 * pages share the tasks' widgets and word lists, never their instances or their instructions.
 */

export interface PretrainSample {
  readonly kind: GoalKind;
  readonly format: ObservationFormat;
  readonly tree: ObsElement;
  readonly context: StepContext;
  readonly target: TargetParts;
}

export interface PageOptions {
  /** 'both' draws one of the two per sample. */
  readonly format: ObservationFormat | 'both';
  /** Some samples carry a failed action and its error, as error-log feedback shows them. */
  readonly errorLogFeedback: boolean;
  /** Interactive widgets per page at most (at least 1); small pages fit nano's context. */
  readonly maxWidgets?: number;
}

/** A stream of samples: the same seed and options always give the same samples in the same order. */
export function createPageStream(seed: number | string, options: PageOptions): () => PretrainSample {
  const random = createRandom(`pretrain-pages/${seed}`);
  return () => generatePage(random, options);
}

/** Roles a widget offers to goals. */
type WidgetKind = 'button' | 'link' | 'text' | 'checkbox' | 'radio' | 'select';

interface Widget {
  readonly kind: WidgetKind;
  /** The element actions name. */
  readonly element: ObsElement;
  /** How goals and thoughts call it: its accessible name. */
  readonly label: string;
  /** The nodes placed on the page (a label beside its field, a paragraph around a link...). */
  readonly nodes: ObsNode[];
  readonly options?: readonly string[];
}

/** The order observeTree writes attributes in (observation.ts, KEPT_ATTRIBUTES). */
const ATTRIBUTE_ORDER = ['id', 'class', 'type', 'name', 'placeholder', 'title', 'href', 'for', 'aria-label'];

function element(
  tag: string,
  role: string,
  name: string,
  attributes: Record<string, string> = {},
  children: ObsNode[] = [],
  state: Partial<ObsElement> = {},
): ObsElement {
  const ordered: Record<string, string> = {};
  for (const key of ATTRIBUTE_ORDER) if (attributes[key] !== undefined) ordered[key] = attributes[key];
  return { bid: '', tag, role, name, attributes: ordered, children, ...state };
}

// prettier-ignore
const FIELD_LABELS = [
  'Name', 'Email', 'City', 'Username', 'Password', 'Search', 'Comment', 'Title', 'Phone', 'Code', 'Address',
  'Note', 'Message', 'Zip', 'Country', 'Company', 'Age', 'Nickname', 'Subject', 'Query', 'First name', 'Last name',
];
// prettier-ignore
const CONTAINER_IDS = ['form', 'panel', 'main', 'box', 'content', 'card', 'controls', 'section', 'widgets'];

const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
/** Distinct after capitalising (some colours are also common words). */
const OPTION_WORDS = [...new Set([...COMMON_WORDS, ...COLORS, ...FIRST_NAMES].map(capital))];

/** Distinct labels for the widgets of one page, so that a goal names exactly one element. */
function labelPool(random: Random): () => string {
  const used = new Set<string>();
  const sources = [BUTTON_WORDS, COMMON_WORDS, FIRST_NAMES, COLORS, FIELD_LABELS];
  return () => {
    for (;;) {
      const word = random.pick(random.pick(sources));
      const label = random.chance(0.3) ? capital(word) : word;
      if (!used.has(label.toLowerCase())) {
        used.add(label.toLowerCase());
        return label;
      }
    }
  };
}

const maybeId = (random: Random, word: string): Record<string, string> =>
  random.chance(0.3) ? { id: word.toLowerCase().replace(/\s+/g, '-') } : {};

function buildWidget(kind: WidgetKind, random: Random, nextLabel: () => string, index: number): Widget {
  const label = nextLabel();
  switch (kind) {
    case 'button': {
      if (random.chance(0.25)) {
        const type = random.pick(['submit', 'button']);
        const input = element('input', 'button', label, { ...maybeId(random, label), type }, [], {
          value: label,
        });
        return { kind, element: input, label, nodes: [input] };
      }
      const button = element('button', 'button', label, maybeId(random, label), [label]);
      return { kind, element: button, label, nodes: [button] };
    }
    case 'link': {
      const link = element('a', 'link', label, { href: '#' }, [label]);
      if (random.chance(0.5)) return { kind, element: link, label, nodes: [link] };
      const before = loremWords(random, random.int(1, 4)).join(' ');
      const paragraph = element('p', 'paragraph', '', {}, [before, link]);
      return { kind, element: link, label, nodes: [paragraph] };
    }
    case 'text': {
      const tag = random.chance(0.2) ? 'textarea' : 'input';
      const type: Record<string, string> =
        tag === 'input' ? { type: random.pick(['text', 'text', 'email', 'password']) } : {};
      const value = random.chance(0.15) ? random.pick(COMMON_WORDS) : '';
      const how = random.int(0, 2);
      if (how === 0) {
        const id = `${tag === 'input' ? 'field' : 'area'}${index}`;
        const field = element(tag, 'textbox', label, { id, ...type }, [], { value });
        const caption = element('label', 'LabelText', label, { for: id }, [label]);
        return { kind, element: field, label, nodes: [caption, field] };
      }
      const attrs: Record<string, string> = how === 1 ? { placeholder: label } : { 'aria-label': label };
      const field = element(tag, 'textbox', label, { ...type, ...attrs }, [], { value });
      return { kind, element: field, label, nodes: [field] };
    }
    case 'checkbox':
    case 'radio': {
      const attrs: Record<string, string> =
        kind === 'radio' ? { type: 'radio', name: 'choice' } : { type: 'checkbox' };
      const box = element('input', kind, label, attrs, [], { checked: random.chance(0.3) });
      const wrapper = element('label', 'LabelText', label, {}, [box, label]);
      return { kind, element: box, label, nodes: [wrapper] };
    }
    case 'select': {
      const count = random.int(2, 4);
      const options = random.sample(OPTION_WORDS, count);
      const chosen = random.int(0, count - 1);
      const optionNodes = options.map((text, i) =>
        element('option', 'option', text, {}, [text], { selected: i === chosen }),
      );
      const state = { value: options[chosen] };
      if (random.chance(0.5)) {
        const select = element('select', 'combobox', label, { 'aria-label': label }, optionNodes, state);
        return { kind, element: select, label, nodes: [select], options };
      }
      const id = `list${index}`;
      const select = element('select', 'combobox', label, { id }, optionNodes, state);
      const caption = element('label', 'LabelText', label, { for: id }, [label]);
      return { kind, element: select, label, nodes: [caption, select], options };
    }
  }
}

/** Text that is not a widget: headings, paragraphs, plain text blocks. */
function filler(random: Random): ObsElement {
  const words = loremWords(random, random.int(2, 6)).join(' ');
  if (random.chance(0.4)) {
    const level = random.int(1, 3);
    const text = capital(random.pick(COMMON_WORDS));
    return element(`h${level}`, 'heading', text, {}, [text]);
  }
  return random.chance(0.5)
    ? element('p', 'paragraph', '', {}, [words])
    : element('div', 'generic', '', {}, [words]);
}

/** Numbers every element in document order, as assignBids does; elements hidden on a real page leave gaps. */
function assignBids(root: ObsElement, random: Random): void {
  let next = 1;
  const walk = (node: ObsNode): void => {
    if (typeof node === 'string') return;
    if (random.chance(0.05)) next += random.int(1, 3);
    node.bid = String(next++);
    node.children.forEach(walk);
  };
  walk(root);
}

/** Lays out the widgets, a few fillers and line breaks, some of them grouped in containers. */
function layout(random: Random, widgets: readonly Widget[]): ObsNode[] {
  const blocks: ObsNode[][] = widgets.map((w) => w.nodes);
  // Fewer fillers on small pages, which must fit a small model's context.
  const fillers = random.chance(0.5) ? random.int(0, Math.ceil(widgets.length / 2)) : 0;
  for (let i = 0; i < fillers; i++) blocks.splice(random.int(0, blocks.length), 0, [filler(random)]);
  const out: ObsNode[] = [];
  let group: ObsNode[] | null = null;
  for (const block of blocks) {
    if (group === null && random.chance(0.2)) group = [];
    const into = group ?? out;
    into.push(...block);
    if (random.chance(0.25)) into.push(element('br', 'generic', ''));
    if (group !== null && random.chance(0.4)) {
      const tag = random.pick(['div', 'form', 'div']);
      const role = tag === 'form' ? 'form' : 'generic';
      out.push(element(tag, role, '', { id: random.pick(CONTAINER_IDS) }, group));
      group = null;
    }
  }
  if (group !== null) out.push(element('div', 'generic', '', {}, group));
  return out;
}

const WIDGET_FOR_KIND: Record<Exclude<GoalKind, 'sequence'>, WidgetKind> = {
  'click-button': 'button',
  'click-link': 'link',
  fill: 'text',
  select: 'select',
  check: 'checkbox',
  uncheck: 'checkbox',
  radio: 'radio',
  hover: 'button',
  'press-enter': 'text',
  focus: 'text',
};

const TYPED_SOURCES: ((random: Random) => string)[] = [
  (random) => random.pick(COMMON_WORDS),
  (random) => random.pick(FIRST_NAMES),
  (random) => randomString(random, 3, 8),
  (random) => String(random.int(1, 9999)),
  (random) => `${random.pick(COMMON_WORDS)} ${random.pick(COMMON_WORDS)}`,
];

/** The step a goal of this kind asks of this widget, with the page state it needs beforehand. */
function stepFor(kind: Exclude<GoalKind, 'sequence'>, widget: Widget, random: Random): Step {
  const { element: target } = widget;
  switch (kind) {
    case 'fill':
      return {
        kind,
        widget: widget.label,
        action: { kind: 'fill', bid: '', text: random.pick(TYPED_SOURCES)(random) },
      };
    case 'select': {
      // Never the option already shown: the goal must ask for a change.
      const option = random.pick((widget.options ?? []).filter((o) => o !== target.value));
      return { kind, widget: widget.label, action: { kind: 'select_option', bid: '', option } };
    }
    case 'check':
    case 'uncheck':
    case 'radio':
      target.checked = kind === 'uncheck';
      return { kind, widget: widget.label, action: { kind: 'click', bid: '' } };
    case 'hover':
      return { kind, widget: widget.label, action: { kind: 'hover', bid: '' } };
    case 'press-enter':
      return { kind, widget: widget.label, action: { kind: 'press', bid: '', key: 'Enter' } };
    default:
      return { kind, widget: widget.label, action: { kind: 'click', bid: '' } };
  }
}

/** What the page shows once a step is done (a filled field holds its text, a ticked box is checked). */
function applyStep(step: Step, widget: Widget): void {
  const target = widget.element;
  const action = step.action;
  if (action.kind === 'fill') target.value = action.text;
  else if (action.kind === 'select_option') {
    target.value = action.option;
    for (const option of target.children) {
      if (typeof option !== 'string') option.selected = option.name === action.option;
    }
  } else if (step.kind === 'check' || step.kind === 'radio') target.checked = true;
  else if (step.kind === 'uncheck') target.checked = false;
}

const withBid = (action: Action, bid: string): Action => ({ ...action, bid }) as Action;

export function generatePage(random: Random, options: PageOptions): PretrainSample {
  const format: ObservationFormat =
    options.format === 'both' ? random.pick(['html', 'axtree']) : options.format;
  const maxWidgets = Math.max(1, options.maxWidgets ?? 5);
  const kind = random.pick(GOAL_KINDS);
  const nextLabel = labelPool(random);

  // The steps of the goal: one, or (sequence) two or three ending, usually, with a button.
  const stepKinds: Exclude<GoalKind, 'sequence'>[] =
    kind === 'sequence'
      ? [
          ...Array.from({ length: random.int(1, 2) }, () =>
            random.pick(['fill', 'select', 'check', 'uncheck'] as const),
          ),
          ...(random.chance(0.8) ? (['click-button'] as const) : []),
        ]
      : [kind];
  const widgets: Widget[] = [];
  const goalWidgets = stepKinds.map((k) => {
    const widget = buildWidget(WIDGET_FOR_KIND[k], random, nextLabel, widgets.length);
    widgets.push(widget);
    return widget;
  });
  const extra = random.int(0, Math.max(0, maxWidgets - widgets.length));
  const kinds: WidgetKind[] = ['button', 'button', 'link', 'text', 'checkbox', 'radio', 'select'];
  for (let i = 0; i < extra; i++)
    widgets.push(buildWidget(random.pick(kinds), random, nextLabel, widgets.length));
  const steps = stepKinds.map((k, i) => stepFor(k, goalWidgets[i] as Widget, random));
  const placed = random.shuffle(widgets);

  const goal = goalPhrase(random, steps);
  const area = element('div', 'generic', '', { id: 'area' }, layout(random, placed));
  const body: ObsNode[] = random.chance(0.25)
    ? [
        element('div', 'generic', '', { id: 'wrap' }, [
          element('div', 'generic', '', { id: 'query' }, [goal]),
          area,
        ]),
      ]
    : [area];
  const tree = element('body', 'generic', '', {}, body);
  assignBids(tree, random);

  // Steps before `done` are in the history, and the page shows their effect.
  const done = random.int(0, steps.length - 1);
  const history: string[] = [];
  steps.forEach((step, i) => {
    const widget = goalWidgets[i] as Widget;
    step.action = withBid(step.action, widget.element.bid);
    if (i < done) {
      applyStep(step, widget);
      history.push(formatAction(step.action));
    }
  });
  const current = steps[done] as Step;
  let lastError: string | null = null;
  if (options.errorLogFeedback && random.chance(0.15)) {
    const shownBid = (current.action as { bid: string }).bid;
    const missing = String(Number(shownBid) + random.int(40, 90));
    history.push(formatAction(withBid(current.action, missing)));
    lastError = `No element has bid "${missing}" on the page. Use a bid shown in the observation.`;
  }
  return {
    kind,
    format,
    tree,
    context: { goal, observation: renderObservation(tree, format), history, lastError },
    target: {
      thought: thoughtFor(random, current, done, steps.length),
      action: formatAction(current.action),
    },
  };
}
