import { EventEmitter } from 'node:events';
import type { Logger } from '../logger';
import type { Store } from '../store';

/** How many rows of each kind were deleted. */
export type PruneCounts = Awaited<ReturnType<Store['prune']>>;

/** How the retention job runs; tests shorten the delays and inject the clock. */
export interface RetentionOptions {
  /** Rows older than this many days go (RETENTION_DAYS). */
  days: number;
  /** Between two sweeps (default: an hour). */
  intervalMs: number;
  /** Before the first sweep after start: the server is up and warm first (default 30 s). */
  firstDelayMs: number;
  /** Rows of each kind per `prune` call: short transactions, so turns are not held up (default 500). */
  batch: number;
  /** `prune` calls per sweep at most; what is left goes at the next sweep (default 2000). */
  maxBatches: number;
  now: () => Date;
}

const DEFAULTS: Omit<RetentionOptions, 'days'> = { intervalMs: 3600_000, firstDelayMs: 30_000, batch: 500, maxBatches: 2000, now: () => new Date() };

const ZERO: PruneCounts = { conversations: 0, calls: 0, audit: 0, proposals: 0 };

/** What one sweep deleted, and whether it stopped at `maxBatches` with rows left. */
export interface SweepResult {
  before: Date;
  deleted: PruneCounts;
  batches: number;
  complete: boolean;
}

/**
 * Retention: deletes conversations, calls, audit entries and finished proposals older than
 * `days`, once shortly after start and then every `intervalMs`, in batches until a batch
 * deletes nothing. Emits `swept` (SweepResult) after each sweep and `failed` (Error) when the
 * store refuses; the timers are unref'd so they never keep the process alive.
 * Every instance may run it: the deletes are idempotent.
 */
export class RetentionJob extends EventEmitter {
  private readonly opts: RetentionOptions;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Pick<Store, 'prune'>,
    private readonly log: Logger,
    opts: Partial<RetentionOptions> & { days: number },
  ) {
    super();
    this.opts = { ...DEFAULTS, ...opts };
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.schedule(this.opts.firstDelayMs);
  }

  /** Whether a next sweep is scheduled (false once stopped). */
  get scheduled(): boolean {
    return this.timer !== undefined || this.current !== undefined;
  }

  /** Clears the timer and waits for a sweep in progress (it stops at its next batch). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  /** One sweep now: prune in batches until nothing is left (or `maxBatches`). */
  async sweep(): Promise<SweepResult> {
    const before = new Date(this.opts.now().getTime() - this.opts.days * 24 * 3600_000);
    const deleted = { ...ZERO };
    let batches = 0;
    let complete = false;
    while (batches < this.opts.maxBatches && !this.stopped) {
      const n = await this.store.prune(before, this.opts.batch);
      batches++;
      for (const k of Object.keys(deleted) as (keyof PruneCounts)[]) deleted[k] += n[k];
      if (n.conversations + n.calls + n.audit + n.proposals === 0) {
        complete = true;
        break;
      }
      // Between batches, let requests in: SQLite deletes run on the event loop's thread.
      await new Promise((r) => setImmediate(r));
    }
    return { before, deleted, batches, complete };
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.current = this.sweep().then(
        (r) => {
          const total = r.deleted.conversations + r.deleted.calls + r.deleted.audit + r.deleted.proposals;
          if (total > 0 || !r.complete) this.log.info({ ...r.deleted, before: r.before.toISOString(), complete: r.complete }, 'retention: deleted old records');
          this.emit('swept', r);
        },
        (err: unknown) => {
          this.log.error({ err }, 'retention: prune failed; trying again at the next sweep');
          this.emit('failed', err);
        },
      );
      void this.current.finally(() => {
        this.current = undefined;
        if (!this.stopped) this.schedule(this.opts.intervalMs);
      });
    }, ms);
    this.timer.unref();
  }
}
