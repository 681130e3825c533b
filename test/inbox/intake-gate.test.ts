import { IntakeGate } from '../../server/src/inbox/intake-gate';

/** The gate's rule on an injected clock: a burst is 3 deliveries within 20 ms; holds of at most 100 ms. */
const gate = () => new IntakeGate({ burst: 3, windowMs: 20, maxHoldMs: 100 });

/** Times at which the answer changes between "claim now" and "wait", for a worker asking every `step` ms. */
function transitions(g: IntakeGate, until: number, step: number, arriveEvery: number) {
  const out: [number, 'open' | 'held'][] = [];
  for (let t = 0; t <= until; t += step) {
    if (t % arriveEvery === 0) g.arrived(t);
    const state = g.waitMs(t) > 0 ? 'held' : 'open';
    if (out[out.length - 1]?.[1] !== state) out.push([t, state]);
  }
  return out;
}

describe('IntakeGate: claims wait during a burst of deliveries', () => {
  test('no delivery, or a trickle below the burst rate: claim now', () => {
    const g = gate();
    expect(g.waitMs(0)).toBe(0);
    // One every 10 ms: 3 deliveries span 20 ms, never "3 within 20 ms".
    expect(transitions(g, 500, 1, 10)).toEqual([[0, 'open']]);
  });

  test('in a burst: wait until its oldest delivery leaves the window', () => {
    const g = gate();
    g.arrived(0);
    g.arrived(1);
    expect(g.waitMs(2)).toBe(0);
    g.arrived(2);
    expect(g.waitMs(5)).toBe(15);
    // The burst ends: open once the window has moved past it.
    expect(g.waitMs(19)).toBe(1);
    expect(g.waitMs(20)).toBe(0);
  });

  test('a flood holds claims for maxHoldMs at most, then lets them go for as long again, then holds again', () => {
    // A delivery every 5 ms: a burst from the third one (t = 10).
    expect(transitions(gate(), 400, 5, 5)).toEqual([
      [0, 'open'],
      [10, 'held'],
      [110, 'open'],
      [210, 'held'],
      [310, 'open'],
    ]);
  });

  test('a short pause inside a burst does not let claims go', () => {
    const g = gate();
    for (let t = 0; t <= 50; t += 2) g.arrived(t);
    // 15 ms without a delivery: the window still holds the burst's last deliveries.
    expect(g.waitMs(65)).toBeGreaterThan(0);
    expect(g.waitMs(70)).toBe(0);
  });

  test('a new burst after a quiet gap is held from its own start', () => {
    const g = gate();
    // Held from t = 10 to the end of the burst at 90.
    for (let t = 0; t <= 90; t += 5) {
      g.arrived(t);
      expect(g.waitMs(t) > 0).toBe(t >= 10);
    }
    // Quiet from 90 to 500. Counted from t = 10, the next burst would be let go at once; it is held 100 ms.
    const held: number[] = [];
    for (let t = 500; t <= 700; t += 5) {
      g.arrived(t);
      if (g.waitMs(t) > 0) held.push(t);
    }
    expect(held[0]).toBe(510);
    expect(held[held.length - 1]).toBe(605);
  });
});
