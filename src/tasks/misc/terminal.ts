import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { COMMON_WORDS } from '../core/words.ts';

/** Extensions the files may have; '' is a file without one. */
const EXTENSIONS = [
  '.txt',
  '.gif',
  '.png',
  '.jpg',
  '.rb',
  '.py',
  '.js',
  '.gpg',
  '.zip',
  '.tar.gz',
  '.sh',
  '.md',
  '.pdf',
  '',
];

const PROMPT = 'user$';

/**
 * A terminal with a hidden listing: `ls` shows the files, `rm NAME` deletes one, `date` and `help`
 * answer, anything else is not found. Deleting the one file with the extension asked for gives +1,
 * deleting any other file gives -1. `date` prints the clock, so the page depends on time.
 */
export const terminal = defineTask({
  name: 'terminal',
  description: 'Use a terminal to list the files and delete the one with a given extension.',
  wave: 2,
  nondeterministic: true,
  css: `
#terminal { background: #111; color: #ddd; font-family: monospace; font-size: 10px; height: 150px; overflow-y: auto; padding: 3px; }
#terminal-output .terminal-line { white-space: pre-wrap; word-break: break-all; }
#terminal-input { display: flex; }
#terminal-target { flex: 1; background: #111; color: #fff; border: none; font-family: monospace; font-size: 10px; }
`,
  generate(ctx) {
    const { random, doc } = ctx;
    const target = random.pick(EXTENSIONS);
    const others = EXTENSIONS.filter((ext) => ext !== target);
    const names = random.sample(COMMON_WORDS, random.int(5, 8));
    const files = names.map((name, i) => name + (i === 0 ? target : random.pick(others)));
    const wanted = files[0] as string;
    const listing = random.shuffle(files);
    ctx.setUtterance(
      target === ''
        ? 'Use the terminal below to delete a file that has no file extension.'
        : `Use the terminal below to delete a file ending with the extension ${target}`,
    );

    const output = h(doc, 'div', { id: 'terminal-output' });
    const print = (text: string): void => {
      output.append(h(doc, 'div', { class: 'terminal-line' }, text));
    };
    const remove = (name: string): void => {
      const index = listing.indexOf(name);
      if (index < 0) return print(`rm: cannot remove '${name}': No such file or directory`);
      listing.splice(index, 1);
      if (name === wanted) ctx.succeed(`deleted ${name}`);
      else ctx.fail(`deleted ${name}, not the file asked for`);
    };
    const run = (line: string): void => {
      print(`${PROMPT} ${line}`);
      const [command, ...args] = line.trim().split(/\s+/);
      if (!command) return;
      if (command === 'ls') print(listing.join('  '));
      else if (command === 'rm') {
        if (args.length === 0) print('rm: missing operand');
        for (const name of args) if (!ctx.done) remove(name);
      } else if (command === 'date') print(new Date().toString());
      else if (command === 'help') print('commands: ls, rm FILE, date, help');
      else print(`${command}: command not found`);
    };

    const input = h(doc, 'input', { type: 'text', id: 'terminal-target', autocomplete: 'off' });
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || ctx.done) return;
      event.preventDefault();
      const line = input.value;
      input.value = '';
      run(line);
    });
    ctx.area.append(
      h(
        doc,
        'div',
        { id: 'terminal' },
        output,
        h(doc, 'div', { id: 'terminal-input' }, h(doc, 'span', { class: 'terminal-prompt' }, PROMPT), input),
      ),
    );
  },
});
