import fs from 'node:fs';
import path from 'node:path';
import { startRetailApi, type RetailApi } from '../../examples/retail/fixture';
import { retailScript } from '../../examples/retail/scripted';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';

const RETAIL = path.join(__dirname, '..', '..', 'examples', 'retail');
const KEY = 'retail-test-key-for-run-0001';
const HANG = 'please wait forever';

let s: TestServer;
let retail: RetailApi;
let llm: FakeOpenAI;

beforeAll(async () => {
  retail = await startRetailApi({ apiKey: KEY });
  const script = retailScript();
  llm = await startFakeOpenAI((req, i) => (req.messages.some((m) => m.role === 'user' && m.content === HANG) ? { hang: true } : script(req, i)));
  s = await startTestServer({ OPENAI_BASE_URL: llm.url, OPENAI_MODEL: 'scripted-model' });
  const text = fs.readFileSync(path.join(RETAIL, 'actions.json'), 'utf8').replaceAll('${RETAIL_API_URL}', retail.url).replaceAll('${RETAIL_API_KEY}', KEY);
  const imported = await api(s.url, s.token, 'POST', '/v1/import', JSON.parse(text));
  expect(imported.status).toBe(200);
});
afterAll(async () => {
  await llm.close();
  await s.close();
  await retail.close();
});

const files = () =>
  fs
    .readdirSync(path.join(RETAIL, 'scenarios'))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(RETAIL, 'scenarios', name), 'utf8') }));

test('the retail suite, uploaded as YAML files, runs green over 2 trials and answers the eval report', async () => {
  const r = await api(s.url, s.token, 'POST', '/v1/scenarios/run', { files: files(), trials: 2 });
  expect(r.status).toBe(200);
  const failures = r.body.scenarios.flatMap((sc: any) => sc.trials.flatMap((t: any) => t.failures.map((f: string) => `${sc.name}: ${f}`)));
  expect(failures).toEqual([]);
  expect(r.body).toMatchObject({ version: 1, trials: 2, summary: { scenarios: 8, passed: 8, failed: 0, passHat: { '1': 1, '2': 1 }, violations: { count: 0 } } });
  expect(r.body.scenarios.map((sc: any) => sc.file)).toEqual(files().map((f) => f.name));
  // The confirmed cancellation really ran, once per trial.
  expect(retail.writes.filter((w) => w.path === '/orders/W1001/cancel').map((w) => w.status)).toEqual([200, 200]);
  expect(r.text).not.toContain(KEY);
});

test('a scenario given as an object that fails names the failing expectation', async () => {
  const first = files()[0]!;
  const scenario = {
    name: 'wrong expectation',
    customer: { email: 'ann@example.com', name: 'Ann Lee', verified: true },
    sandbox: false,
    turns: [{ say: 'Hi, where is my order W1002?', expect: { reply: { contains: ['teleported'] } } }],
  };
  expect(first.text).toContain('Hi, where is my order W1002?');
  const r = await api(s.url, s.token, 'POST', '/v1/scenarios/run', { scenarios: [scenario] });
  expect(r.status).toBe(200);
  expect(r.body.summary).toMatchObject({ passed: 0, failed: 1 });
  expect(r.body.scenarios[0]).toMatchObject({ name: 'wrong expectation', file: 'scenarios[0]', passed: false });
  expect(r.body.scenarios[0].trials[0].failures).toEqual([expect.stringMatching(/^turn 1: .*teleported/)]);
});

test('bad input is a 400 naming the file or item and the field; nothing runs', async () => {
  const before = llm.requests.length;
  const bad = await api(s.url, s.token, 'POST', '/v1/scenarios/run', {
    files: [
      { name: 'broken.yaml', text: 'name: [unclosed' },
      { name: 'a.json', text: JSON.stringify({ name: 'dup', customer: { verified: true }, turns: [{ say: 'hi' }] }) },
      { name: 'b.yml', text: 'name: dup\ncustomer: {verified: true}\nturns: [{say: hi}]\n' },
    ],
    scenarios: [{ name: 'no turns', customer: { verified: true }, turns: [] }],
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toEqual(
    expect.arrayContaining([
      { path: 'files.0.text', message: expect.stringMatching(/^broken\.yaml: not valid YAML/) },
      { path: 'files.2.name', message: expect.stringContaining('already used by a.json') },
      { path: 'scenarios.0.turns', message: expect.stringMatching(/^scenarios\[0\]: a scenario needs at least one turn/) },
    ]),
  );
  const none = await api(s.url, s.token, 'POST', '/v1/scenarios/run', {});
  expect(none.body.error.details).toEqual([{ path: 'scenarios', message: expect.stringContaining('at least one scenario') }]);
  const many = Array.from({ length: 21 }, (_, i) => ({ name: `s${i}`, customer: { verified: true }, turns: [{ say: 'hi' }] }));
  expect((await api(s.url, s.token, 'POST', '/v1/scenarios/run', { scenarios: many })).status).toBe(400);
  expect((await api(s.url, s.token, 'POST', '/v1/scenarios/run', { scenarios: many.slice(0, 1), trials: 6 })).body.error.details).toEqual([{ path: 'trials', message: expect.any(String) }]);
  expect((await api(s.url, null, 'POST', '/v1/scenarios/run', { scenarios: many.slice(0, 1) })).status).toBe(401);
  expect(llm.requests.length).toBe(before);
});

/** Waits until the model has received `text` from a customer (the run's turn reached it). */
async function modelSaw(text: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (llm.requests.some((q) => q.messages.some((m) => m.role === 'user' && m.content === text))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the model never received ${JSON.stringify(text)}`);
}

test('a run stops at its time limit, its turns failed in words', async () => {
  const slow = { name: 'slow model', customer: { verified: false }, turns: [{ say: HANG }, { say: 'and then?' }] };
  const r = await api(s.url, s.token, 'POST', '/v1/scenarios/run', { scenarios: [slow], timeoutSeconds: 5 });
  expect(r.status).toBe(200);
  expect(r.body.summary).toMatchObject({ failed: 1 });
  expect(r.body.scenarios[0].trials[0].failures).toEqual(['turn 1: POST /v1/conversations: the run reached its time limit']);
});

test('one run per tenant at a time; a run whose caller went away ends, and the next one is accepted', async () => {
  const slow = { name: 'hangs', customer: { verified: false }, turns: [{ say: HANG }] };
  const abort = new AbortController();
  const first = fetch(`${s.url}/v1/scenarios/run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scenarios: [slow], timeoutSeconds: 600 }),
    signal: abort.signal,
  }).catch((e: Error) => e);
  await modelSaw(HANG);
  const second = await api(s.url, s.token, 'POST', '/v1/scenarios/run', { scenarios: [{ ...slow, name: 'other' }] });
  expect(second.status).toBe(409);
  expect(second.body.error.message).toMatch(/already going/);
  abort.abort();
  expect(((await first) as Error).name).toBe('AbortError');
  // The cancelled run releases the tenant: a quick run is accepted again.
  const quick = { name: 'quick', customer: { verified: false }, turns: [{ say: 'hello there' }] };
  let next = await api(s.url, s.token, 'POST', '/v1/scenarios/run', { scenarios: [quick] });
  for (let i = 0; i < 400 && next.status === 409; i++) {
    await new Promise((r) => setTimeout(r, 25));
    next = await api(s.url, s.token, 'POST', '/v1/scenarios/run', { scenarios: [quick] });
  }
  expect(next.status).toBe(200);
  expect(next.body.summary).toMatchObject({ passed: 1 });
});
