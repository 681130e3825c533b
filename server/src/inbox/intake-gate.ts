/** How long claims are held back while deliveries arrive; tests shorten both. */
export interface IntakeGateOptions {
  /** Intake counts as busy while the last delivery came less than this long ago. */
  quietMs: number;
  /**
   * Longest continuous hold: then claims go ahead for as long again, so a steady flood of
   * deliveries slows the workers down to half their time but never stops them.
   */
  maxHoldMs: number;
}

export const INTAKE_GATE_DEFAULTS: IntakeGateOptions = { quietMs: 20, maxHoldMs: 1000 };

/**
 * Gives webhook intake priority over the inbox workers on the one event loop (issue 13). A
 * turn's steps are synchronous SQLite writes and JSON work between the model's answers; run
 * while a burst of deliveries is arriving, they sit between acknowledgements and a sender at
 * concurrency 50 waits for all of them. So while deliveries keep arriving (each less than
 * `quietMs` after the one before), workers claim nothing new; items in hand carry on, and what
 * is stored is durable, so it waits safely. `maxHoldMs` bounds the hold (see the option).
 * The clock is passed in, so the rule is tested without waiting.
 */
export class IntakeGate {
  private lastArrival = Number.NEGATIVE_INFINITY;
  private holdStart: number | null = null;
  private openUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: IntakeGateOptions = INTAKE_GATE_DEFAULTS) {}

  /** A delivery was stored now. */
  arrived(now: number): void {
    // After a quiet gap a new burst starts: its hold is counted from its own start.
    if (now - this.lastArrival >= this.opts.quietMs) this.holdStart = null;
    this.lastArrival = now;
  }

  /** How long a worker should wait before claiming: 0 to claim now. */
  waitMs(now: number): number {
    if (now < this.openUntil) return 0;
    const since = now - this.lastArrival;
    if (since >= this.opts.quietMs) {
      this.holdStart = null;
      return 0;
    }
    this.holdStart ??= now;
    const held = now - this.holdStart;
    if (held >= this.opts.maxHoldMs) {
      this.openUntil = now + this.opts.maxHoldMs;
      this.holdStart = null;
      return 0;
    }
    return Math.max(1, Math.min(this.opts.quietMs - since, this.opts.maxHoldMs - held));
  }
}
