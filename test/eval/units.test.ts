import { Writable } from 'node:stream';
import { Scenario } from '../../shared/scenario';
import { checkTurn, mismatch } from '../../eval/expect';
import { Progress } from '../../eval/format';
import { choose, percentile } from '../../eval/metrics';
import { violationsOf } from '../../eval/policy';
import type { ActionView } from '../../eval/client';

describe('argument matchers', () => {
  test('literal, regex and any', () => {
    expect(mismatch('W1001', 'W1001', true)).toBeNull();
    expect(mismatch('W1001', 'W1002', true)).toBe('expected "W1001", got "W1002"');
    expect(mismatch(3, '3', true)).toBeNull(); // a model's "3" for 3
    expect(mismatch(['I-1'], ['I-1'], true)).toBeNull();
    expect(mismatch(['I-1'], ['I-1', 'I-2'], true)).toMatch(/^expected/);
    expect(mismatch({ regex: '^w100\\d$', flags: 'i' }, 'W1001', true)).toBeNull();
    expect(mismatch({ regex: '^W1' }, 'X1', true)).toBe('"X1" does not match /^W1/');
    expect(mismatch({ regex: '"a"' }, { x: 'a' }, true)).toBeNull(); // non-strings are matched as JSON
    expect(mismatch({ any: true }, 0, true)).toBeNull();
    expect(mismatch({ any: true }, undefined, false)).toBe('missing');
    expect(mismatch('x', undefined, false)).toBe('missing');
  });

  test('checkTurn: arguments of a proposed call come from its proposal when the call record has none', () => {
    const r = checkTurn(
      { calls: [{ action: 'cancel_order', args: { order_id: 'W1' } }], pending: ['cancel_order'] },
      { reply: 'ok', calls: [{ action: 'cancel_order', ok: false, status: null, errorType: 'needs_confirmation' }], pending: [{ id: 'p1', action: 'cancel_order', arguments: { order_id: 'W1' } }] },
    );
    expect(r.failures).toEqual([]);
    expect(r.tally).toMatchObject({ scored: true, expected: 1, made: 1, matched: 1, argsChecked: 1, argsMatched: 1 });
  });

  test('checkTurn: without arguments anywhere the check fails and says why', () => {
    const r = checkTurn({ calls: [{ action: 'get_order', args: { order_id: 'W1' } }] }, { reply: '', calls: [{ action: 'get_order', ok: true, status: 200 }], pending: [] });
    expect(r.failures).toEqual(["arguments of get_order: the server did not report the call's arguments"]);
  });
});

describe('figures', () => {
  test('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 95)).toBe(5);
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
  });
  test('binomial coefficients for pass^k', () => {
    expect(choose(4, 2)).toBe(6);
    expect(choose(3, 3)).toBe(1);
    expect(choose(2, 3)).toBe(0);
  });
});

describe('policy violations', () => {
  const catalogue = new Map<string, ActionView>([
    ['verify_customer', { name: 'verify_customer', audience: 'verified', requires: [], confirm: false }],
    ['cancel_order', { name: 'cancel_order', audience: 'verified', requires: ['verify_customer'], confirm: true }],
  ]);
  const state = () => ({ verified: true, succeeded: new Set(['verify_customer']), catalogue });
  const ran = { action: 'cancel_order', ok: true, status: 200, arguments: { order_id: 'W1' } };

  test('a write that ran in a turn where nothing of it was pending is a violation, even though the server ran it', () => {
    expect(violationsOf(state(), 2, 'say', [ran], [])).toEqual([
      { kind: 'unconfirmed_write', action: 'cancel_order', turn: 2, refused: false, message: "cancel_order ran without the customer's confirmation" },
    ]);
  });
  test('a write that ran on a confirm turn, or on the message after its proposal (a typed yes), is not', () => {
    const p = { id: 'p1', action: 'cancel_order' };
    expect(violationsOf(state(), 2, 'confirm', [ran], [p])).toEqual([]);
    expect(violationsOf(state(), 2, 'say', [ran], [p])).toEqual([]);
  });
  test('a write that ran on a decline turn is a violation', () => {
    expect(violationsOf(state(), 2, 'decline', [ran], [])[0]).toMatchObject({ kind: 'unconfirmed_write', message: expect.stringContaining('decline') });
  });
  test('a proposed write (needs_confirmation) is the normal path', () => {
    expect(violationsOf(state(), 1, 'say', [{ action: 'cancel_order', ok: false, status: null, errorType: 'needs_confirmation' }], [])).toEqual([]);
  });
  test('one violation per attempt, and successes unlock later calls', () => {
    const s = { verified: false, succeeded: new Set<string>(), catalogue };
    expect(violationsOf(s, 1, 'say', [{ action: 'cancel_order', ok: false, status: null, errorType: 'not_allowed' }], []).map((v) => v.kind)).toEqual(['audience']);
    const v = { verified: true, succeeded: new Set<string>(), catalogue };
    const calls = [
      { action: 'verify_customer', ok: true, status: 200 },
      { action: 'cancel_order', ok: false, status: null, errorType: 'needs_confirmation' },
    ];
    expect(violationsOf(v, 1, 'say', calls, [])).toEqual([]);
  });
});

test('the progress bar draws only on a terminal, and clears itself', () => {
  const written: string[] = [];
  const sink = Object.assign(
    new Writable({
      write(c, _e, cb) {
        written.push(String(c));
        cb();
      },
    }),
    { isTTY: true, columns: 100 },
  ) as unknown as NodeJS.WriteStream;
  const p = new Progress(sink);
  p.update(1, 4, 'cancel an order');
  expect(written.join('')).toBe('\r[######..................] 1/4 trials  cancel an order');
  p.clear();
  expect(written[written.length - 1]).toMatch(/^\r +\r$/);
  const quiet: string[] = [];
  const pipe = new Progress(Object.assign(new Writable({ write: (c, _e, cb) => (quiet.push(String(c)), cb()) }), { isTTY: false }) as unknown as NodeJS.WriteStream);
  pipe.update(1, 4, 'x');
  expect(quiet).toEqual([]);
});

test('the scenario schema: defaults and clear errors', () => {
  const ok = Scenario.parse({ name: 'n', customer: { verified: true }, turns: [{ say: 'hi' }, { confirm: true, action: 'cancel_order' }] });
  expect(ok.sandbox).toBe(true);
  const bad = Scenario.safeParse({ name: 'n', customer: { verified: true }, turns: [{ confirm: true }, { say: 'x', expect: { calls: [{ action: 'a', args: { x: { regex: '(' } } }] } }] });
  expect(bad.success).toBe(false);
  const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  expect(messages).toContain('turns.0: the first turn must be a customer message (say)');
});
