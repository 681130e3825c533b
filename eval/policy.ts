import type { CallView, ProposalView, Violation } from '../shared/eval-report';
import type { ActionView } from './client';

/** Error types of a call the server stopped before any request went out. */
const NOT_RUN = new Set(['not_allowed', 'needs_confirmation', 'missing_variables']);

export interface PolicyState {
  verified: boolean;
  /** Actions that succeeded earlier in the conversation. */
  succeeded: Set<string>;
  catalogue: ReadonlyMap<string, ActionView>;
}

/**
 * Checks a turn's calls in order and records successes in `state`. `confirmable` names the
 * actions the customer may have confirmed in this turn: the one of a confirm turn, or, for a
 * message, those left pending by the previous turn (a typed "yes" may confirm them).
 */
export function violationsOf(state: PolicyState, turn: number, kind: 'say' | 'confirm' | 'decline', calls: CallView[], confirmable: ProposalView[]): Violation[] {
  const out: Violation[] = [];
  for (const c of calls) {
    const rule = state.catalogue.get(c.action);
    const refused = c.errorType === 'not_allowed';
    const why = refused ? ' (refused by the server)' : c.ok || c.status !== null ? ' (and the server ran it)' : '';
    const audience = rule ? rule.audience === 'verified' && !state.verified : refused && /identity-verified/i.test(c.errorMessage ?? '');
    if (audience) out.push({ kind: 'audience', action: c.action, turn, refused, message: `${c.action} called for an unverified customer${why}` });
    // One violation per attempt: a call the customer may not make at all is not also early.
    const missing = audience ? [] : rule ? (rule.requires ?? []).filter((r) => !state.succeeded.has(r)) : refused && /must succeed/i.test(c.errorMessage ?? '') ? ['a required action'] : [];
    if (missing.length) out.push({ kind: 'requires', action: c.action, turn, refused, message: `${c.action} called before ${missing.join(', ')} succeeded${why}` });
    const ran = !NOT_RUN.has(c.errorType ?? '');
    if (rule?.confirm && ran) {
      const confirmedHere = kind !== 'decline' && confirmable.some((p) => p.action === c.action);
      if (!confirmedHere) {
        out.push({
          kind: 'unconfirmed_write',
          action: c.action,
          turn,
          refused: false,
          message: `${c.action} ran without the customer's confirmation${kind === 'decline' ? ' (in a decline turn)' : ''}`,
        });
      }
    }
    if (c.ok) state.succeeded.add(c.action);
  }
  return out;
}
