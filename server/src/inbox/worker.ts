import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { InboxItem, Store } from '../store';
import { INTAKE_GATE_DEFAULTS, IntakeGate, type IntakeGateOptions } from './intake-gate';

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
  /** While deliveries arrive, new claims wait (see IntakeGate). */
  intake: IntakeGateOptions;
  /** The gate's clock (tests inject one). */
  now: () => number;
}

const DEFAULTS: WorkerOptions = {
  concurrency: 4,
  leaseMs: 120_000,
  idleMs: 500,
  maxAttempts: 5,
  retainMs: 7 * 24 * 3600_000,
  intake: INTAKE_GATE_DEFAULTS,
  now: () => performance.now(),
};

/** Gate checks per claim at most: each waits until the intake is quiet or the hold ends, so a few suffice. */
const MAX_GATE_WAITS = 1000;

/**
 * Drains the durable inbox. Items are leased through the store's atomic claim, so any number
 * of instances can drain one inbox; an item whose worker died is claimed again when its lease
 * expires; one conversation's items are processed one at a time, in order. Acknowledging
 * webhooks comes first: claims wait while deliveries are arriving (IntakeGate), and each claim
 * waits for the I/O already pending, so a worker's synchronous steps never sit in front of a
 * request that has arrived.
 */
export class InboxWorker {
  readonly owner = `worker-${randomUUID()}`;
  private readonly opts: WorkerOptions;
  private running = false;
  private readonly loops: Promise<void>[] = [];
  /** Idle loops waiting for work. */
  private wakeups: (() => void)[] = [];
  /** Loops waiting for the intake to go quiet. */
  private readonly held: (() => void)[] = [];
  private readonly gate: IntakeGate;

  constructor(
    private readonly store: Store,
    private readonly handlers: Partial<Record<InboxItem['source'], InboxHandler>>,
    private readonly log: Logger,
    opts: Partial<WorkerOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.gate = new IntakeGate(this.opts.intake);
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

  /**
   * A delivery was stored: one idle loop stops waiting for it (one item needs one loop; waking
   * every idle loop made all of them run a claim transaction for it), and the intake counts
   * as busy (see IntakeGate).
   */
  wake(): void {
    this.gate.arrived(this.opts.now());
    this.wakeups[0]?.();
  }

  /** Every waiting loop stops waiting (shutdown). */
  private wakeAll(): void {
    for (const f of [...this.wakeups, ...this.held]) f();
  }

  /**
   * Stops claiming and waits for the items in hand to finish, at most `drainMs`: an item still
   * running then keeps its lease until it expires, and another instance takes it over.
   */
  async stop(drainMs = 25_000): Promise<void> {
    this.running = false;
    clearInterval(this.pruneTimer);
    this.wakeAll();
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

  /** Waits (in a wake-able sleep) until the gate lets a claim go; false when stopped meanwhile. */
  private async intakeQuiet(): Promise<boolean> {
    for (let i = 0; i < MAX_GATE_WAITS && this.running; i++) {
      const ms = this.gate.waitMs(this.opts.now());
      if (ms <= 0) break;
      await this.sleep(ms, this.held);
    }
    // Requests that have arrived meanwhile are handled before this loop's synchronous claim.
    await new Promise((r) => setImmediate(r));
    return this.running;
  }

  /** Sleeps `ms`, or until woken through `list` (idle loops: by a delivery; held ones: only by stop). */
  private sleep(ms: number, list: (() => void)[]): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        // Out of the list also when the timer fired: a wake must not be spent on a loop already awake.
        const i = list.indexOf(done);
        if (i >= 0) list.splice(i, 1);
        resolve();
      };
      const t = setTimeout(done, ms);
      list.push(done);
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!(await this.intakeQuiet())) break;
      let item: InboxItem | null = null;
      try {
        item = await this.store.claim(this.owner, this.opts.leaseMs);
      } catch (err) {
        this.log.error({ err }, 'inbox claim failed');
      }
      if (!item) {
        await this.sleep(this.opts.idleMs, this.wakeups);
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
