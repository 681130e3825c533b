import { api } from '../support/server';
import { createAction, startRig, toolNames, toolResults, errorOf, type Rig } from './helpers';

/** Past TOOL_SELECTION_BOUND the model is offered the relevant actions, the pinned ones and those already used; nothing else runs. */
let rig: Rig;
const topics = ['invoice', 'refund', 'shipment', 'warranty', 'subscription', 'password', 'coupon', 'gift card', 'address', 'newsletter', 'loyalty points', 'store hours'];

beforeAll(async () => {
  rig = await startRig({ TOOL_SELECTION_BOUND: '4' });
  for (const [i, t] of topics.entries()) {
    await createAction(rig, {
      name: `get_${t.replace(/ /g, '_')}`,
      description: `Look up the customer's ${t} details when they ask about their ${t}`,
      method: 'GET',
      url: `${rig.customer.base}/t/${i}`,
      pinned: t === 'store hours',
    });
  }
});
afterAll(() => rig.close());

test('the model sees at most the bound: the relevant action and the pinned one; an action not offered is refused', async () => {
  let hidden = '';
  rig.llm.setScript((req) => {
    if (toolResults(req).length > 0) return { content: 'ok' };
    // A hostile model also calls an action it was not offered.
    hidden = topics.map((t) => `get_${t.replace(/ /g, '_')}`).find((n) => !toolNames(req).includes(n))!;
    return { toolCalls: [{ name: 'get_refund', arguments: {} }, { name: hidden, arguments: {} }] };
  });
  const r = await api(rig.url, rig.token, 'POST', '/v1/conversations', { customer: { verified: false }, message: 'Where is my refund?' });
  expect(r.status).toBe(201);
  const offered = toolNames(rig.llm.requests[0]!);
  expect(offered.length).toBeLessThanOrEqual(4);
  expect(offered).toContain('get_refund');
  expect(offered).toContain('get_store_hours');
  // An action not offered this turn is refused like an unknown one, and nothing is sent.
  expect(hidden).toMatch(/^get_/);
  expect(errorOf(toolResults(rig.llm.requests[1]!)[1])).toMatchObject({ type: 'not_allowed', message: 'unknown tool' });
  const hiddenIndex = topics.findIndex((t) => `get_${t.replace(/ /g, '_')}` === hidden);
  expect(rig.customer.count(`GET /t/${hiddenIndex}`)).toBe(0);
  expect(rig.customer.count('GET /t/1')).toBe(1);
});
