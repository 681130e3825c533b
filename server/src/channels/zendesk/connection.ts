import { SettingsInput, type Settings } from '../../../../shared/settings';
import type { ChannelDeps } from '../deps';
import { ZendeskClient, type ZendeskClientOptions } from './client';

/** A tenant's settings, or the defaults when none are saved. */
export async function tenantSettings(deps: Pick<ChannelDeps, 'store'>, tenantId: string): Promise<Settings> {
  return (await deps.store.getSettings(tenantId)) ?? SettingsInput.parse({});
}

/**
 * The tenant's Zendesk client; null when the Zendesk address or credentials are not set.
 * It calls through the guarded pool: the helpdesk API address is admin-supplied too.
 */
export function zendeskClientFor(deps: Pick<ChannelDeps, 'outbound'>, settings: Settings, opts: Partial<ZendeskClientOptions> = {}): ZendeskClient | null {
  return ZendeskClient.fromSettings(settings.zendesk, { outbound: deps.outbound, ...opts });
}
