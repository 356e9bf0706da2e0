/**
 * The user's own copy of the official MiniWob++ pages: the dev server serves the folder named here
 * (POST /__lab/official), and the Tasks page lists its pages beside the built-in ones.
 */
const ENDPOINT = '/__lab/official';
const STORAGE_KEY = 'lab.officialDir';

type FolderReply = { ok: true; dir: string; tasks: string[] } | { ok: false; dir: string; error: string };

export type OfficialFolderState =
  | { status: 'unset' }
  | { status: 'checking'; dir: string }
  | { status: 'ready'; dir: string; tasks: string[] }
  | { status: 'error'; dir: string; error: string };

const NO_ENDPOINT =
  'The lab could not reach its dev server at /__lab/official. Official pages are served only by `npm start` (vite dev), not by a static build.';

async function askServer(dir: string | null): Promise<OfficialFolderState> {
  let reply: FolderReply | null;
  try {
    const response = await fetch(ENDPOINT, {
      method: dir === null ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: dir === null ? undefined : JSON.stringify({ dir }),
    });
    reply = (await response.json()) as FolderReply | null;
  } catch {
    return { status: 'error', dir: dir ?? '', error: NO_ENDPOINT };
  }
  if (!reply) return { status: 'unset' };
  return reply.ok
    ? { status: 'ready', dir: reply.dir, tasks: reply.tasks }
    : { status: 'error', dir: reply.dir, error: reply.error };
}

export class OfficialFolder {
  state = $state<OfficialFolderState>({ status: 'unset' });
  private readonly storage: Storage | undefined;

  constructor(storage: Storage | undefined = globalThis.localStorage) {
    this.storage = storage;
  }

  /** Task names of the folder, or none while it is unset or wrong. */
  get tasks(): string[] {
    return this.state.status === 'ready' ? this.state.tasks : [];
  }

  /** On load: re-sends the remembered folder (the dev server forgets it on restart), else asks what the server has. */
  async restore(): Promise<void> {
    const remembered = this.storage?.getItem(STORAGE_KEY);
    if (remembered) await this.set(remembered);
    else this.state = await askServer(null);
  }

  /** Points the dev server at `dir`; an empty path (which the server takes as "no folder") clears it. */
  async set(dirInput: string): Promise<void> {
    const dir = dirInput.trim();
    if (dir) this.storage?.setItem(STORAGE_KEY, dir);
    else this.storage?.removeItem(STORAGE_KEY);
    this.state = { status: 'checking', dir };
    this.state = await askServer(dir);
  }
}
