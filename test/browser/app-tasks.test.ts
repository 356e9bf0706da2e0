import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../../src/app/app.css';
import TasksPage from '../../src/app/TasksPage.svelte';

let target: HTMLElement;
let app: ReturnType<typeof mount>;

beforeEach(() => {
  localStorage.clear();
  target = document.createElement('div');
  document.body.append(target);
  app = mount(TasksPage, { target, props: { expertDelayMs: 0 } });
});

afterEach(async () => {
  await unmount(app);
  target.remove();
});

const status = () => page.getByRole('region', { name: 'Episode status' });
const observation = () => page.getByLabelText('Observation text');

async function pickTask(name: string): Promise<void> {
  await userEvent.fill(page.getByRole('searchbox', { name: 'Search tasks' }), name);
  // A task's button reads "name" plus tags such as "test": match the name as a whole word. Built-in
  // tasks are listed before official pages of the same name.
  await page
    .getByRole('button', { name: new RegExp(`^${name}(\\s|$)`) })
    .first()
    .click();
  await expect.element(page.getByRole('heading', { level: 1 })).toHaveTextContent(name);
  await expect.element(status()).toHaveTextContent('Running');
}

function taskDocument(): Document {
  const frame = target.querySelector('iframe');
  if (!frame?.contentDocument) throw new Error('no task iframe');
  return frame.contentDocument;
}

describe('Tasks page', () => {
  it('runs the click-button expert to success, highlighting what it clicked', async () => {
    await pickTask('click-button');
    await expect.element(observation()).toHaveTextContent(/<button bid="\d+">/);

    await page.getByRole('button', { name: 'Run expert to the end' }).click();

    await expect.element(status()).toHaveTextContent('Success');
    await expect.element(status()).toHaveTextContent(/Reward\s*\+1/);
    // The episode is over: there is nothing left for the expert to run.
    await expect.element(page.getByRole('button', { name: 'Run expert to the end' })).toBeDisabled();
    const history = page.getByRole('region', { name: 'History' });
    await expect.element(history).toHaveTextContent(/click\("\d+"\)/);
    await expect.element(history).toHaveTextContent('expert');
    const outline = taskDocument().getElementById('lab-highlight')?.textContent ?? '';
    expect(outline).toMatch(/\[bid="\d+"\]/);
  });

  it("shows the task's time limit in its header only while the setting keeps it", async () => {
    await pickTask('odd-or-even');
    const header = page.getByRole('heading', { level: 1 }).element().closest('header')!;
    // The default setting lifts the limit, so the header must not promise one.
    expect(header.textContent).toContain('time limit off (task: 15 s)');
    expect(header.textContent).not.toContain('15 s limit');
    await userEvent.selectOptions(page.getByLabelText('Time limit'), 'task');
    await expect.poll(() => header.textContent).toContain('15 s limit');
  });

  it('shows the parse error of a malformed action and keeps the episode going', async () => {
    await pickTask('click-button');
    const action = page.getByRole('textbox', { name: 'Action' });
    await userEvent.fill(action, 'click(');
    await userEvent.keyboard('{Enter}');

    await expect.element(status()).toHaveTextContent('Last error');
    await expect.element(status()).toHaveTextContent('expected a quoted string');
    await expect.element(status()).toHaveTextContent('Running');
    await expect.element(status()).toHaveTextContent('1 / 10');
  });

  it('shows the same observation as an accessibility tree', async () => {
    await pickTask('click-button');
    await page.getByRole('button', { name: 'Accessibility tree' }).click();
    await expect.element(observation()).toHaveTextContent(/\[\d+\] button "/);
  });
});
