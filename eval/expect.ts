import { isDeepStrictEqual } from 'node:util';
import type { ArgMatcher, ExpectedCall, TurnExpect } from '../shared/scenario';
import type { CallView, ProposalView, TurnTally } from '../shared/eval-report';

/** What a turn produced, as the checks see it. */
export interface TurnOutcome {
  reply: string;
  /** Calls of the turn (the model's attempts, refused ones included; user_data_api excluded). */
  calls: CallView[];
  pending: ProposalView[];
  /** Proposals whose arguments stand in for calls reported without them (this turn's and earlier). */
  proposals?: ProposalView[];
}

/** The arguments a call was made with: the call record's, else its proposal's. */
export function argsOf(call: CallView, pending: ProposalView[]): Record<string, unknown> | undefined {
  if (call.arguments && typeof call.arguments === 'object') return call.arguments;
  return pending.find((p) => p.action === call.action && p.arguments)?.arguments;
}

/** Why a value does not match, or null when it does. */
export function mismatch(m: ArgMatcher, value: unknown, present: boolean): string | null {
  if (m !== null && typeof m === 'object' && !Array.isArray(m)) {
    if ('any' in m && m.any === true && Object.keys(m).length === 1) return present ? null : 'missing';
    if ('regex' in m && typeof m.regex === 'string') {
      if (!present) return 'missing';
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const flags = typeof m.flags === 'string' ? m.flags : '';
      return new RegExp(m.regex, flags).test(text) ? null : `${JSON.stringify(value)} does not match /${m.regex}/${flags}`;
    }
  }
  if (!present) return 'missing';
  if (isDeepStrictEqual(m, value)) return null;
  // Models often send "3" for 3 (and the reverse); the value is the same to the API.
  if ((typeof m === 'number' && typeof value === 'string') || (typeof m === 'string' && typeof value === 'number')) {
    if (String(m).trim() === String(value).trim()) return null;
  }
  return `expected ${JSON.stringify(m)}, got ${JSON.stringify(value)}`;
}

/** Checks one expected call's arguments against every call of its action; null when one matches. */
function argsProblem(exp: ExpectedCall, candidates: CallView[], pending: ProposalView[]): string | null {
  if (!exp.args) return null;
  let firstMismatch: string | null = null;
  let unreported = false;
  for (const c of candidates) {
    const args = argsOf(c, pending);
    if (!args) {
      unreported = true;
      continue;
    }
    const problem = Object.entries(exp.args)
      .map(([name, m]) => {
        const why = mismatch(m, args[name], Object.hasOwn(args, name) && args[name] !== null && args[name] !== undefined);
        return why ? `${exp.action} ${name}: ${why}` : null;
      })
      .find((x) => x !== null);
    if (!problem) return null;
    firstMismatch ??= problem;
  }
  return firstMismatch ?? (unreported ? `${exp.action}: the server did not report the call's arguments` : null);
}

/** Every expectation of a turn that does not hold, in the order of the scenario format, and the tallies. */
export function checkTurn(expect: TurnExpect | undefined, out: TurnOutcome): { failures: string[]; tally: TurnTally } {
  const failures: string[] = [];
  const madeNames = new Set(out.calls.map((c) => c.action));
  const tally: TurnTally = { scored: false, expected: 0, made: madeNames.size, matched: 0, argsChecked: 0, argsMatched: 0 };
  if (!expect) return { failures, tally };

  if (expect.calls) {
    tally.scored = true;
    const expectedNames = new Set(expect.calls.map((c) => c.action));
    tally.expected = expectedNames.size;
    tally.matched = [...expectedNames].filter((n) => madeNames.has(n)).length;
    if (expect.calls.length === 0 && out.calls.length > 0) failures.push(`expected no call, made: ${[...madeNames].join(', ')}`);
    for (const exp of expect.calls) {
      const candidates = out.calls.filter((c) => c.action === exp.action);
      if (candidates.length === 0) {
        failures.push(`expected call ${exp.action}, not made${madeNames.size ? ` (made: ${[...madeNames].join(', ')})` : ' (no call made)'}`);
        continue;
      }
      if (!exp.args) continue;
      tally.argsChecked++;
      const problem = argsProblem(exp, candidates, out.proposals ?? out.pending);
      if (problem) failures.push(`arguments of ${problem}`);
      else tally.argsMatched++;
    }
  }
  for (const name of expect.notCalled ?? []) {
    if (madeNames.has(name)) failures.push(`${name} must not be called, but was`);
  }
  if (expect.pending) {
    const got = out.pending.map((p) => p.action).sort();
    const want = [...expect.pending].sort();
    if (!isDeepStrictEqual(got, want)) failures.push(`pending: expected [${want.join(', ')}], got [${got.join(', ')}]`);
  }
  const reply = out.reply.toLowerCase();
  for (const text of expect.reply?.contains ?? []) {
    if (!reply.includes(text.toLowerCase())) failures.push(`reply does not contain ${JSON.stringify(text)}: ${JSON.stringify(clip(out.reply))}`);
  }
  for (const text of expect.reply?.notContains ?? []) {
    if (reply.includes(text.toLowerCase())) failures.push(`reply contains ${JSON.stringify(text)}: ${JSON.stringify(clip(out.reply))}`);
  }
  return { failures, tally };
}

function clip(s: string, n = 160): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
