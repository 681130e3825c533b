/** Bounds of one turn; every loop of the agent has one. */
export interface AgentLimits {
  /** Model calls per turn. */
  maxRounds: number;
  /** Tool calls per turn. */
  maxCallsPerTurn: number;
  /** Failures of the same call (action + arguments) before the server refuses it. */
  maxFailuresPerCall: number;
  /** Previous messages sent to the model. */
  historyMessages: number;
  /** Overrides the tenant's `confirmation.ttlMinutes` (tests make proposals short-lived). */
  proposalTtlMs?: number;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxRounds: 5,
  maxCallsPerTurn: 8,
  maxFailuresPerCall: 2,
  historyMessages: 20,
};
