import type { AppContext } from '../http/context';
import type { Mount } from '../http/app';
import type { InboxHandler } from '../inbox/worker';
import { intercomHandler, intercomMount } from './intercom';
import { zendeskHandler, zendeskMount } from './zendesk';

/** Webhook and sidebar routes of the helpdesk channels (mounted before the JSON API: they read raw bodies). */
export function channelMounts(): Mount[] {
  return [zendeskMount, intercomMount];
}

/** Inbox handlers by source. */
export function channelHandlers(ctx: AppContext): Partial<Record<'zendesk' | 'intercom', InboxHandler>> {
  return { zendesk: zendeskHandler(ctx), intercom: intercomHandler(ctx) };
}
