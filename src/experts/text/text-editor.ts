import { formatAction } from '../../env/actions.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { StepView } from '../../env/episode.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, byClass, byRole, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'text-editor';

interface Request {
  /** The words to style, or null for everything. */
  target: string | null;
  /** 'bold', 'italics', 'underlined', or a colour name. */
  style: string;
  isColor: boolean;
}

/** "give the text "X" the style bold" or "give everything the color red"; the quotes are optional. */
const ASK = /give (everything|the text "?(.+?)"?) the (style|colou?r) (\w+)/i;

function readRequest(utterance: string): Request {
  const match = ASK.exec(utterance);
  if (!match) throw new ExpertConfusedError(TASK, `cannot read the instruction "${utterance}"`);
  return {
    target: match[1]?.toLowerCase() === 'everything' ? null : (match[2] ?? null),
    style: (match[4] as string).toLowerCase(),
    isColor: (match[3] as string).toLowerCase() !== 'style',
  };
}

/** The toolbar button of each style, by the class the Quill-shaped toolbar gives it. */
const BUTTON_CLASS: Record<string, string> = {
  bold: 'ql-bold',
  italics: 'ql-italic',
  underlined: 'ql-underline',
};

/** A style the request did not ask for, for the wrong answer. */
function otherStyle(request: Request): Request {
  if (request.isColor) return { ...request, style: 'bold', isColor: false };
  const next = { bold: 'italics', italics: 'underlined', underlined: 'bold' }[request.style] ?? 'bold';
  return { ...request, style: next };
}

interface EditorMemory {
  /** What the expert has done: selected the words, then styled them. */
  stage?: 'selected' | 'styled';
}

/**
 * As a person works an editor: select the words (select_text on the editable box), style the
 * selection from the toolbar, then Submit. A style is a button, or a colour from the colour list:
 * a <select>, or a Quill colour picker whose swatches show once its label is pressed.
 */
function step(view: StepView, spoil: boolean): { thought: string; action: string } {
  const asked = readRequest(view.observation.utterance);
  const request = spoil ? otherStyle(asked) : asked;
  const area = taskArea(view.observation.tree);
  const memory = view.memory as EditorMemory;
  if (memory.stage === undefined) {
    const editor = need(
      TASK,
      firstElement(
        area,
        (e) => 'contenteditable' in e.attributes && e.attributes.contenteditable !== 'false',
      ),
      'the editable text box',
    );
    const words = request.target ?? textOf(editor);
    memory.stage = 'selected';
    return {
      thought: `I select ${request.target === null ? 'all the text' : `"${words}"`} in the editor.`,
      action: formatAction({ kind: 'select_text', bid: editor.bid, text: words }),
    };
  }
  if (memory.stage === 'selected') {
    const styling = styleStep(area, request);
    if (styling.last) memory.stage = 'styled';
    return styling;
  }
  const submit = need(
    TASK,
    firstElement(area, (e) => byRole('button')(e) && /^submit$/i.test(textOf(e))),
    'the Submit button',
  );
  return { thought: 'The text has its style; I press Submit.', action: act.click(submit) };
}

/** The next toolbar action for the style; `last` when it applies the style. */
function styleStep(area: ObsElement, request: Request): { thought: string; action: string; last: boolean } {
  if (request.isColor) {
    const colors = need(TASK, firstElement(area, byClass('ql-color')), 'the text colour list');
    if (colors.tag === 'select') {
      return {
        thought: `I colour the selection ${request.style}.`,
        action: act.select(colors, request.style),
        last: true,
      };
    }
    const swatch = firstElement(colors, (e) => byClass('ql-picker-item')(e) && paints(e, request.style));
    if (swatch) {
      return { thought: `I pick the ${request.style} swatch.`, action: act.click(swatch), last: true };
    }
    const label = need(TASK, firstElement(colors, byClass('ql-picker-label')), 'the colour picker');
    return { thought: 'I open the colour picker.', action: act.click(label), last: false };
  }
  const className = BUTTON_CLASS[request.style];
  if (!className) throw new ExpertConfusedError(TASK, `does not know the style "${request.style}"`);
  const button = need(TASK, firstElement(area, byClass(className)), `the ${request.style} button`);
  return { thought: `I make the selection ${request.style}.`, action: act.click(button), last: true };
}

/** A swatch painted with the colour named: "red" is the swatch described as red (or red/...). */
function paints(swatch: ObsElement, color: string): boolean {
  return (swatch.visual?.background ?? '').split('/').includes(color);
}

export const textEditorExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
