import { speaksProtocol, type MiniWobWindow } from '../tasks/core/protocol.ts';
import { watchPageErrors, type PageHost } from './host.ts';

/** The address of a task page: a built-in task, or an official page served from the user's folder. */
export function taskPageUrl(task: string, source: 'built-in' | 'official' = 'built-in'): string {
  return source === 'official'
    ? `/miniwob-official/miniwob/${task}.html`
    : `/task.html?task=${encodeURIComponent(task)}`;
}

/**
 * A task page in a same-origin iframe. The driver reaches into the frame directly (no message
 * passing, no remote protocol): that is what makes the in-page environment fast.
 */
export class IframePageHost implements PageHost {
  readonly hasLayout = true;
  readonly iframe: HTMLIFrameElement;
  private readonly errors: string[] = [];
  private loaded: Promise<void>;

  constructor(
    readonly url: string,
    container: HTMLElement,
    readonly label = url,
  ) {
    this.iframe = container.ownerDocument.createElement('iframe');
    this.iframe.title = `Task page ${label}`;
    this.iframe.width = '160';
    this.iframe.height = '210';
    this.iframe.style.border = '0';
    this.loaded = new Promise((resolve) =>
      this.iframe.addEventListener('load', () => resolve(), { once: true }),
    );
    this.iframe.src = url;
    container.append(this.iframe);
    void this.loaded.then(() => {
      const win = this.iframe.contentWindow;
      if (win) watchPageErrors(win, this.errors);
    });
  }

  async ready(timeoutMs: number): Promise<MiniWobWindow> {
    const deadline = Date.now() + timeoutMs;
    const late = (): Error =>
      new Error(
        `it did not become ready within ${timeoutMs} ms (no MiniWob++ core, or WOB_TASK_READY stayed false)` +
          (this.errors.length ? `; the page reported: ${this.errors.join('; ')}` : ''),
      );
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(late()), timeoutMs));
    await Promise.race([this.loaded, timeout]);
    for (;;) {
      const win = this.iframe.contentWindow;
      if (win && speaksProtocol(win) && win.WOB_TASK_READY !== false) return win;
      if (Date.now() > deadline) throw late();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  takePageErrors(): string[] {
    return this.errors.splice(0);
  }

  /** Loads the page again (after it crashed, say); the next ready() waits for it. */
  reload(): void {
    this.loaded = new Promise((resolve) =>
      this.iframe.addEventListener('load', () => resolve(), { once: true }),
    );
    void this.loaded.then(() => {
      const win = this.iframe.contentWindow;
      if (win) watchPageErrors(win, this.errors);
    });
    this.iframe.src = this.url;
  }

  dispose(): void {
    this.iframe.remove();
  }
}
