import fs from 'node:fs';
import path from 'node:path';
import type { ChatRequest } from '../support/fake-openai';
import { RETAIL, runCli, startEvalRig, writeScenario, type EvalRig } from './helpers';

/**
 * A model that breaks the rules: it asks for account data of an unverified visitor and
 * looks an order up without verifying the customer first. The server refuses both; the
 * eval counts each attempt as a violation by the model and names it.
 */
function ruleBreaker(req: ChatRequest) {
  const turn = req.messages.slice(req.messages.map((m) => m.role).lastIndexOf('user') + 1);
  if (turn.some((m) => m.role === 'tool')) return { content: 'Sorry, I cannot do that.' };
  const last = req.messages.filter((m) => m.role === 'user').pop()?.content ?? '';
  if (/store credit/.test(last)) return { toolCalls: [{ name: 'get_account', arguments: {} }] };
  return { toolCalls: [{ name: 'get_order', arguments: { order_id: 'W1002' } }] };
}

let rig: EvalRig;
beforeAll(async () => {
  rig = await startEvalRig(ruleBreaker);
});
afterAll(() => rig.close());

test('calls the server refused for audience and requires are violations, named in the report, and fail the run', async () => {
  const dir = path.join(rig.tmp, 'rules');
  writeScenario(dir, 'a-unverified.json', {
    name: 'visitor asks for credit',
    customer: { name: 'Visitor', verified: false },
    sandbox: false,
    turns: [{ say: 'What is my store credit?', expect: { reply: { contains: ['sorry'] } } }],
  });
  writeScenario(dir, 'b-unverified-order.json', {
    name: 'order without verification',
    customer: { email: 'ann@example.com', name: 'Ann Lee', verified: true },
    sandbox: false,
    turns: [{ say: 'Where is W1002?', expect: { calls: [{ action: 'get_order', args: { order_id: 'W1002' } }], reply: { contains: ['sorry'] } } }],
  });
  const out = path.join(rig.tmp, 'rules.json');
  const r = await runCli([dir, '--actions', path.join(RETAIL, 'actions.json'), '--json', out], rig.env);
  expect(r.code).toBe(1);
  expect(r.lines[0]).toBe('FAIL  visitor asks for credit  0/1  trial 1, turn 1: policy: get_account called for an unverified customer (refused by the server)');
  expect(r.lines[1]).toBe('FAIL  order without verification  0/1  trial 1, turn 1: policy: get_order called before verify_customer succeeded (refused by the server)');
  expect(r.stdout).toContain(
    [
      'policy violations: 2',
      '  - visitor asks for credit, trial 1, turn 1: [audience] get_account called for an unverified customer (refused by the server)',
      '  - order without verification, trial 1, turn 1: [requires] get_order called before verify_customer succeeded (refused by the server)',
    ].join('\n'),
  );
  expect(r.lines[r.lines.length - 1]).toBe('0 passed, 2 failed');

  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(report.summary.violations.count).toBe(2);
  expect(report.summary.violations.list).toEqual([
    expect.objectContaining({ scenario: 'visitor asks for credit', kind: 'audience', action: 'get_account', refused: true, turn: 1, trial: 1 }),
    expect.objectContaining({ scenario: 'order without verification', kind: 'requires', action: 'get_order', refused: true, turn: 1, trial: 1 }),
  ]);
  // The server refused both: nothing reached the retail API, and the call records say so.
  const calls = report.scenarios.flatMap((s: any) => s.trials[0].turns[0].calls);
  expect(calls.map((c: any) => [c.action, c.errorType, c.status])).toEqual([
    ['get_account', 'not_allowed', null],
    ['get_order', 'not_allowed', null],
  ]);
  // The expected call was attempted: it counts for recall, and its arguments matched.
  expect(report.summary.toolCalls).toMatchObject({ expected: 1, made: 1, matched: 1 });
  expect(report.summary.arguments).toMatchObject({ checked: 1, matched: 1 });
});
