import { createHash } from 'node:crypto';
import { startCustomerApi, type CustomerApi } from '../agent/helpers';
import { api, startTestServer, type TestServer } from '../support/server';
import { connect, mcpToken, textOf, type Asker } from './helpers';

/**
 * Two instances on one store and no sticky sessions: the client's answer to a confirmation
 * question goes to the other instance than the `tools/call` that asked it. The answer is
 * applied there (in the store), and the asking instance answers the call with the outcome.
 */
let customer: CustomerApi;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  customer = await startCustomerApi(() => ({ body: { cancelled: true } }));
  a = await startTestServer();
  b = await startTestServer({ DATA_DIR: a.dataDir });
  const r = await api(a.url, a.token, 'POST', '/v1/actions', {
    name: 'cancel_order',
    description: 'Cancel an order',
    method: 'POST',
    url: `${customer.base}/orders/{{order_number}}/cancel`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  });
  if (r.status !== 201) throw new Error(r.text);
});
afterAll(async () => {
  await b.close();
  await a.close();
  await customer.close();
});

test('a confirmation answered through the other instance runs the write once and answers the call', async () => {
  const tenantId = (await a.server.store.tenantByTokenHash(createHash('sha256').update(a.token).digest('hex')))!.id;
  const { token } = await mcpToken(a.url, a.token, 'Balanced client');
  const sentTo: string[] = [];
  // The load balancer: answers to questions go to B, everything else to A.
  const balanced: typeof fetch = async (input, init) => {
    const isAnswer = typeof init?.body === 'string' && init.body.includes('"result"') && init.body.includes('hda-confirm:');
    const target = isAnswer ? b.url : a.url;
    sentTo.push(`${isAnswer ? 'answer' : String(init?.method ?? 'GET')}->${target === a.url ? 'A' : 'B'}`);
    return fetch(String(input).replace(a.url, target), init);
  };
  const asker: Asker = { asked: [], answer: 'accept' };
  const c = await connect(`${a.url}/mcp/${tenantId}`, token, { asker, fetch: balanced });
  try {
    const r = await c.callTool({ name: 'cancel_order', arguments: { order_number: 'Z-9' } });
    expect(sentTo).toContain('answer->B');
    expect(r.isError).toBe(false);
    expect(textOf(r)).toContain('done');
    expect(customer.count('POST /orders/Z-9/cancel')).toBe(1);
  } finally {
    await c.close();
  }
});
