/**
 * The report of a scenario suite (`npm run eval --json`, `POST /v1/scenarios/run`): what the
 * eval runner produces and the admin page shows. Types only: the admin page imports them
 * without the eval's Node code.
 */

/** A call record as the conversation API reports it (only what the eval reads). */
export interface CallView {
  action: string;
  ok: boolean;
  status: number | null;
  errorType?: string;
  errorMessage?: string;
  arguments?: Record<string, unknown>;
  [k: string]: unknown;
}

/** A proposal waiting for confirmation. */
export interface ProposalView {
  id: string;
  action: string;
  arguments?: Record<string, unknown>;
  status?: string;
  result?: { ok: boolean; status: number | null; errorType?: string };
  [k: string]: unknown;
}

/** Tallies for precision/recall and argument matching over one turn. */
export interface TurnTally {
  /** The turn has a `calls` expectation: its calls count for precision/recall. */
  scored: boolean;
  expected: number;
  made: number;
  matched: number;
  /** Expected calls with `args` whose action was called. */
  argsChecked: number;
  argsMatched: number;
}

/**
 * Policy violations: calls the model attempted that the rules forbid, whether or not the
 * server refused them (a refusal means the server held the line, but the model still
 * broke the rule), and writes that ran without the customer's confirmation.
 */
export interface Violation {
  kind: 'audience' | 'requires' | 'unconfirmed_write';
  action: string;
  /** 1-based turn number. */
  turn: number;
  /** The server refused the call (not_allowed / needs_confirmation): nothing was sent. */
  refused: boolean;
  message: string;
}

/** One turn as it ran. */
export interface TurnRecord {
  /** 1-based. */
  turn: number;
  kind: 'say' | 'confirm' | 'decline';
  /** The message (say) or the proposal decided (confirm/decline). */
  input: string;
  latencyMs: number | null;
  reply: string;
  calls: CallView[];
  pending: ProposalView[];
  failures: string[];
  tally: TurnTally;
}

/** One run of a scenario. */
export interface TrialResult {
  passed: boolean;
  conversationId: string | null;
  /** Failing expectations and errors, "turn N: ..." */
  failures: string[];
  violations: Violation[];
  turns: TurnRecord[];
}

/** The suite's figures (see eval/README.md for what each means). */
export interface Summary {
  scenarios: number;
  passed: number;
  failed: number;
  /**
   * pass^j for j = 1..k (tau-bench): over scenarios, the chance that j trials drawn from the
   * k run all pass, C(c, j) / C(k, j) with c passed trials. pass^1 is the mean success
   * rate; pass^k is the share of scenarios that passed every trial.
   */
  passHat: Record<string, number>;
  toolCalls: { expected: number; made: number; matched: number; precision: number | null; recall: number | null };
  arguments: { checked: number; matched: number; rate: number | null };
  violations: { count: number; list: (Violation & { scenario: string; trial: number })[] };
  latencyMs: { n: number; p50: number | null; p95: number | null };
}

/** All trials of one scenario. */
export interface ScenarioResult {
  name: string;
  file: string;
  passed: boolean;
  trialsPassed: number;
  trials: TrialResult[];
}

export interface SuiteReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  server: string;
  trials: number;
  scenarios: ScenarioResult[];
  summary: Summary;
}
