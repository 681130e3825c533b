/**
 * The Zendesk channel: the trigger webhook (signature-checked, stored in the durable inbox),
 * the inbox handler that drafts and adds the internal note, the sidebar routes, and the
 * Zendesk API client they share.
 */
import type { Mount } from '../../http/app';
import { mountZendeskSidebar } from './sidebar';
import { mountZendeskWebhook } from './webhook';

export { zendeskHandler } from './handler';
export { ZendeskClient, type ZendeskClientOptions, type ZendeskFailure, type ZendeskResult } from './client';

/** The webhook and the sidebar routes (they parse their own bodies, so they mount before the JSON API). */
export const zendeskMount: Mount = (app, ctx) => {
  mountZendeskWebhook(app, ctx);
  mountZendeskSidebar(app, ctx);
};
