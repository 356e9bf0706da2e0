/**
 * One focused frame per page. A page has one focused element at a time, across all its iframes:
 * an action that focuses a field in one task page blurs whatever had the focus in another. Most
 * tasks never notice, but a page that reacts to losing the focus does (a jQuery UI autocomplete
 * closes its menu on blur, and the official pages use it), and its episode would then fail for a
 * reason no agent caused. So the pool runs such an episode alone: it takes the gate exclusively for
 * its whole episode, and every other episode takes it, shared, for each reset and step (the only
 * times the lab moves the focus). Policies run outside the gate, so batching across slots goes on.
 *
 * Requests are served in arrival order: a waiting exclusive request holds back shared ones that
 * come after it, so a stream of short steps cannot starve it.
 */
export class FocusGate {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private readonly queue: { exclusive: boolean; grant: () => void }[] = [];

  /** Runs `work` while no exclusive holder runs. */
  shared<T>(work: () => Promise<T>): Promise<T> {
    return this.hold(false, work);
  }

  /** Runs `work` alone: after the holders before it end, and before anyone after it starts. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.hold(true, work);
  }

  private async hold<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => {
      this.queue.push({ exclusive, grant });
      this.admit();
    });
    try {
      return await work();
    } finally {
      if (exclusive) this.exclusiveHeld = false;
      else this.sharedHolders--;
      this.admit();
    }
  }

  private admit(): void {
    for (let next = this.queue[0]; next && !this.exclusiveHeld; next = this.queue[0]) {
      if (next.exclusive && this.sharedHolders > 0) return;
      this.queue.shift();
      if (next.exclusive) this.exclusiveHeld = true;
      else this.sharedHolders++;
      next.grant();
    }
  }
}
