/** The eval report `POST /v1/scenarios/run` answers (eval/suite.ts SuiteReport; only what the page reads). */

export interface TurnReport {
  turn: number;
  kind: 'say' | 'confirm' | 'decline';
  input: string;
  latencyMs: number | null;
  reply: string;
  calls: { action: string; ok: boolean; status: number | null; errorType?: string; arguments?: Record<string, unknown> }[];
  pending: { id: string; action: string }[];
  /** Expectations of this turn that did not hold. */
  failures: string[];
}

export interface TrialReport {
  passed: boolean;
  conversationId: string | null;
  /** "turn N: ..." for every failing expectation and error. */
  failures: string[];
  violations: { kind: string; action: string; turn: number; refused: boolean; message: string }[];
  turns: TurnReport[];
}

export interface ScenarioReport {
  name: string;
  file: string;
  passed: boolean;
  trialsPassed: number;
  trials: TrialReport[];
}

export interface SuiteSummary {
  scenarios: number;
  passed: number;
  failed: number;
  passHat: Record<string, number>;
  toolCalls: { expected: number; made: number; matched: number; precision: number | null; recall: number | null };
  arguments: { checked: number; matched: number; rate: number | null };
  violations: { count: number };
  latencyMs: { n: number; p50: number | null; p95: number | null };
}

export interface SuiteReport {
  version: 1;
  startedAt: string;
  finishedAt: string;
  trials: number;
  scenarios: ScenarioReport[];
  summary: SuiteSummary;
}
