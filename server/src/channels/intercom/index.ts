/** The Intercom channel: the webhook, the inbox handler that answers in the Messenger, the API client. */
import { NetworkGuard } from '../../actions/network-guard';
import type { AppContext } from '../../http/context';
import type { InboxHandler } from '../../inbox/worker';
import { createIntercomHandler } from './handler';

export { intercomMount, intercomSignature, validSignature, WEBHOOK_PATH } from './webhook';
export { IntercomClient, intercomBaseUrl, rateLimitWait, INTERCOM_VERSION, REGION_BASE_URLS } from './client';

/**
 * The inbox handler of `intercom` deliveries. Intercom calls go through the same
 * private-network guard as actions (a `baseUrl` override cannot reach internal hosts
 * unless ALLOWED_PRIVATE_HOSTS lets it), on one keep-alive pool per server.
 */
export function intercomHandler(ctx: AppContext): InboxHandler {
  const dispatcher = new NetworkGuard({ allowedPrivateHosts: ctx.config.ALLOWED_PRIVATE_HOSTS }).createAgent({
    keepAliveTimeout: 10_000,
    connections: 32,
    connect: { timeout: 10_000 },
  });
  return createIntercomHandler({ ctx, dispatcher });
}
