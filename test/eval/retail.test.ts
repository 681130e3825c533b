import fs from 'node:fs';
import path from 'node:path';
import { retailScript } from '../../examples/retail/scripted';
import { RETAIL, runCli, startEvalRig, type EvalRig } from './helpers';

let rig: EvalRig;
beforeAll(async () => {
  rig = await startEvalRig(retailScript());
});
afterAll(() => rig.close());

test('the retail suite is green with the scripted model, over 2 trials, with no policy violation', async () => {
  const out = path.join(rig.tmp, 'retail.json');
  const r = await runCli([path.join(RETAIL, 'scenarios'), '--actions', path.join(RETAIL, 'actions.json'), '--trials', '2', '--concurrency', '2', '--json', out], rig.env);
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  const failures = report.scenarios.flatMap((s: any) => s.trials.flatMap((t: any) => t.failures.map((f: string) => `${s.name}: ${f}`)));
  expect(failures).toEqual([]);
  expect(r.code).toBe(0);
  expect(r.lines.filter((l) => l.startsWith('PASS  '))).toHaveLength(8);
  expect(r.lines[r.lines.length - 1]).toBe('8 passed, 0 failed');
  expect(report.summary).toMatchObject({
    passHat: { '1': 1, '2': 1 },
    toolCalls: { precision: 1, recall: 1 },
    arguments: { rate: 1 },
    violations: { count: 0 },
  });

  // What really reached the retail API: each confirmed write once per trial, none declined.
  const conversationsOf = (name: string) => report.scenarios.find((s: any) => s.name === name).trials.map((t: any) => t.conversationId);
  const writesOf = (name: string) => rig.retail.writes.filter((w) => conversationsOf(name).includes(w.conversationId));
  expect(writesOf('cancel a pending order after confirmation').map((w) => [w.path, w.status])).toEqual([
    ['/orders/W1001/cancel', 200],
    ['/orders/W1001/cancel', 200],
  ]);
  expect(writesOf('return a delivered item after confirmation').map((w) => [w.path, w.status, w.body])).toEqual([
    ['/orders/W1002/returns', 201, { email: 'ann@example.com', item_ids: ['I-1002-1'], reason: 'they hurt my ears' }],
    ['/orders/W1002/returns', 201, { email: 'ann@example.com', item_ids: ['I-1002-1'], reason: 'they hurt my ears' }],
  ]);
  expect(writesOf('a declined cancellation does not run')).toEqual([]);
  expect(writesOf("another customer's order stays private")).toEqual([]);
  // The sandboxed scenario used its mocks: none of its calls reached the API.
  const sandboxed = conversationsOf('order system down, sandboxed');
  expect(rig.retail.requests.filter((q) => sandboxed.includes(q.conversationId))).toEqual([]);
});
