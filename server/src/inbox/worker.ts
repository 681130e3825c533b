import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { InboxItem, Store } from '../store';

/** Processes one delivery; throwing gives it back for a retry. */
export type InboxHandler = (item: InboxItem) => Promise<void>;

export interface WorkerOptions {
  /** Concurrent items per instance. */
  concurrency: number;
  leaseMs: number;
  /** Poll interval when idle (another instance may have stored work). */
  idleMs: number;
  maxAttempts: number;
  /** Finished deliveries are kept this long (for deduplication), then pruned. */
  retainMs: number;
}

const DEFAULTS: WorkerOptions = { concurrency: 4, leaseMs: 120_000, idleMs: 500, maxAttempts: 5, retainMs: 7 * 24 * 3600_000 };

/**
 * Drains the durable inbox. Items are leased through the store's atomic claim, so any number
 * of instances can drain one inbox; an item whose worker died is claimed again when its lease
 * expires; one conversation's items are processed one at a time, in order.
 */
export class InboxWorker {
  readonly owner = `worker-${randomUUID()}`;
  private readonly opts: WorkerOptions;
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private wakeups: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly handlers: Partial<Record<InboxItem['source'], InboxHandler>>,
    private readonly log: Logger,
    opts: Partial<WorkerOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  private pruneTimer: NodeJS.Timeout | undefined;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), 3600_000);
    this.pruneTimer.unref();
    for (let i = 0; i < this.opts.concurrency; i++) this.loops.push(this.loop());
  }

  /** New work arrived: stop waiting. */
  wake(): void {
    const w = this.wakeups;
    this.wakeups = [];
    for (const f of w) f();
  }

  /**
   * Stops claiming and waits for the items in hand to finish, at most `drainMs`: an item still
   * running then keeps its lease until it expires, and another instance takes it over.
   */
  async stop(drainMs = 25_000): Promise<void> {
    this.running = false;
    clearInterval(this.pruneTimer);
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), drainMs);
      timer.unref();
    });
    const outcome = await Promise.race([Promise.all(this.loops).then(() => 'drained' as const), bound]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.log.warn({ drainMs }, 'inbox items still running at shutdown: their leases will expire and be taken over');
    this.loops.length = 0;
  }

  private prune(): void {
    this.store.pruneInbox(new Date(Date.now() - this.opts.retainMs)).then(
      (n) => n && this.log.info({ pruned: n }, 'pruned finished inbox items'),
      (err) => this.log.warn({ err: (err as Error).message }, 'inbox prune failed'),
    );
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let item: InboxItem | null = null;
      try {
        item = await this.store.claim(this.owner, this.opts.leaseMs);
      } catch (err) {
        this.log.error({ err }, 'inbox claim failed');
      }
      if (!item) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.opts.idleMs);
          this.wakeups.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
        continue;
      }
      await this.process(item);
    }
  }

  private async process(item: InboxItem): Promise<void> {
    const handler = this.handlers[item.source];
    try {
      if (!handler) throw new Error(`no handler for ${item.source}`);
      await handler(item);
      await this.store.complete(item.id, this.owner);
    } catch (err) {
      const retry = item.attempts < this.opts.maxAttempts;
      const delay = Math.min(60_000, 1000 * 2 ** item.attempts);
      this.log.warn({ itemId: item.id, source: item.source, attempts: item.attempts, retry, err: (err as Error).message }, 'inbox item failed');
      await this.store.fail(item.id, this.owner, (err as Error).message ?? 'failed', retry ? new Date(Date.now() + delay) : null).catch(() => {});
    }
  }
}
