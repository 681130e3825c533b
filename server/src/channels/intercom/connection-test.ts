import type { IntercomTestResult } from '../../../../shared/admin-api';
import type { Settings } from '../../../../shared/settings';
import type { ChannelDeps } from '../deps';
import { intercomBaseUrl, IntercomClient, type IntercomResult } from './client';

/** Most admins listed for the picker (a large workspace has hundreds of teammates). */
const MAX_ADMINS = 500;

/**
 * "Test connection" of the Intercom settings: `GET /me` proves the token works and names its
 * workspace (`app.id_code`, which must equal the app id), `GET /admins` lists whom the AI may
 * reply as. Never throws; nothing is written to Intercom.
 */
export async function testIntercomConnection(deps: Pick<ChannelDeps, 'outbound'>, settings: Settings['intercom']): Promise<IntercomTestResult> {
  if (!settings.accessToken) return { ok: false, message: 'enter the access token of the Intercom app (Developer Hub > your app > Authentication)' };
  const client = new IntercomClient({ settings, outbound: deps.outbound, timeoutMs: 10_000, maxRetries: 1, maxWaitMs: 5_000, budgetMs: 15_000 });
  const host = intercomBaseUrl(settings).replace(/^https?:\/\//, '');
  const me = await client.getMe();
  if (!me.ok) return { ok: false, message: failureText(me, host, settings.region) };
  const appId = typeof me.data?.app?.id_code === 'string' ? me.data.app.id_code : undefined;
  if (!appId) return { ok: false, message: `${host} answered GET /me without the workspace (app.id_code): is this an Intercom API?` };
  // Exact, as the proof on save: webhooks are routed by this very string.
  if (settings.appId && settings.appId !== appId) {
    return { ok: false, appId, message: `the access token belongs to workspace ${appId}, not ${settings.appId}: correct the app id or use that workspace's token` };
  }
  const admins = await client.listAdmins();
  if (!admins.ok) return { ok: false, appId, message: `the token works for workspace ${appId}, but the admins could not be listed: ${failureText(admins, host, settings.region)}` };
  const list = admins.data.slice(0, MAX_ADMINS).map((a) => ({ id: a.id, name: a.name ?? '', email: a.email ?? '' }));
  if (settings.adminId && !list.some((a) => a.id === settings.adminId)) {
    return { ok: false, appId, admins: list, message: `admin ${settings.adminId} is not an admin of workspace ${appId}: pick one from the list` };
  }
  const missing = settings.appId ? '' : `; enter ${appId} as the app id`;
  return { ok: true, appId, admins: list, message: `connected to workspace ${appId} (${list.length} admin${list.length === 1 ? '' : 's'})${missing}` };
}

function failureText(r: Extract<IntercomResult<unknown>, { ok: false }>, host: string, region: string): string {
  if (r.status === 401) return `${host} refused the access token (HTTP 401): check the token, and the region (${region}) of the workspace`;
  if (r.status === 403) return `${host} refused access (HTTP 403): the app lacks a permission it needs (read admins)`;
  if (r.error.type === 'blocked') return `the address ${host} is ${r.error.message}`;
  return r.error.message;
}
