import type { InboxHandler } from '../../inbox';
import type { InboxItem } from '../../store';
import { SettingsCache } from '../settings-cache';
import { IntercomClient } from './client';
import { IntercomJob } from './notification';
import { runTurn } from './turn';
import type { HandlerDeps } from './turn-scope';

export type { HandlerDeps } from './turn-scope';

/**
 * The inbox handler of `intercom` deliveries: checks the stored job, reads the tenant's
 * Intercom settings (cached per configuration version: a busy inbox would otherwise read and
 * decrypt them per item) and answers it (see `runTurn`).
 */
export function createIntercomHandler(deps: HandlerDeps): InboxHandler {
  const settingsOf = new SettingsCache(deps.store);
  return async (item: InboxItem) => {
    const parsed = IntercomJob.safeParse(item.payload);
    if (!parsed.success) {
      deps.log.error({ itemId: item.id }, 'intercom inbox item has an unknown shape; dropped');
      return;
    }
    const job = parsed.data;
    const settings = await settingsOf.get(item.tenantId);
    const ic = settings?.intercom;
    if (!settings || !ic?.accessToken || !ic.adminId) {
      // The admin may still add the credentials: the inbox retries, then keeps it as dead.
      throw new Error('Intercom is not configured for this tenant (access token and admin id are needed)');
    }
    const log = deps.log.child({ tenantId: item.tenantId, channel: 'intercom', conversationId: job.conversationId, notificationId: job.notificationId });
    const client = new IntercomClient({ settings: ic, outbound: deps.outbound, ...deps.client });
    await runTurn({ deps, tenantId: item.tenantId, job, log, settings, client, adminId: ic.adminId });
  };
}
