import { IntakeGate } from '../../server/src/inbox/intake-gate';

/** The gate's rule on an injected clock: quiet after 20 ms without a delivery, holds of at most 100 ms. */
const gate = () => new IntakeGate({ quietMs: 20, maxHoldMs: 100 });

describe('IntakeGate: claims wait while deliveries arrive', () => {
  test('no delivery yet, or none for quietMs: claim now', () => {
    const g = gate();
    expect(g.waitMs(0)).toBe(0);
    g.arrived(1000);
    expect(g.waitMs(1020)).toBe(0);
    expect(g.waitMs(5000)).toBe(0);
  });

  test('right after a delivery: wait for the rest of the quiet time', () => {
    const g = gate();
    g.arrived(1000);
    expect(g.waitMs(1005)).toBe(15);
    g.arrived(1010);
    expect(g.waitMs(1012)).toBe(18);
  });

  test('a flood holds claims for maxHoldMs at most, then lets them go for as long again, then holds again', () => {
    const g = gate();
    const waits: [number, number][] = [];
    // A delivery every 5 ms for 400 ms; a worker asks every 5 ms too.
    for (let t = 0; t <= 400; t += 5) {
      g.arrived(t);
      waits.push([t, g.waitMs(t)]);
    }
    const open = waits.filter(([, w]) => w === 0).map(([t]) => t);
    // Held from 0 to 100, open from 100 to 200, held from 200 to 300, open from 300 to 400, held again.
    expect(open[0]).toBe(100);
    expect(open.every((t) => t % 200 >= 100)).toBe(true);
    expect(open).toHaveLength(40);
    // A wait never runs past the end of the hold it is in.
    for (const [t, w] of waits) if (w > 0) expect(t + w).toBeLessThanOrEqual(Math.floor(t / 200) * 200 + 100);
  });

  test('a new burst after a quiet gap is held from its own start', () => {
    const g = gate();
    for (let t = 0; t <= 90; t += 5) {
      g.arrived(t);
      expect(g.waitMs(t)).toBeGreaterThan(0);
    }
    // Quiet from 90 to 500: the next burst does not inherit the 90 ms already held.
    g.arrived(500);
    expect(g.waitMs(505)).toBe(15);
    g.arrived(590);
    expect(g.waitMs(590)).toBeGreaterThan(0);
  });
});
