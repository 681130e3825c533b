/** The Intercom channel: the inbox handler that answers in the Messenger, the notification parser, the API client. */
import type { InboxHandler } from '../../inbox';
import type { ChannelDeps } from '../deps';
import { createIntercomHandler } from './handler';

export { testIntercomConnection } from './connection-test';
export { IntercomClient, intercomBaseUrl, type IntercomMe, rateLimitWait, INTERCOM_VERSION, REGION_BASE_URLS } from './client';
export { ANSWERED_TOPICS, HANDLED_TOPICS, HANDOFF_TOPICS, jobFrom, Notification } from './notification';
export { IntercomApps, type IntercomApp } from './apps';
export { proveIntercomApp, type AppIdProblem } from './prove';

/** The inbox handler of `intercom` deliveries; Intercom calls go through the guarded pool. */
export function intercomHandler(deps: ChannelDeps): InboxHandler {
  return createIntercomHandler(deps);
}
