import { describe, expect, it } from 'vitest';
import {
  encodePrompt,
  encodeTarget,
  parseTarget,
  promptText,
  targetText,
  type PromptOptions,
  type StepContext,
} from '../../src/agent/prompt.ts';
import {
  createTokenizer,
  END_OF_TARGET,
  learnVocabulary,
  START_OF_TARGET,
} from '../../src/agent/tokenizer.ts';

const context: StepContext = {
  goal: 'Click the "Okay" button.',
  observation: '[1] RootWebArea "Task"\n  [7] button "Okay"\n  [8] button "Cancel"',
  history: ['click("3")', 'fill("4", "Ada")', 'noop()'],
  lastError: 'No element with bid "9".',
};
const withError: PromptOptions = { historyLength: 2, errorLogFeedback: true };

const bytes = createTokenizer({ kind: 'bytes' });
const learned = createTokenizer(
  learnVocabulary(
    [
      promptText(context, withError),
      'Goal: Click the button. Previous actions: none Page: [2] button "Submit"',
    ],
    60,
  ),
);

describe('prompt text', () => {
  it('has the exact layout', () => {
    expect(promptText(context, withError)).toBe(
      'Goal: Click the "Okay" button.\n' +
        'Previous actions: fill("4", "Ada"); noop()\n' +
        'Last error: No element with bid "9".\n' +
        'Page:\n' +
        '[1] RootWebArea "Task"\n  [7] button "Okay"\n  [8] button "Cancel"',
    );
  });

  it('shows only the last k actions, "none" for k = 0 or no actions', () => {
    const all = promptText(context, { historyLength: 10, errorLogFeedback: false });
    expect(all).toContain('\nPrevious actions: click("3"); fill("4", "Ada"); noop()\nPage:\n');
    expect(promptText(context, { historyLength: 1, errorLogFeedback: false })).toContain(
      'Previous actions: noop()\n',
    );
    expect(promptText(context, { historyLength: 0, errorLogFeedback: false })).toContain(
      'Previous actions: none\n',
    );
    expect(promptText({ ...context, history: [] }, withError)).toContain('Previous actions: none\n');
  });

  it('shows the error line only with error-log feedback and an error', () => {
    expect(promptText(context, withError)).toContain('\nLast error: No element with bid "9".\nPage:\n');
    expect(promptText(context, { ...withError, errorLogFeedback: false })).not.toContain('Last error');
    expect(promptText({ ...context, lastError: null }, withError)).not.toContain('Last error');
  });
});

describe('encodePrompt', () => {
  for (const [name, tokenizer] of [
    ['bytes', bytes],
    ['learned', learned],
  ] as const) {
    it(`encodes the whole prompt when it fits (${name})`, () => {
      const full = tokenizer.encode(promptText(context, withError));
      const encoded = encodePrompt(tokenizer, context, withError, 10_000);
      expect(encoded.truncated).toBe(false);
      expect(encoded.tokens.at(-1)).toBe(START_OF_TARGET);
      expect(tokenizer.decode(encoded.tokens)).toBe(promptText(context, withError));
      expect(encoded.tokens.length).toBeLessThanOrEqual(full.length + 1);
      const exact = encodePrompt(tokenizer, context, withError, encoded.tokens.length);
      expect(exact).toEqual(encoded);
    });

    it(`cuts the end of the observation to fit, keeping goal, history and error (${name})`, () => {
      const whole = encodePrompt(tokenizer, context, withError, 10_000).tokens.length;
      const header = promptText({ ...context, observation: '' }, withError);
      const fixed = tokenizer.encode(header).length + 1;
      const mark = tokenizer.encode('...').length;
      for (let maxTokens = whole - 1; maxTokens >= fixed; maxTokens--) {
        const encoded = encodePrompt(tokenizer, context, withError, maxTokens);
        expect(encoded.truncated).toBe(true);
        expect(encoded.tokens.length).toBeLessThanOrEqual(maxTokens);
        expect(encoded.tokens.at(-1)).toBe(START_OF_TARGET);
        const text = tokenizer.decode(encoded.tokens);
        expect(text.startsWith(header)).toBe(true);
        const observation = text.slice(header.length);
        if (maxTokens - fixed >= mark) {
          expect(observation === '...' || observation.endsWith('\n...')).toBe(true);
          expect(context.observation.startsWith(observation.replace(/\n?\.\.\.$/, ''))).toBe(true);
        } else {
          expect(context.observation.startsWith(observation)).toBe(true);
        }
        // Byte tokens of ASCII text fill the budget exactly (except where only the mark "..." fits,
        // one token short of "x\n..."); learned ones within a few tokens.
        const room = maxTokens - fixed;
        if (name === 'bytes' && room !== mark + 1) expect(encoded.tokens.length).toBe(maxTokens);
        else expect(encoded.tokens.length).toBeGreaterThanOrEqual(maxTokens - 4);
      }
    });
  }

  it('hand-computed: byte tokens of a cut prompt', () => {
    const small: StepContext = { goal: 'g', observation: 'abcdefgh', history: [], lastError: null };
    const options: PromptOptions = { historyLength: 3, errorLogFeedback: true };
    // "Goal: g\nPrevious actions: none\nPage:\n" is 37 bytes; + START = 38; + 8 observation bytes = 46.
    const whole = encodePrompt(bytes, small, options, 46);
    expect(whole).toEqual({
      tokens: [...bytes.encode(promptText(small, options)), START_OF_TARGET],
      truncated: false,
    });
    expect(whole.tokens).toHaveLength(46);
    const head = 'Goal: g\nPrevious actions: none\nPage:\n';
    const cutTo = (maxTokens: number): string =>
      bytes.decode(encodePrompt(bytes, small, options, maxTokens).tokens);
    // Budget 7 for the observation: "abc\n..." (7 bytes).
    expect(cutTo(45)).toBe(`${head}abc\n...`);
    expect(cutTo(43)).toBe(`${head}a\n...`);
    // Room for "..." but not "a\n...": the mark alone.
    expect(cutTo(42)).toBe(`${head}...`);
    expect(cutTo(41)).toBe(`${head}...`);
    // No room for the mark: a bare start of the observation.
    expect(cutTo(40)).toBe(`${head}ab`);
    expect(cutTo(38)).toBe(head);
    expect(encodePrompt(bytes, small, options, 38).truncated).toBe(true);
  });

  it('never cuts a character in half', () => {
    const accented: StepContext = { goal: 'g', observation: 'ééééé😀😀', history: [], lastError: null };
    const options: PromptOptions = { historyLength: 0, errorLogFeedback: false };
    for (let maxTokens = 38; maxTokens < 52; maxTokens++) {
      const text = bytes.decode(encodePrompt(bytes, accented, options, maxTokens).tokens);
      expect(text).not.toContain('\uFFFD');
    }
  });

  it('shortens a long error and long actions to leave the page room, then leaves out the oldest actions', () => {
    const longError = `Unknown action. ${'Use click(bid), fill(bid, text) or noop(). '.repeat(10)}`;
    const garbage = `click("${'x'.repeat(150)}")`;
    const noisy: StepContext = {
      goal: 'Click the button.',
      observation: 'o'.repeat(200),
      history: [garbage, 'click("5")', garbage],
      lastError: longError,
    };
    const options: PromptOptions = { historyLength: 5, errorLogFeedback: true };
    const shortGarbage = `${garbage.slice(0, 80)}...`;
    const header =
      'Goal: Click the button.\n' +
      `Previous actions: ${shortGarbage}; click("5"); ${shortGarbage}\n` +
      `Last error: ${longError.slice(0, 60)}...\n` +
      'Page:\n';
    expect(header.length).toBe(305);
    // 400 tokens: the full header (about 570 bytes) does not leave the page its half (200 of 399),
    // the shortened one (305) fits the whole budget, so no action is left out and the page gets
    // the remaining 400 - 1 - 305 = 94 tokens.
    const roomy = encodePrompt(bytes, noisy, options, 400);
    const roomyText = bytes.decode(roomy.tokens);
    expect(roomy.truncated).toBe(true);
    expect(roomy.tokens).toHaveLength(400);
    expect(roomyText.startsWith(header)).toBe(true);
    const observation = roomyText.slice(header.length);
    expect(observation.endsWith('\n...')).toBe(true);
    expect(noisy.observation.startsWith(observation.slice(0, -4))).toBe(true);

    // 160 tokens: even shortened the header does not fit: actions are left out, oldest first,
    // until it does (here all three: the newest alone is 83 bytes), and the page keeps the rest.
    const tight = encodePrompt(bytes, noisy, options, 160);
    const tightText = bytes.decode(tight.tokens);
    expect(tight.tokens).toHaveLength(160);
    expect(tightText).toMatch(
      /^Goal: Click the button\.\nPrevious actions: \(3 earlier not shown\)\nLast error: Unknown action\. .{44}\.\.\.\nPage:\no+\n\.\.\.$/,
    );
  });

  it('in a small context cuts the error to its first words, then leaves it out, before giving up', () => {
    const noisy: StepContext = {
      goal: 'Enter "Deneen" into the text field and press Submit.',
      observation: 'o'.repeat(100),
      history: ['click("x")', 'click("y")'],
      lastError: `Unknown action. ${'Use click(bid), fill(bid, text) or noop(). '.repeat(10)}`,
    };
    const options: PromptOptions = { historyLength: 5, errorLogFeedback: true };
    const goalLine = `Goal: ${noisy.goal}\nPrevious actions: (2 earlier not shown)\n`;
    // Room for the goal, the count of actions and the error's first 24 characters only.
    const short = bytes.decode(encodePrompt(bytes, noisy, options, 160).tokens);
    expect(short.startsWith(`${goalLine}Last error: Unknown action. Use clic...\nPage:\n`)).toBe(true);
    // Room for the goal and the count of actions: the error goes.
    const bare = bytes.decode(encodePrompt(bytes, noisy, options, 120).tokens);
    expect(bare.startsWith(`${goalLine}Page:\n`)).toBe(true);
    expect(bare).not.toContain('Last error');
  });

  it('throws with what to change when the goal alone does not fit', () => {
    const longGoal: StepContext = { ...context, goal: 'g'.repeat(100) };
    expect(() => encodePrompt(bytes, longGoal, withError, 60)).toThrow(
      /goal, with the rest of its header cut as short as it goes, needs \d+ tokens, but the prompt may hold only 60: raise the model's context or lower model\.maxNewTokens/,
    );
  });
});

describe('target', () => {
  it('writes and encodes the target', () => {
    const target = { thought: 'I click the okay button.', action: 'click("7")' };
    expect(targetText(target)).toBe('I click the okay button.\nAction: click("7")');
    const tokens = encodeTarget(bytes, target);
    expect(tokens.at(-1)).toBe(END_OF_TARGET);
    expect(tokens.slice(0, -1)).toEqual(bytes.encode(targetText(target)));
    expect(encodeTarget(learned, target).at(-1)).toBe(END_OF_TARGET);
    expect(parseTarget(learned.decode(encodeTarget(learned, target)))).toEqual(target);
  });

  it('parses generated targets', () => {
    expect(parseTarget('I click.\nAction: click("7")')).toEqual({
      thought: 'I click.',
      action: 'click("7")',
    });
    expect(parseTarget('  Two\nlines. \n Action:   fill("3", "x")  \n')).toEqual({
      thought: 'Two\nlines.',
      action: 'fill("3", "x")',
    });
    expect(parseTarget('First.\nAction: noop()\nAgain.\nAction: click("2")')).toEqual({
      thought: 'First.\nAction: noop()\nAgain.',
      action: 'click("2")',
    });
    expect(parseTarget('\nAction: noop()')).toEqual({ thought: '', action: 'noop()' });
    expect(parseTarget('  click("7") ')).toEqual({ thought: '', action: 'click("7")' });
    expect(parseTarget('')).toEqual({ thought: '', action: '' });
  });
});
