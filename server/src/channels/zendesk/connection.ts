import type { Agent } from 'undici';
import { SettingsInput, type Settings } from '../../../../shared/settings';
import { NetworkGuard } from '../../actions/network-guard';
import type { AppContext } from '../../http/context';
import { ZendeskClient, type ZendeskClientOptions } from './client';

interface Pool {
  guard: NetworkGuard;
  dispatcher: Agent;
}

/** One guarded keep-alive pool per server instance, shared by the webhook worker and the sidebar routes. */
const pools = new WeakMap<AppContext, Pool>();

function poolFor(ctx: AppContext): Pool {
  let p = pools.get(ctx);
  if (!p) {
    // The same guard as the actions' engine: the helpdesk API address is admin-supplied too.
    const guard = new NetworkGuard({ allowedPrivateHosts: ctx.config.ALLOWED_PRIVATE_HOSTS });
    // Short keep-alive: idle sockets go away on their own, the pool has no close hook in the server.
    const dispatcher = guard.createAgent({ keepAliveTimeout: 4_000, connections: 16, connect: { timeout: 10_000 } });
    p = { guard, dispatcher };
    pools.set(ctx, p);
  }
  return p;
}

/** A tenant's settings, or the defaults when none are saved. */
export async function tenantSettings(ctx: AppContext, tenantId: string): Promise<Settings> {
  return (await ctx.store.getSettings(tenantId)) ?? SettingsInput.parse({});
}

/** The tenant's Zendesk client; null when the Zendesk address or credentials are not set. */
export function zendeskClientFor(ctx: AppContext, settings: Settings, opts: Partial<ZendeskClientOptions> = {}): ZendeskClient | null {
  return ZendeskClient.fromSettings(settings.zendesk, { ...poolFor(ctx), ...opts });
}
