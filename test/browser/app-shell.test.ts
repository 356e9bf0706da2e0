import { mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import App from '../../src/app/App.svelte';
import '../../src/app/app.css';

let app: ReturnType<typeof mount> | null = null;
const target = document.createElement('div');
document.body.append(target);

afterEach(async () => {
  if (app) await unmount(app);
  app = null;
  history.replaceState(null, '', location.pathname);
});

describe('the lab shell', () => {
  it('keeps a page and its work alive while another page is shown', async () => {
    history.replaceState(null, '', `${location.pathname}#data`);
    app = mount(App, { target });
    const seeds = page.getByLabelText('Seeds');
    await expect.element(seeds).toBeVisible();
    await userEvent.fill(seeds, '3-7');
    const dataPage = seeds.element().closest('.page-slot');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Tasks' }).click();
    await expect.element(page.getByRole('button', { name: /Expert step/ })).toBeVisible();
    // Off screen, not gone: its form (and any collection it runs) is the same element.
    expect(dataPage?.isConnected).toBe(true);
    expect(dataPage?.getAttribute('aria-hidden')).toBe('true');
    expect(dataPage?.getBoundingClientRect().right).toBeLessThan(0);

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Data' }).click();
    expect(seeds.element().closest('.page-slot')).toBe(dataPage);
    expect((seeds.element() as HTMLInputElement).value).toBe('3-7');
    expect(location.hash).toBe('#data');
  });
});
