/** The sidebar contract as the server declares it (http/routes/zendesk-sidebar.ts): the fixtures are checked against it. */
import type { DraftBody, SidebarCall, SidebarProposal } from '../../server/src/http/routes/zendesk-sidebar';

export type { DraftBody, SidebarCall, SidebarProposal };

const AT = '2025-11-20T10:15:00.000Z';

/** Contains markup on purpose: the sidebar must show it as text. */
export const REPLY =
  'Hi Ana,\n\nYour order A-1001 shipped yesterday <b>and</b> should arrive on Friday.' +
  '<img src="x" onerror="window.__xss = 1">\n\nBest,\nSupport';

export const OK_CALL: SidebarCall = {
  id: 'call_1',
  conversationId: 'conv_1',
  action: 'lookup_order',
  method: 'GET',
  url: 'https://shop.example.com/orders/A-1001?key=••••f00d',
  status: 200,
  ok: true,
  durationMs: 182,
  requestHeaders: { Accept: 'application/json', Authorization: 'Bearer ••••9a2c' },
  responseExcerpt: '{"id":"A-1001","status":"shipped","eta":"Friday"}',
  at: AT,
};

export const FAILED_CALL: SidebarCall = {
  id: 'call_2',
  conversationId: 'conv_1',
  action: 'check_subscription',
  method: 'GET',
  url: 'https://billing.example.com/subscriptions?email=a***@example.com',
  status: 503,
  ok: false,
  durationMs: 1204,
  errorType: 'http_5xx',
  requestHeaders: { Accept: 'application/json', 'X-Api-Key': '••••77aa' },
  responseExcerpt: 'Service Unavailable',
  at: AT,
};

export const PENDING_PROPOSAL: SidebarProposal = {
  id: 'prop_1',
  conversationId: 'conv_1',
  turnId: 'turn_1',
  action: 'cancel_order',
  actionVersion: 1,
  method: 'POST',
  url: 'https://shop.example.com/orders/A-1001/cancel',
  arguments: { orderId: 'A-1001', refund: true },
  request: {
    method: 'POST',
    url: 'https://shop.example.com/orders/A-1001/cancel',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ••••9a2c' },
    body: '{"orderId":"A-1001","refund":true}',
  },
  status: 'pending',
  createdAt: AT,
  updatedAt: AT,
  // Far ahead so the proposal never expires while the suite runs.
  expiresAt: '2099-01-01T00:00:00.000Z',
};

export const RUN_CALL: SidebarCall = {
  id: 'call_3',
  conversationId: 'conv_1',
  action: 'cancel_order',
  method: 'POST',
  url: 'https://shop.example.com/orders/A-1001/cancel',
  status: 200,
  ok: true,
  durationMs: 240,
  requestHeaders: { 'Content-Type': 'application/json' },
  responseExcerpt: '{"cancelled":true}',
  at: AT,
};

/** A ready draft: two calls (one ok, one 5xx) and one pending proposal. */
export function readyDraft(reply = REPLY): DraftBody {
  return {
    ticketId: '123',
    status: 'ready',
    draft: {
      id: 'draft_1',
      reply,
      createdAt: AT,
      fallback: false,
      calls: [OK_CALL, FAILED_CALL],
      proposals: [PENDING_PROPOSAL],
    },
  };
}

/** A draft response with no draft, in a given state. */
export function emptyDraft(status: DraftBody['status'], message?: string): DraftBody {
  return { ticketId: '123', status, draft: null, ...(message ? { message } : {}) };
}

/** The run route's answer for the pending proposal: the call for the caller that ran it, null for the others. */
export function runDone(ranHere = true): { proposal: SidebarProposal; call: SidebarCall | null } {
  return {
    proposal: {
      ...PENDING_PROPOSAL,
      status: 'done',
      result: { ok: true, status: 200, excerpt: '{"cancelled":true}' },
    },
    call: ranHere ? RUN_CALL : null,
  };
}

/** The decline route's answer for the pending proposal. */
export function declined(): { proposal: SidebarProposal } {
  return { proposal: { ...PENDING_PROPOSAL, status: 'declined' } };
}
