import { performance } from 'node:perf_hooks';
import type { Scenario, Turn } from '../shared/scenario';
import type { CallView, ProposalView, TrialResult, TurnRecord, TurnTally } from '../shared/eval-report';
import { ApiError, type ActionView, type EvalClient, type TurnAnswer } from './client';
import { checkTurn } from './expect';
import { violationsOf } from './policy';

const NO_TALLY: TurnTally = { scored: false, expected: 0, made: 0, matched: 0, argsChecked: 0, argsMatched: 0 };

/** Name of the server's pseudo-call for the User Data API: not a tool the model called. */
const USER_DATA_CALL = 'user_data_api';

/** Runs one scenario once, through the HTTP API. Never throws for what the server answers. */
export async function runTrial(client: EvalClient, scenario: Scenario, catalogue: ReadonlyMap<string, ActionView>): Promise<TrialResult> {
  const result: TrialResult = { passed: false, conversationId: null, failures: [], violations: [], turns: [] };
  const policy = { verified: scenario.customer.verified, succeeded: new Set<string>(), catalogue };
  let pending: ProposalView[] = [];

  for (const [i, turn] of scenario.turns.entries()) {
    const n = i + 1;
    const kind = turnKind(turn);
    let chosen: ProposalView | undefined;
    if (kind !== 'say') {
      const action = (turn as { action?: string }).action;
      chosen = [...pending].reverse().find((p) => !action || p.action === action);
      if (!chosen) {
        result.failures.push(`turn ${n}: nothing pending to ${kind}${action ? ` for ${action}` : ''}`);
        break;
      }
    }
    const t0 = performance.now();
    let answer: TurnAnswer;
    try {
      if (kind === 'say' && result.conversationId === null) {
        const started = await client.startConversation({
          customer: scenario.customer,
          message: (turn as { say: string }).say,
          sandbox: scenario.sandbox,
          ...(scenario.mocks ? { mocks: scenario.mocks } : {}),
        });
        result.conversationId = started.id;
        answer = started;
      } else if (kind === 'say') {
        answer = await client.sendMessage(result.conversationId!, (turn as { say: string }).say);
      } else {
        answer = await client.decide(result.conversationId!, chosen!.id, kind);
      }
    } catch (err) {
      const msg = err instanceof ApiError ? err.message : `unexpected error: ${(err as Error).message}`;
      result.failures.push(`turn ${n}: ${msg}`);
      result.turns.push({ turn: n, kind, input: inputOf(turn, chosen), latencyMs: null, reply: '', calls: [], pending, failures: [msg], tally: NO_TALLY });
      break;
    }
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;

    const calls = answer.calls.filter((c) => c && typeof c.action === 'string' && !(c.action === USER_DATA_CALL && !catalogue.has(USER_DATA_CALL)));
    if (chosen && kind === 'confirm' && !calls.some((c) => c.action === chosen!.action)) {
      // The confirm answer may report the run only on the proposal; count it as the call.
      const ran = answer.proposal?.result;
      if (ran) calls.unshift({ action: chosen.action, ok: ran.ok, status: ran.status, ...(ran.errorType ? { errorType: ran.errorType } : {}), arguments: chosen.arguments ?? {} });
    }
    const before = pending;
    pending = answer.pending ?? (chosen ? before.filter((p) => p.id !== chosen!.id) : []);

    const confirmable = kind === 'confirm' ? [chosen!] : kind === 'say' ? before : [];
    const violations = violationsOf(policy, n, kind, calls, confirmable);
    const { failures, tally } = checkTurn(turn.expect, { reply: answer.reply, calls, pending, proposals: [...pending, ...before] });
    const turnFailures = [...failures, ...violations.map((v) => `policy: ${v.message}`)];
    result.violations.push(...violations);
    result.failures.push(...turnFailures.map((f) => `turn ${n}: ${f}`));
    result.turns.push({ turn: n, kind, input: inputOf(turn, chosen), latencyMs, reply: answer.reply, calls, pending, failures: turnFailures, tally });
  }
  result.passed = result.failures.length === 0;
  return result;
}

function turnKind(t: Turn): TurnRecord['kind'] {
  return 'say' in t ? 'say' : 'confirm' in t ? 'confirm' : 'decline';
}

function inputOf(t: Turn, chosen: ProposalView | undefined): string {
  if ('say' in t) return t.say;
  return `${turnKind(t)} ${chosen ? `${chosen.action} (${chosen.id})` : '(nothing pending)'}`;
}
