import { randomUUID } from 'node:crypto';
import type { Store, StoredProposal } from '../../store';
import type { IntercomClient, QuickReplyOption } from './client';
import { comparableText } from './html';

/** The button labels under a question that waits for the customer's confirmation. */
export const CONFIRM_LABEL = 'Yes, do it';
export const DECLINE_LABEL = 'No';

/** What the customer's click means for the proposal. */
export type Click = { proposal: StoredProposal; answer: 'confirm' | 'decline' };

/**
 * The buttons of a proposal: fresh uuids the first time, stored on the proposal (a CAS on
 * `pending`), the stored ones when a re-run posts the question again. Null when the
 * proposal no longer waits (nothing to ask).
 */
export async function optionsFor(store: Store, tenantId: string, proposalId: string): Promise<QuickReplyOption[] | null> {
  const p = await store.getProposal(tenantId, proposalId);
  if (!p || p.status !== 'pending') return null;
  let options = p.options;
  if (!options) {
    const fresh = { confirm: randomUUID(), decline: randomUUID() };
    const moved = await store.transitionProposal(tenantId, proposalId, ['pending'], 'pending', { options: fresh });
    if (!moved) return null;
    options = moved.options ?? fresh;
  }
  return [
    { text: CONFIRM_LABEL, uuid: options.confirm },
    { text: DECLINE_LABEL, uuid: options.decline },
  ];
}

/** Whether a message reads like one of our button labels (a click whose notification lacked the uuid). */
export function looksLikeAClick(text: string): boolean {
  const t = comparableText(text).toLowerCase();
  return t === CONFIRM_LABEL.toLowerCase() || t === DECLINE_LABEL.toLowerCase();
}

/**
 * The option uuid of a customer part read from `GET /conversations/{id}`: the part with
 * `partId`, else the newest customer part. Null when the part carries none.
 */
export async function uuidFromConversation(client: IntercomClient, conversationId: string, partId: string | null): Promise<{ ok: true; uuid: string | null } | { ok: false; message: string; transient: boolean }> {
  const r = await client.getConversationParts(conversationId);
  if (!r.ok) return { ok: false, message: r.error.message, transient: ['timeout', 'network', 'rate_limited', 'http_5xx'].includes(r.error.type) };
  const customer = r.data.filter((p) => p.author?.type !== 'admin' && p.author?.type !== 'bot');
  const part = partId ? r.data.find((p) => p.id === partId) : customer[customer.length - 1];
  const uuid = part?.metadata?.quick_reply_uuid;
  return { ok: true, uuid: typeof uuid === 'string' && uuid ? uuid.slice(0, 200) : null };
}

/**
 * The proposal a clicked uuid answers: only a proposal of this conversation whose own
 * options hold the uuid. Anything else (a wrong uuid, another conversation's) is null.
 */
export async function clickFor(store: Store, tenantId: string, conversationId: string, uuid: string): Promise<Click | null> {
  const p = await store.proposalByOption(tenantId, uuid);
  if (!p || p.conversationId !== conversationId || !p.options) return null;
  if (p.options.confirm === uuid) return { proposal: p, answer: 'confirm' };
  if (p.options.decline === uuid) return { proposal: p, answer: 'decline' };
  return null;
}
