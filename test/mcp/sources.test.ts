import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { apiData, errorOf, toolResults } from '../agent/helpers';
import { createHash } from 'node:crypto';
import { connect, mcpToken } from './helpers';
import { REMOTE_TOKEN, startRemoteMcp } from './remote';

/**
 * MCP servers as action sources (issue 17): list a remote server's tools through the guard,
 * import chosen ones as actions, and call them in a conversation turn (scripted model) under
 * the same rules, logging, scrubbing and caps as HTTP actions.
 */
let llm: FakeOpenAI;
let remote: Awaited<ReturnType<typeof startRemoteMcp>>;
let srv: TestServer;
const bearer = { type: 'bearer', token: REMOTE_TOKEN };
const customer = { id: 'c-1', name: 'Ann', verified: false };
let imported: Record<string, any> = {};

beforeAll(async () => {
  llm = await startFakeOpenAI();
  remote = await startRemoteMcp();
  srv = await startTestServer({ OPENAI_BASE_URL: llm.url, OPENAI_MODEL: 'scripted-model' });
});
afterAll(async () => {
  await srv.close();
  await remote.close();
  await llm.close();
});

/** One turn in which the model calls `tool` with `args` once, then answers with what it read. */
async function turn(tool: string, args: Record<string, unknown>) {
  llm.setScript((req) => (toolResults(req).length === 0 ? { toolCalls: [{ name: tool, arguments: args }] } : { content: `read: ${toolResults(req)[0]}` }));
  const r = await api(srv.url, srv.token, 'POST', '/v1/conversations', { customer, message: 'help' });
  expect(r.status).toBe(201);
  return r.body;
}

test('the remote tools are listed with how each would be imported', async () => {
  const r = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/tools', { url: remote.url, auth: bearer });
  expect(r.status).toBe(200);
  const byName = Object.fromEntries(r.body.tools.map((t: any) => [t.name, t]));
  expect(byName.get_weather).toMatchObject({ importable: true, actionName: 'get_weather', confirm: false, annotations: { readOnlyHint: true } });
  expect(byName['create-ticket']).toMatchObject({ importable: true, actionName: 'create-ticket', confirm: true });
  expect(byName.nested_tool.importable).toBe(false);
  expect(byName.nested_tool.warnings.join(' ')).toContain('filter');
  expect(JSON.stringify(r.body)).not.toContain(REMOTE_TOKEN);
});

test('a wrong credential, a blocked address and a bad URL are clear errors', async () => {
  const wrong = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/tools', { url: remote.url, auth: { type: 'bearer', token: 'nope-nope-nope' } });
  expect(wrong.status).toBe(502);
  expect(wrong.body.error.message).toContain('http_4xx');
  const blocked = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/tools', { url: 'http://169.254.169.254/mcp' });
  expect(blocked.status).toBe(400);
  expect(blocked.body.error.details[0].path).toBe('url');
  const bad = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/tools', { url: 'ftp://x' });
  expect(bad.status).toBe(400);
});

test('chosen tools are imported as mcp actions; an unknown or unusable tool saves nothing', async () => {
  const unknown = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/import', { url: remote.url, auth: bearer, tools: ['get_weather', 'nope'] });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.details[0].path).toBe('tools.1');
  const nested = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/import', { url: remote.url, auth: bearer, tools: ['nested_tool'] });
  expect(nested.status).toBe(400);
  expect((await api(srv.url, srv.token, 'GET', '/v1/actions')).body.actions).toHaveLength(0);

  const r = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/import', { url: remote.url, auth: bearer, tools: ['get_weather', 'create-ticket', 'slow_lookup', 'huge_lookup'] });
  expect(r.status).toBe(201);
  imported = Object.fromEntries(r.body.actions.map((a: any) => [a.name, a]));
  expect(imported.get_weather).toMatchObject({ kind: 'mcp', method: 'POST', url: remote.url, confirm: false, mcp: { toolName: 'get_weather' } });
  expect(imported.get_weather.auth.token).toMatch(/^••••/);
  expect(imported['create-ticket']).toMatchObject({ confirm: true, mcp: { toolName: 'create-ticket', argumentNames: { priority_level: 'priority-level' } } });
  expect(imported['create-ticket'].variables.map((v: any) => [v.name, v.type, v.required])).toEqual([
    ['subject', 'string', true],
    ['priority_level', 'integer', true],
  ]);
  // Imported again: the local names stay unique.
  const again = await api(srv.url, srv.token, 'POST', '/v1/mcp-sources/import', { url: remote.url, auth: bearer, tools: ['get_weather'], enabled: false });
  expect(again.body.actions[0].name).toBe('get_weather_2');
});

test('a read-only tool runs in a turn without confirmation; its answer is shaped and scrubbed', async () => {
  const before = remote.calls.length;
  const t = await turn('get_weather', { city: 'Oslo', units: null });
  const data = apiData(t.reply.replace(/^read: /, ''));
  expect(data).toContain('"city":"Oslo"');
  expect(data).toContain('"units":"metric"');
  expect(data).toContain('"debug":"Bearer ••••');
  expect(t.reply).not.toContain(REMOTE_TOKEN);
  expect(remote.calls.slice(before)).toEqual([{ tool: 'get_weather', args: { city: 'Oslo' }, authorization: `Bearer ${REMOTE_TOKEN}`, idempotencyKey: undefined }]);
  const rec = t.calls.find((c: any) => c.action === 'get_weather');
  expect(rec).toMatchObject({ ok: true, method: 'POST', url: remote.url });
  expect(JSON.stringify(rec)).not.toContain(REMOTE_TOKEN);
});

test('a tool without readOnlyHint is proposed, shows the tool call, and runs once when confirmed (names mapped back)', async () => {
  const before = remote.calls.length;
  const t = await turn('create-ticket', { subject: 'Broken lamp', priority_level: 2 });
  expect(remote.calls.length).toBe(before);
  expect(t.pending).toHaveLength(1);
  expect(t.pending[0].request.body).toBe('{"tool":"create-ticket","arguments":{"subject":"Broken lamp","priority_level":2}}');
  expect(JSON.stringify(t.pending[0])).not.toContain(REMOTE_TOKEN);
  const c = await api(srv.url, srv.token, 'POST', `/v1/conversations/${t.id}/proposals/${t.pending[0].id}/confirm`);
  expect(c.status).toBe(200);
  expect(c.body.proposal.status).toBe('done');
  expect(c.body.proposal.result.excerpt).toContain('T-77');
  const made = remote.calls.slice(before);
  expect(made).toHaveLength(1);
  expect(made[0]).toMatchObject({ tool: 'create-ticket', args: { subject: 'Broken lamp', 'priority-level': 2 }, idempotencyKey: t.pending[0].id });
});

test('a remote that hangs is a timeout, and one that answers 10 MB is too_large, like any API', async () => {
  for (const [name, timeoutMs] of [['slow_lookup', 1500], ['huge_lookup', 10_000]] as const) {
    const a = imported[name];
    const put = await api(srv.url, srv.token, 'PUT', `/v1/actions/${a.id}`, { ...a, timeoutMs });
    expect(put.status).toBe(200);
  }
  const slow = await turn('slow_lookup', {});
  expect(errorOf(slow.reply.replace(/^read: /, ''))?.type).toBe('timeout');
  const huge = await turn('huge_lookup', {});
  expect(errorOf(huge.reply.replace(/^read: /, ''))?.type).toBe('too_large');
  const log = await api(srv.url, srv.token, 'GET', '/v1/calls?limit=50');
  expect(log.body.calls.filter((c: any) => c.action === 'slow_lookup').map((c: any) => c.errorType)).toEqual(['timeout']);
  expect(log.body.calls.filter((c: any) => c.action === 'huge_lookup').map((c: any) => c.errorType)).toEqual(['too_large']);
});

test('imported tools are served by our MCP endpoint with the remote hints', async () => {
  const tenantId = (await srv.server.store.tenantByTokenHash(createHash('sha256').update(srv.token).digest('hex')))!.id;
  const { token } = await mcpToken(srv.url, srv.token, 'hints');
  const c = await connect(`${srv.url}/mcp/${tenantId}`, token);
  try {
    const tools = Object.fromEntries((await c.listTools()).tools.map((t) => [t.name, t]));
    expect(tools.get_weather!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tools['create-ticket']!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(tools.get_weather_2).toBeUndefined(); // imported disabled
  } finally {
    await c.close();
  }
});
