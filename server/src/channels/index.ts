import type { InboxHandler } from '../inbox';
import type { ChannelDeps } from './deps';
import { intercomHandler } from './intercom';
import { zendeskHandler } from './zendesk';

export type { ChannelDeps } from './deps';
export { SettingsCache } from './settings-cache';

/** Inbox handlers by source. */
export function channelHandlers(deps: ChannelDeps): Partial<Record<'zendesk' | 'intercom', InboxHandler>> {
  return { zendesk: zendeskHandler(deps), intercom: intercomHandler(deps) };
}
