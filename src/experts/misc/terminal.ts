import type { PolicyStep, StepView } from '../../env/episode.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'terminal';

/** The extension the utterance asks for: '' for "no file extension". */
function wantedExtension(utterance: string): string {
  if (/no file extension/i.test(utterance)) return '';
  const match = /extension (\.[\w.]+)/.exec(utterance);
  if (!match) throw new ExpertConfusedError(TASK, `no extension in "${utterance}"`);
  return (match[1] as string).replace(/\.$/, '');
}

const hasExtension = (name: string, extension: string): boolean =>
  extension === '' ? !name.includes('.') : name.endsWith(extension);

/** Lists the files with `ls`, then deletes the one that fits with `rm`: type a command, press Enter. */
function step({ observation }: StepView, wrong: boolean): PolicyStep {
  const area = taskArea(observation.tree);
  const input = need(
    TASK,
    firstElement(area, (e) => e.attributes.id === 'terminal-target'),
    'the terminal input',
  );
  const lines = allElements(area, (e) => (e.attributes.class ?? '').split(' ').includes('terminal-line')).map(
    (e) => textOf(e),
  );
  const listed = lines.findLastIndex((line) => /\$ ls$/.test(line));
  let command = 'ls';
  if (listed >= 0) {
    const files = (lines[listed + 1] ?? '').split(/\s+/).filter(Boolean);
    const extension = wantedExtension(observation.utterance);
    const file = files.find((name) => hasExtension(name, extension) !== wrong);
    if (!file) throw new ExpertConfusedError(TASK, `no file in [${files.join(', ')}] fits "${extension}"`);
    command = `rm ${file}`;
  }
  if (input.value !== command) {
    return {
      thought: `I type the command \`${command}\` in the terminal.`,
      action: act.fill(input, command),
    };
  }
  return { thought: `I press Enter to run \`${command}\`.`, action: act.press(input, 'Enter') };
}

export const terminalExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
