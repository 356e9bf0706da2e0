import { Window } from 'happy-dom';
import { installTask } from '../tasks/core/runtime.ts';
import type { TaskSpec } from '../tasks/core/task.ts';
import type { MiniWobWindow } from '../tasks/core/protocol.ts';
import { watchPageErrors, type PageHost } from './host.ts';

/**
 * A built-in task page on happy-dom, a DOM implementation for Node: runs go on machines with no
 * browser (GPU servers). It has no layout, so tasks that need coordinates are left out here.
 */
export class DomPageHost implements PageHost {
  readonly hasLayout = false;
  readonly label: string;
  private readonly win: Window;
  private readonly page: MiniWobWindow;
  private readonly errors: string[] = [];
  private disposed = false;

  constructor(spec: TaskSpec) {
    this.label = spec.name;
    this.win = new Window({
      url: `http://lab.local/task.html?task=${spec.name}`,
      width: 160,
      height: 210,
      settings: {
        disableJavaScriptFileLoading: true,
        disableCSSFileLoading: true,
        navigator: { userAgent: 'web-agent-lab' },
      },
    });
    this.win.document.write('<!doctype html><html><head></head><body></body></html>');
    watchPageErrors(this.win as unknown as globalThis.Window, this.errors);
    this.page = installTask(this.win as unknown as globalThis.Window, spec);
  }

  async ready(): Promise<MiniWobWindow> {
    return this.page;
  }

  /** Disposed: happy-dom closes its window asynchronously, and the page counts as gone from dispose() on. */
  get closed(): boolean {
    return this.disposed || this.win.closed;
  }

  takePageErrors(): string[] {
    return this.errors.splice(0);
  }

  dispose(): void {
    this.disposed = true;
    void this.win.happyDOM.close();
  }
}
