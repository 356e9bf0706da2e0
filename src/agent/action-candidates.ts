import { formatAction, parseAction, type Action } from '../env/actions.ts';
import { textOf, type ObsElement, type ObsNode } from '../env/observation.ts';

/**
 * The actions constrained decoding may emit on one page: well-formed calls of the grammar
 * (env/actions.ts) naming bids that exist in the observation, as a finite list of candidates.
 *
 * A candidate is either a complete action (`click("7")`, `select_option("4", "Red")`), scored and
 * sampled whole, or an open head whose end the model chooses after the head was chosen: a text
 * head (`fill("5", "` or `select_text("5", "`, the model writes the text, closed by `")`) or a key head (`press("5", "`,
 * closed by one of a finite list of keys). Coordinate actions (mouse_*) name no bid and are left out.
 */

export type ElementVerb = 'click' | 'hover' | 'press' | 'scroll';
export type TextVerb = 'fill' | 'type' | 'select_text';

export interface CandidateOptions {
  /** Verbs offered on every element (click is left out on disabled ones: it would only fail). */
  readonly verbs: readonly ElementVerb[];
  /** Verbs offered on text fields (inputs that take typing, textareas, contenteditable). */
  readonly textVerbs: readonly TextVerb[];
  /** Keys a press head may end with. */
  readonly keys: readonly string[];
  /** noop waits in milliseconds (0 is `noop()`). */
  readonly waits: readonly number[];
  /** Page scrolls (dx, dy) by the wheel. */
  readonly scrolls: readonly (readonly [number, number])[];
}

/**
 * The teachers' vocabulary (experts/): every action an expert writes is a candidate or completes
 * one, so constraining never takes from the student an action it was taught. The waits are the
 * expert's back-off (500 ms, tripled each time, at most 5 s), the scroll its reading of an agreement.
 */
export const DEFAULT_CANDIDATE_OPTIONS: CandidateOptions = {
  verbs: ['click', 'hover', 'press'],
  textVerbs: ['fill', 'type', 'select_text'],
  keys: [
    'Enter',
    'Tab',
    'Backspace',
    'Delete',
    'Escape',
    'ArrowUp',
    'ArrowDown',
    'ArrowLeft',
    'ArrowRight',
    'Home',
    'End',
    'PageUp',
    'PageDown',
    'Space',
  ],
  waits: [0, 500, 1500, 4500, 5000],
  scrolls: [
    [0, 5000],
    [0, -5000],
  ],
};

export type ActionCandidate =
  | { readonly kind: 'complete'; readonly action: string }
  | { readonly kind: 'text'; readonly head: string; readonly verb: TextVerb; readonly bid: string }
  | { readonly kind: 'key'; readonly head: string; readonly bid: string; readonly keys: readonly string[] };

/** What the model writes for a candidate before it chooses freely: the whole action, or the head. */
export function candidatePrefix(candidate: ActionCandidate): string {
  return candidate.kind === 'complete' ? candidate.action : candidate.head;
}

/** Input types that take no typing (execute.ts refuses to fill them). */
const NOT_TEXT_INPUTS = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'file',
  'image',
  'range',
  'color',
  'hidden',
]);

function takesText(element: ObsElement): boolean {
  if (element.disabled || 'readonly' in element.attributes) return false;
  const editable = element.attributes.contenteditable;
  if (editable !== undefined && editable !== 'false') return true;
  if (element.tag === 'textarea') return true;
  return element.tag === 'input' && !NOT_TEXT_INPUTS.has((element.attributes.type ?? 'text').toLowerCase());
}

function optionTexts(select: ObsElement): string[] {
  const texts: string[] = [];
  const walk = (node: ObsNode): void => {
    if (typeof node === 'string') return;
    if (node.tag === 'option') texts.push(textOf(node));
    else node.children.forEach(walk);
  };
  select.children.forEach(walk);
  return texts;
}

/**
 * The bids a text shows: `[7]` in accessibility-tree text, `bid="7"` in pruned HTML. Read from the
 * prompt the model was given, so a bid cut off with the end of a long observation is not offered.
 */
export function shownBids(text: string): Set<string> {
  const bids = new Set<string>();
  // A tree line starts with its bid; text that merely holds brackets ("[x]") names nothing.
  for (const match of text.matchAll(/^[ \t]*\[([\w-]+)\]|\bbid="([\w-]+)"/gm)) {
    bids.add((match[1] ?? match[2]) as string);
  }
  return bids;
}

const quote = (text: string): string => JSON.stringify(text);

/**
 * Every candidate for the page, in tree order (elements first, then waits and scrolls), without
 * repeats. With `shown`, only elements whose bid is in it (shownBids of the prompt) are offered.
 */
export function actionCandidates(
  tree: ObsElement,
  options: CandidateOptions = DEFAULT_CANDIDATE_OPTIONS,
  shown?: ReadonlySet<string>,
): ActionCandidate[] {
  const candidates: ActionCandidate[] = [];
  const seen = new Set<string>();
  const add = (candidate: ActionCandidate): void => {
    const key = `${candidate.kind}:${candidatePrefix(candidate)}`;
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push(candidate);
  };
  const complete = (action: Action): void => add({ kind: 'complete', action: formatAction(action) });

  const visit = (element: ObsElement): void => {
    const { bid } = element;
    if (bid !== '' && (shown === undefined || shown.has(bid))) {
      for (const verb of options.verbs) {
        if (verb === 'click' && !element.disabled) complete({ kind: 'click', bid });
        if (verb === 'hover') complete({ kind: 'hover', bid });
        if (verb === 'scroll') complete({ kind: 'scroll_element', bid });
        if (verb === 'press' && options.keys.length > 0) {
          add({ kind: 'key', head: `press(${quote(bid)}, "`, bid, keys: options.keys });
        }
      }
      if (takesText(element)) {
        for (const verb of options.textVerbs)
          add({ kind: 'text', head: `${verb}(${quote(bid)}, "`, verb, bid });
      }
      if (element.tag === 'select' && !element.disabled) {
        for (const option of optionTexts(element)) complete({ kind: 'select_option', bid, option });
      }
    }
    for (const child of element.children) if (typeof child !== 'string') visit(child);
  };
  visit(tree);
  for (const waitMs of options.waits) complete({ kind: 'noop', waitMs });
  for (const [dx, dy] of options.scrolls) complete({ kind: 'scroll', dx, dy });
  return candidates;
}

/** The complete actions a key head stands for. */
export function keyActions(candidate: Extract<ActionCandidate, { kind: 'key' }>): string[] {
  return candidate.keys.map((key) => formatAction({ kind: 'press', bid: candidate.bid, key }));
}

/**
 * Closes a text head on what the model wrote after it: the string ends at its first unescaped
 * quote or line break (a line break would split the target's "Action:" line). The model's own
 * escapes are kept where they parse; otherwise the text is written back plainly.
 */
export function closeText(candidate: Extract<ActionCandidate, { kind: 'text' }>, written: string): string {
  let raw = '';
  for (let i = 0; i < written.length; i++) {
    const c = written[i] as string;
    if (c === '"' || c === '\n' || c === '\r') break;
    if (c === '\\' && i + 1 < written.length) {
      const next = written[i + 1] as string;
      if (next === '\n' || next === '\r') break;
      raw += c + next;
      i++;
      continue;
    }
    raw += c;
  }
  const action = `${candidate.head}${raw}")`;
  const parsed = parseAction(action);
  if (parsed.ok && parsed.action.kind === candidate.verb && parsed.action.bid === candidate.bid)
    return action;
  return formatAction({ kind: candidate.verb, bid: candidate.bid, text: raw.replace(/\\/g, '') });
}

/** The action is one the candidates allow: a complete candidate, a closed text head, or a key head with one of its keys. */
export function allowedBy(candidates: readonly ActionCandidate[], action: string): boolean {
  const parsed = parseAction(action);
  if (!parsed.ok) return false;
  const canonical = formatAction(parsed.action);
  return candidates.some((candidate) => {
    if (candidate.kind === 'complete') return formatAction(parseOrThrow(candidate.action)) === canonical;
    if (candidate.kind === 'key') return keyActions(candidate).includes(canonical);
    return parsed.action.kind === candidate.verb && parsed.action.bid === candidate.bid;
  });
}

function parseOrThrow(action: string): Action {
  const parsed = parseAction(action);
  if (!parsed.ok) throw new Error(`A candidate does not parse: ${parsed.error}`);
  return parsed.action;
}
