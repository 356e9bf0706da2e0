import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/** The eight lines of three cells (cells numbered 0-8, row by row). */
export const LINES: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];

export type Mark = 'X' | 'O' | '';

export function winner(board: readonly Mark[]): Mark {
  for (const [a, b, c] of LINES) {
    const mark = board[a] as Mark;
    if (mark !== '' && board[b] === mark && board[c] === mark) return mark;
  }
  return '';
}

/**
 * A 3x3 board; the agent plays X and moves first, by clicking an empty cell, and the page answers
 * with O on a random empty cell. Three X in a line gives +1; O in a line or a full board gives -1.
 */
export const ticTacToe = defineTask({
  name: 'tic-tac-toe',
  description: 'Win a game of tic-tac-toe as X against a random opponent.',
  wave: 2,
  // Every game starts on an empty board; seeds differ in where the opponent answers.
  observationVaries: false,
  expertLimit:
    'The opponent plays at random, so even good play can end in a draw; the expert wins, blocks and forks but cannot always force a win.',
  css: `
#board { display: grid; grid-template-columns: repeat(3, 40px); grid-template-rows: repeat(3, 40px); gap: 2px; margin: 10px auto; width: 124px; }
#board .cell { border: 1px solid #333; font-size: 28px; line-height: 40px; text-align: center; cursor: pointer; }
`,
  generate(ctx) {
    ctx.setUtterance("Playing as 'X', win a game of tic-tac-toe.");
    const board: Mark[] = Array.from({ length: 9 }, () => '');
    const cells = board.map((_, i) => h(ctx.doc, 'div', { id: `ttt-${i}`, class: 'cell' }));
    const place = (i: number, mark: Mark): void => {
      board[i] = mark;
      (cells[i] as HTMLElement).textContent = mark;
    };
    cells.forEach((cell, i) =>
      cell.addEventListener('click', () => {
        if (ctx.done || board[i] !== '') return;
        place(i, 'X');
        if (winner(board) === 'X') return ctx.succeed('three X in a line');
        const empty = board.flatMap((mark, j) => (mark === '' ? [j] : []));
        if (empty.length === 0) return ctx.fail('a draw');
        place(ctx.random.pick(empty), 'O');
        if (winner(board) === 'O') ctx.fail('three O in a line');
        else if (empty.length === 1) ctx.fail('a draw');
      }),
    );
    ctx.area.append(h(ctx.doc, 'div', { id: 'board' }, ...cells));
  },
});
