/** When claims are held back for the intake; tests pass their own. */
export interface IntakeGateOptions {
  /** Intake counts as a burst while this many deliveries arrived within `windowMs`. */
  burst: number;
  windowMs: number;
  /**
   * Longest continuous hold: then claims go ahead for as long again, so a steady flood of
   * deliveries slows the workers down to half their time but never stops them.
   */
  maxHoldMs: number;
}

/**
 * 10 deliveries in 100 ms (100/s and more): a trickle is acknowledged without queueing and
 * holds nothing. A 500-delivery burst at concurrency 50 takes about a second on a loaded
 * 2-core machine: held whole. A pause of the sender or a GC inside a burst does not reopen
 * the gate (the window still holds the burst's deliveries), where a "no delivery for a few
 * ms" rule let all workers claim at once.
 */
export const INTAKE_GATE_DEFAULTS: IntakeGateOptions = { burst: 10, windowMs: 100, maxHoldMs: 2000 };

/**
 * Gives webhook intake priority over the inbox workers on the one event loop (issue 13). A
 * turn's steps are synchronous SQLite writes and JSON work between the model's answers; run
 * during a burst of deliveries, they sit between acknowledgements, and a sender at
 * concurrency 50 waits for all of them. So during a burst workers claim nothing new; items in
 * hand carry on, and what is stored is durable, so it waits safely. `maxHoldMs` bounds the
 * hold. The clock is passed in, so the rule is tested without waiting.
 */
export class IntakeGate {
  /** The last `burst` arrival times, oldest first (a bounded ring: never more than `burst`). */
  private readonly arrivals: number[] = [];
  private holdStart: number | null = null;
  private openUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: IntakeGateOptions = INTAKE_GATE_DEFAULTS) {}

  /** A delivery was stored now. */
  arrived(now: number): void {
    // Not a burst before this one: a new burst's hold is counted from its own start.
    if (!this.busy(now)) this.holdStart = null;
    this.arrivals.push(now);
    if (this.arrivals.length > this.opts.burst) this.arrivals.shift();
  }

  /** How long a worker should wait before claiming: 0 to claim now. */
  waitMs(now: number): number {
    if (now < this.openUntil || !this.busy(now)) {
      if (now >= this.openUntil) this.holdStart = null;
      return 0;
    }
    this.holdStart ??= now;
    const held = now - this.holdStart;
    if (held >= this.opts.maxHoldMs) {
      this.openUntil = now + this.opts.maxHoldMs;
      this.holdStart = null;
      return 0;
    }
    // Until the oldest of the burst leaves the window (then it is checked again), within the hold.
    const leaves = this.arrivals[0]! + this.opts.windowMs - now;
    return Math.max(1, Math.min(leaves, this.opts.maxHoldMs - held));
  }

  private busy(now: number): boolean {
    return this.arrivals.length >= this.opts.burst && now - this.arrivals[0]! < this.opts.windowMs;
  }
}
