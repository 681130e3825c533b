import type { Settings } from '../../../../shared/settings';
import type { ChannelDeps } from '../deps';
import { IntercomClient } from './client';

/** Why an Intercom app id may not be bound to a tenant: the settings field and the reason in words. */
export interface AppIdProblem {
  path: string;
  message: string;
}

/**
 * App ids are public (they are in every Messenger snippet), and webhooks are routed to the
 * tenant that holds one: binding an id on the tenant's word alone would let anyone squat a
 * workspace and have its genuine webhooks refused. So an id is bound only when the access
 * token the tenant gives proves it: Intercom's `GET /me` for that token names the app.
 * Returns null when there is nothing to prove (no app id) or the proof holds.
 */
export async function proveIntercomApp(deps: Pick<ChannelDeps, 'outbound'>, intercom: Settings['intercom']): Promise<AppIdProblem | null> {
  const appId = intercom.appId;
  if (appId === null) return null;
  if (!intercom.accessToken) return { path: 'intercom.accessToken', message: 'an access token is needed to prove the app id' };
  // One quick question on the settings request path: short timeouts, one retry, a small answer.
  const client = new IntercomClient({ settings: intercom, outbound: deps.outbound, timeoutMs: 8000, budgetMs: 15_000, maxRetries: 1, maxWaitMs: 3000, maxResponseBytes: 64 * 1024 });
  const me = await client.getMe();
  if (!me.ok) return { path: 'intercom.appId', message: `Intercom did not confirm this app id: ${me.error.message}` };
  const owner = me.data?.app?.id_code;
  if (typeof owner !== 'string' || !owner) return { path: 'intercom.appId', message: 'Intercom did not confirm this app id: its answer to GET /me names no app' };
  // Exact: webhooks are routed by the app_id string Intercom sends, which is this one.
  if (owner !== appId) return { path: 'intercom.appId', message: `the access token belongs to Intercom app ${owner.slice(0, 64)}, not ${appId}` };
  return null;
}
