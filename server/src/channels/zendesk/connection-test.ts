import type { ZendeskTestResult } from '../../../../shared/admin-api';
import type { Settings } from '../../../../shared/settings';
import type { ChannelDeps } from '../deps';
import { zendeskBaseUrl, ZendeskClient, zendeskAuthorization, type ZendeskFailure } from './client';

/** Roles that may add internal notes: the AI's notes are posted as the API user. */
const STAFF_ROLES = new Set(['agent', 'admin']);

/**
 * "Test connection" of the Zendesk settings: `GET /api/v2/users/me.json` with them, and the
 * answer in words an admin can act on. Never throws; nothing is written to Zendesk.
 */
export async function testZendeskConnection(deps: Pick<ChannelDeps, 'outbound'>, settings: Settings['zendesk']): Promise<ZendeskTestResult> {
  const base = zendeskBaseUrl(settings);
  if (!base) return { ok: false, message: 'enter the Zendesk subdomain (acme for acme.zendesk.com)' };
  if (!zendeskAuthorization(settings)) {
    return { ok: false, message: 'enter the API user’s email and an API token (or an OAuth token)' };
  }
  const client = ZendeskClient.fromSettings(settings, { outbound: deps.outbound, timeoutMs: 10_000, maxRetries: 1, maxRetryAfterMs: 5_000 })!;
  const r = await client.getMe();
  const host = base.replace(/^https?:\/\//, '');
  if (!r.ok) return { ok: false, message: failureText(r.error, host) };
  const me = r.data;
  if (me.id === null) {
    return { ok: false, message: `${host} did not recognise the credentials (it answered as an anonymous user): check the email and the API token, and that token access is on` };
  }
  const user = { id: me.id, name: me.name ?? '', email: me.email ?? '', role: me.role ?? '' };
  if (!STAFF_ROLES.has(user.role)) {
    return { ok: false, user, message: `the credentials belong to ${who(user)}, an ${user.role || 'unknown role'}: use an agent or admin (the AI's internal notes are posted as this user)` };
  }
  return { ok: true, user, message: `connected to ${host} as ${who(user)} (${user.role})` };
}

function who(u: { name: string; email: string }): string {
  return u.email ? `${u.name || 'a user'} <${u.email}>` : u.name || 'a user without a name';
}

function failureText(f: ZendeskFailure, host: string): string {
  if (f.kind === 'http' && f.status === 401) return `${host} refused the credentials (HTTP 401): check the API user’s email and the API token, and that token access is on`;
  if (f.kind === 'http' && f.status === 403) return `${host} refused access (HTTP 403): the API user may not use the API`;
  if (f.kind === 'http' && f.status === 404) return `no Zendesk account answers at ${host} (HTTP 404): check the subdomain`;
  if (f.kind === 'blocked') return `the address ${host} is refused by the network guard: ${f.message}`;
  return f.message;
}
