import fs from 'node:fs';
import path from 'node:path';
import type { ChatRequest, Script } from '../support/fake-openai';
import { startTestServer } from '../support/server';
import { RETAIL, runCli, startEvalRig, writeScenario, type EvalRig } from './helpers';

const ACTIONS = path.join(RETAIL, 'actions.json');
const ann = { email: 'ann@example.com', name: 'Ann Lee', verified: true };

/** Greets unless asked about goodbyes; never calls a tool. */
const chatty: Script = (req: ChatRequest) => {
  const last = req.messages.filter((m) => m.role === 'user').pop()?.content ?? '';
  return { content: /bye/i.test(last) ? 'See you soon!' : 'Hello there, how can I help?' };
};

let rig: EvalRig;
beforeAll(async () => {
  rig = await startEvalRig(chatty);
});
afterAll(() => rig.close());
beforeEach(() => rig.llm.setScript(chatty));

const passing = { name: 'greets back', customer: { name: 'Jo', verified: false }, sandbox: false, turns: [{ say: 'hello', expect: { calls: [], reply: { contains: ['hello'] } } }] };
const failing = {
  name: 'looks the order up',
  customer: ann,
  sandbox: false,
  turns: [
    { say: 'hello', expect: { reply: { contains: ['hello'] } } },
    { say: 'where is W1002, zip 94103?', expect: { calls: [{ action: 'get_order' }], reply: { contains: ['delivered'] } } },
  ],
};

test('a passing suite: exit code 0, one line per scenario, the closing line, the JSON report', async () => {
  const dir = path.join(rig.tmp, 'pass');
  writeScenario(dir, 'a.json', passing);
  const out = path.join(rig.tmp, 'pass-report.json');
  const r = await runCli([dir, '--actions', ACTIONS, '--json', out], rig.env);
  expect(r.stderr).not.toMatch(/\r\[#/); // no progress bar when stderr is not a terminal
  expect(r.code).toBe(0);
  expect(r.lines[0]).toBe('PASS  greets back  1/1');
  expect(r.lines[r.lines.length - 1]).toBe('1 passed, 0 failed');
  expect(r.stdout).toMatch(/^policy violations: 0$/m);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(report).toMatchObject({ version: 1, server: 'in-process', trials: 1, summary: { scenarios: 1, passed: 1, failed: 0, passHat: { '1': 1 } } });
  expect(report.scenarios[0].trials[0].turns[0]).toMatchObject({ turn: 1, kind: 'say', input: 'hello', reply: 'Hello there, how can I help?', calls: [] });
  expect(typeof report.summary.latencyMs.p50).toBe('number');
});

test('a failing scenario: exit code 1, its first failing expectation, the JSON report says why', async () => {
  const dir = path.join(rig.tmp, 'mixed');
  writeScenario(dir, '1-pass.yaml', `name: greets back\ncustomer: {name: Jo, verified: false}\nsandbox: false\nturns:\n  - say: hello\n    expect: {reply: {contains: [Hello]}}\n`);
  writeScenario(dir, '2-fail.json', failing);
  const out = path.join(rig.tmp, 'mixed-report.json');
  const r = await runCli([dir, '--actions', ACTIONS, '--json', out], rig.env);
  expect(r.code).toBe(1);
  expect(r.lines[0]).toBe('PASS  greets back  1/1');
  expect(r.lines[1]).toBe('FAIL  looks the order up  0/1  trial 1, turn 2: expected call get_order, not made (no call made)');
  expect(r.lines[r.lines.length - 1]).toBe('1 passed, 1 failed');
  expect(r.stdout).toMatch(/^tool calls: precision n\/a, recall 0\.000 {3}\(expected 1, made 0, matched 0\)$/m);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(report.summary).toMatchObject({ passed: 1, failed: 1, toolCalls: { expected: 1, made: 0, recall: 0 } });
  expect(report.scenarios[1].trials[0].failures).toEqual([
    'turn 2: expected call get_order, not made (no call made)',
    'turn 2: reply does not contain "delivered": "Hello there, how can I help?"',
  ]);
});

test('pass^1 and pass^k over k trials: a scenario that passes one trial of two', async () => {
  let conversations = 0;
  rig.llm.setScript((req) => {
    const users = req.messages.filter((m) => m.role === 'user');
    if (users.length === 1) conversations++;
    return { content: conversations % 2 === 1 ? 'Hello!' : 'Hi.' };
  });
  const dir = path.join(rig.tmp, 'flaky');
  writeScenario(dir, 'flaky.json', { ...passing, name: 'flaky greeting' });
  writeScenario(dir, 'steady.json', { ...passing, name: 'steady', turns: [{ say: 'hello', expect: { reply: { contains: ['h'] } } }] });
  const out = path.join(rig.tmp, 'flaky-report.json');
  const r = await runCli([dir, '--actions', ACTIONS, '--trials', '2', '--json', out], rig.env);
  expect(r.code).toBe(1);
  expect(r.lines[0]).toMatch(/^FAIL {2}flaky greeting {2}1\/2 {2}trial \d, turn 1: reply does not contain "hello"/);
  expect(r.lines[1]).toBe('PASS  steady  2/2');
  expect(r.stdout).toMatch(/^pass\^1 0\.750 {3}pass\^2 0\.500 {3}\(2 scenarios x 2 trials\)$/m);
  expect(r.lines[r.lines.length - 1]).toBe('1 passed, 1 failed');
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(report.summary.passHat).toEqual({ '1': 0.75, '2': 0.5 });
});

test('bad input exits 2 and names the file and the field', async () => {
  const dir = path.join(rig.tmp, 'bad');
  writeScenario(dir, 'bad.yaml', 'name: broken\ncustomer: {verified: maybe}\nturns:\n  - say: hi\n    expect: {calls: [{action: "no spaces allowed"}]}\n');
  const r = await runCli([dir], rig.env);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${path.join(dir, 'bad.yaml')}: not a valid scenario`);
  expect(r.stderr).toMatch(/customer\.verified: /);
  expect(r.stderr).toMatch(/turns\.0\.expect\.calls\.0\.action: must be an action name/);

  const ok = path.join(rig.tmp, 'ok');
  writeScenario(ok, 'a.json', passing);
  const noEnv = await runCli([ok, '--actions', ACTIONS], { ...rig.env, RETAIL_API_KEY: '' });
  expect(noEnv.code).toBe(2);
  expect(noEnv.stderr).toContain('uses environment variables that are not set: RETAIL_API_KEY');

  const badTrials = await runCli([ok, '--trials', 'many'], rig.env);
  expect(badTrials.code).toBe(2);
  expect(badTrials.stderr).toContain('--trials must be an integer');
});

test('--server: runs against a running server through its API; existing actions are kept', async () => {
  const srv = await startTestServer({ OPENAI_BASE_URL: rig.llm.url, OPENAI_MODEL: 'scripted-model' });
  try {
    const dir = path.join(rig.tmp, 'remote');
    writeScenario(dir, 'a.json', passing);
    const first = await runCli([dir, '--server', srv.url, '--actions', ACTIONS], { ...rig.env, EVAL_TOKEN: srv.token });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('note: the file’s userDataApi and settings are not applied to a running server');
    expect(first.lines[first.lines.length - 1]).toBe('1 passed, 0 failed');
    const again = await runCli([dir, '--server', srv.url, '--token', srv.token, '--actions', ACTIONS], rig.env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('note: action get_order already exists on the server: kept as it is');
    const wrong = await runCli([dir, '--server', srv.url, '--token', 'hat_wrong'], rig.env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/eval: GET \/v1\/actions: HTTP 401/);
  } finally {
    await srv.close();
  }
});
