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

/**
 * Three steps, as a person works an editor: select the words (select_text on the editable box),
 * style the selection from the toolbar (a button, or a colour from the colour list), then Submit.
 * Which step comes next is read from the actions taken so far.
 */
function step(view: StepView, spoil: boolean): { thought: string; action: string } {
  const asked = readRequest(view.observation.utterance);
  const request = spoil ? otherStyle(asked) : asked;
  const area = taskArea(view.observation.tree);
  const editor = need(
    TASK,
    firstElement(area, (e) => 'contenteditable' in e.attributes && e.attributes.contenteditable !== 'false'),
    'the editable text box',
  );
  const done = view.history.length;
  if (done === 0) {
    const words = request.target ?? textOf(editor);
    return {
      thought: `I select ${request.target === null ? 'all the text' : `"${words}"`} in the editor.`,
      action: formatAction({ kind: 'select_text', bid: editor.bid, text: words }),
    };
  }
  if (done === 1) return styleStep(area, request);
  const submit = need(
    TASK,
    firstElement(area, (e) => byRole('button')(e) && /^submit$/i.test(textOf(e))),
    'the Submit button',
  );
  return { thought: 'The text has its style; I press Submit.', action: act.click(submit) };
}

function styleStep(area: ObsElement, request: Request): { thought: string; action: string } {
  if (request.isColor) {
    const picker = need(TASK, firstElement(area, byClass('ql-color')), 'the text colour list');
    return { thought: `I colour the selection ${request.style}.`, action: act.select(picker, request.style) };
  }
  const className = BUTTON_CLASS[request.style];
  if (!className) throw new ExpertConfusedError(TASK, `does not know the style "${request.style}"`);
  const button = need(TASK, firstElement(area, byClass(className)), `the ${request.style} button`);
  return { thought: `I make the selection ${request.style}.`, action: act.click(button) };
}

export const textEditorExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
