import { ActionInput } from '../../shared/action';
import { DEFAULT_TOOL_SELECTION_BOUND, selectTools, ToolIndex, ToolIndexCache, type SelectableAction } from '../../server/src/agent/tool-selection';
import { approxTokens, syntheticActions, toolDefinitions } from './synthetic-actions';

const none = { pinned: new Set<string>(), used: new Set<string>() };
const ask = (...messages: string[]) => ({ messages, ...none });

const catalogue = syntheticActions(1000);
const index = ToolIndex.build(catalogue);

describe('selectTools', () => {
  test('a tenant within the bound gets every action, in the admin order', () => {
    const few = catalogue.slice(0, 10);
    expect(selectTools(few, ask('anything'), 24)).toEqual(few.map((a) => a.name));
    expect(selectTools(catalogue.slice(0, 24), ask('x'))).toHaveLength(24);
  });

  test('past the bound: never more than the bound, no duplicates, only known names', () => {
    for (const bound of [1, 5, 24, 100]) {
      const got = index.select({ messages: ['Where is my order A-1?'], pinned: new Set(['cancel_refund', 'nope']), used: new Set(['lookup_invoice']) }, bound);
      expect(got.length).toBe(bound);
      expect(new Set(got).size).toBe(got.length);
      for (const n of got) expect(catalogue.some((a) => a.name === n)).toBe(true);
    }
  });

  test('the actions about what the customer asks come first', () => {
    const got = index.select(ask('Where is my order? I want to look it up'), 24);
    expect(got[0]).toBe('lookup_order');
    // Every order action of every back office outranks the unrelated ones.
    expect(got.slice(0, 10).every((n) => n.includes('order'))).toBe(true);
    expect(got).not.toContain('lookup_gift_card');
  });

  test('names are split at _ and - (and camelCase), plurals fold', () => {
    const actions: SelectableAction[] = [
      ...catalogue.slice(100, 140),
      { name: 'pauseMembership-renewal', description: 'Stops the auto-renew.', variables: [] },
    ];
    expect(selectTools(actions, ask('please pause my membership renewals'), 3)[0]).toBe('pauseMembership-renewal');
  });

  test('variable names and descriptions count', () => {
    const actions: SelectableAction[] = [
      ...catalogue.slice(0, 60),
      { name: 'carrier_lookup', description: 'Asks the carrier.', variables: [{ name: 'awb', description: 'The air waybill of the consignment' }] },
    ];
    expect(selectTools(actions, ask('I have an air waybill for my consignment'), 5)[0]).toBe('carrier_lookup');
  });

  test('pinned and already used actions are always offered, pinned first, even when unrelated', () => {
    const got = index.select({ messages: ['my gift card code does not work'], pinned: new Set(['list_newsletter_b2b']), used: new Set(['verify_stock_eu']) }, 24);
    expect(got.slice(0, 2)).toEqual(['list_newsletter_b2b', 'verify_stock_eu']);
    expect(got.slice(2, 6).every((n) => n.includes('gift_card'))).toBe(true);
  });

  test('more pinned and used than the bound: cut at the bound, pinned kept first; unknown names ignored', () => {
    const pinned = new Set(['ghost', ...catalogue.slice(0, 4).map((a) => a.name)]);
    const used = new Set(catalogue.slice(10, 20).map((a) => a.name));
    expect(index.select({ messages: ['refund'], pinned, used }, 6)).toEqual([...catalogue.slice(0, 4), ...catalogue.slice(10, 12)].map((a) => a.name));
  });

  test('the latest message weighs most', () => {
    // One back office: 10 shipment actions, 10 invoice actions.
    const got = selectTools(catalogue.slice(0, 200), ask('I had a question about my invoice', 'actually, where is my parcel? here is the tracking number'), 24);
    expect(got.slice(0, 10).every((n) => n.includes('shipment'))).toBe(true);
    expect(got.slice(10, 20).every((n) => n.includes('invoice'))).toBe(true);
  });

  test('nothing matches: the admin order fills up to the bound; the same input gives the same answer', () => {
    const got = index.select(ask('hello there'), 24);
    expect(got).toEqual(catalogue.slice(0, 24).map((a) => a.name));
    const q = ask('cancel my subscription');
    expect(index.select(q, 24)).toEqual(index.select(q, 24));
  });

  test('the default bound is 24; a bound of 0 offers nothing', () => {
    expect(DEFAULT_TOOL_SELECTION_BOUND).toBe(24);
    expect(index.select(ask('order'))).toHaveLength(24);
    expect(index.select({ messages: ['order'], pinned: new Set(['lookup_order']), used: new Set() }, 0)).toEqual([]);
  });

  test('tool schemas per round stay flat past the bound (about 8k tokens or less at 1000 actions)', () => {
    const tokensAt = (n: number) => {
      const actions = catalogue.slice(0, n);
      const names = new Set(selectTools(actions, ask('Where is my order A-1?')));
      return approxTokens(toolDefinitions(actions.filter((a) => names.has(a.name))));
    };
    const all1000 = approxTokens(toolDefinitions(catalogue));
    expect(tokensAt(1000)).toBeLessThan(8000);
    expect(tokensAt(1000)).toBeLessThan(all1000 / 20);
    // Flat: the same count of tools at 100 and 1000 actions, of similar size.
    expect(Math.abs(tokensAt(1000) - tokensAt(100))).toBeLessThan(tokensAt(100) * 0.25);
  });
});

test('the synthetic catalogue is 1000 valid, distinct actions', () => {
  for (const a of catalogue) expect(ActionInput.safeParse(a).error).toBeUndefined();
  expect(new Set(catalogue.map((a) => a.name)).size).toBe(1000);
});

describe('ToolIndexCache', () => {
  test('built once per (tenant, configuration version); a new version rebuilds', () => {
    const cache = new ToolIndexCache(10);
    let builds = 0;
    const load = () => {
      builds++;
      return catalogue.slice(0, 50);
    };
    const a = cache.get('t1', 3, load);
    expect(cache.get('t1', 3, load)).toBe(a);
    expect(builds).toBe(1);
    const b = cache.get('t1', 4, load);
    expect(b).not.toBe(a);
    expect(builds).toBe(2);
    expect(cache.size).toBe(1);
  });

  test('bounded: the least recently used tenant goes first', () => {
    const cache = new ToolIndexCache(3);
    const load = () => catalogue.slice(0, 30);
    const t1 = cache.get('t1', 1, load);
    cache.get('t2', 1, load);
    cache.get('t3', 1, load);
    expect(cache.get('t1', 1, load)).toBe(t1); // t1 used again: t2 is now the oldest
    cache.get('t4', 1, load);
    expect(cache.size).toBe(3);
    let rebuilt = false;
    cache.get('t2', 1, () => ((rebuilt = true), load()));
    expect(rebuilt).toBe(true);
    let t1Rebuilt = false;
    expect(cache.get('t1', 1, () => ((t1Rebuilt = true), load()))).toBe(t1);
    expect(t1Rebuilt).toBe(false);
  });
});

describe('scores from per-term results', () => {
  test('equal MiniSearch scoring the whole text, for every action, with repeated, unknown and plural words', () => {
    const texts = [
      'Where is my order A-1?',
      'refund refund REFUND: my refunds and the order they were for',
      'Change the delivery address and the postcode of my account, and check the status of my subscription plan',
      'zzzz qqqq nothing in the catalogue',
      'Gift cards, coupons, loyalty points balance, store opening hours in Berlin',
      '',
    ];
    for (const text of texts) {
      const fast = index.scoreText(text);
      const reference = index.referenceScores(text);
      expect([...fast.keys()].sort((a, b) => a - b)).toEqual([...reference.keys()].sort((a, b) => a - b));
      for (const [id, score] of reference) expect(fast.get(id)!).toBeCloseTo(score, 9);
    }
    // Past the cache's bound (tens of thousands of words no action has), terms are searched each time: still the same.
    const fresh = ToolIndex.build(catalogue);
    for (let i = 0; i < 60; i++) fresh.scoreText(Array.from({ length: 1000 }, (_, j) => `zq${i}x${j}`).join(' '));
    for (const [id, score] of fresh.referenceScores(texts[1]!)) expect(fresh.scoreText(texts[1]!).get(id)!).toBeCloseTo(score, 9);
    // Asked again (now from the term cache): the same.
    const again = index.scoreText(texts[2]!);
    for (const [id, score] of index.referenceScores(texts[2]!)) expect(again.get(id)!).toBeCloseTo(score, 9);
  });
});
