import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, firstElement, need, taskArea, textOf } from '../find.ts';

const TASK = 'tic-tac-toe';

type Mark = 'X' | 'O' | '';

// prettier-ignore
const LINES = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]] as const;

/** The empty cells that would give `mark` three in a line. */
function completing(board: Mark[], mark: Mark): number[] {
  const cells = new Set<number>();
  for (const line of LINES) {
    const marks = line.map((i) => board[i]);
    if (marks.filter((m) => m === mark).length === 2 && marks.includes('')) {
      cells.add(line[marks.indexOf('')] as number);
    }
  }
  return [...cells];
}

/**
 * Win if X can, else block O, else fork (two threats at once), else threaten (a random opponent
 * seldom blocks), else centre, corners, sides.
 */
function bestMove(board: Mark[]): number {
  const empty = board.flatMap((m, i) => (m === '' ? [i] : []));
  const win = completing(board, 'X')[0];
  if (win !== undefined) return win;
  const block = completing(board, 'O')[0];
  if (block !== undefined) return block;
  const fork = empty.find((i) => completing(withMark(board, i, 'X'), 'X').length >= 2);
  if (fork !== undefined) return fork;
  const threat = empty.find((i) => completing(withMark(board, i, 'X'), 'X').length === 1);
  if (threat !== undefined) return threat;
  for (const i of [4, 0, 2, 6, 8, 1, 3, 5, 7]) if (board[i] === '') return i;
  throw new ExpertConfusedError(TASK, 'the board is full');
}

/**
 * The `wrong` policy plays never to make three in a line: the centre first, then the cell opposite
 * one of O's (the classic way not to win at tic-tac-toe), so the game ends in a draw or O's win.
 */
function losingMove(board: Mark[]): number {
  if (board[4] === '') return 4;
  const mirror = board.findIndex((m, i) => m === 'O' && board[8 - i] === '');
  if (mirror >= 0) return 8 - mirror;
  const empty = board.flatMap((m, i) => (m === '' ? [i] : []));
  const unsafe = new Set(completing(board, 'X'));
  return empty.find((i) => !unsafe.has(i)) ?? (empty[0] as number);
}

const withMark = (board: Mark[], i: number, mark: Mark): Mark[] => board.map((m, j) => (j === i ? mark : m));

function readBoard(root: ObsElement): ObsElement[] {
  const board = need(
    TASK,
    firstElement(taskArea(root), (e) => e.attributes.id === 'board'),
    'the board',
  );
  const cells = allElements(board, (e) => /^ttt-\d$/.test(e.attributes.id ?? ''));
  if (cells.length !== 9) throw new ExpertConfusedError(TASK, `expected 9 cells, saw ${cells.length}`);
  return cells;
}

function step({ observation }: StepView, wrong: boolean): PolicyStep {
  const cells = readBoard(observation.tree);
  const board = cells.map((cell) => textOf(cell) as Mark);
  const move = wrong ? losingMove(board) : bestMove(board);
  const row = Math.floor(move / 3) + 1;
  const column = (move % 3) + 1;
  return {
    thought: `I put X in row ${row}, column ${column}.`,
    action: act.click(cells[move] as ObsElement),
  };
}

export const ticTacToeExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, false),
  wrong: (view) => step(view, true),
};
