import type { ConversationDetail } from '../api/types';

/** The server's pseudo-call for the User Data API: not a tool the model chose. */
const USER_DATA_CALL = 'user_data_api';

/** A scenario (as the shared schema takes it) built from a logged conversation. */
export interface ScenarioDraft {
  name: string;
  description: string;
  customer: { email?: string; name?: string; verified: boolean };
  turns: { say: string; expect: { calls: { action: string; args?: Record<string, unknown> }[] } }[];
}

/**
 * Each customer message becomes a `say` turn; the calls the AI made in that turn become its
 * `expect.calls` (action and arguments), to edit before saving. Masked values are left out
 * of the arguments: a secret never goes into a scenario file.
 */
export function scenarioFromConversation(c: ConversationDetail): ScenarioDraft {
  const who = c.customer.name || c.customer.email || 'a customer';
  const turns = c.messages
    .filter((m) => m.role === 'user')
    .map((m) => {
      const seen = new Set<string>();
      const calls = c.calls
        .filter((call) => call.turnId === m.turnId && call.action !== USER_DATA_CALL)
        .filter((call) => (seen.has(call.action) ? false : (seen.add(call.action), true)))
        .map((call) => {
          const args = Object.fromEntries(Object.entries(call.arguments ?? {}).filter(([, v]) => !(typeof v === 'string' && v.startsWith('••••'))));
          return Object.keys(args).length ? { action: call.action, args } : { action: call.action };
        });
      return { say: m.content, expect: { calls } };
    });
  return {
    name: `Conversation with ${who}`,
    description: `Saved from conversation ${c.id} (${c.channel}).`,
    customer: {
      ...(c.customer.email ? { email: c.customer.email } : {}),
      ...(c.customer.name ? { name: c.customer.name } : {}),
      verified: c.customer.verified,
    },
    turns,
  };
}

/** The route of the Scenarios page that builds a scenario from a conversation (the playground links here). */
export function scenarioFromConversationRoute(conversationId: string): string {
  return `scenarios?fromConversation=${encodeURIComponent(conversationId)}`;
}
