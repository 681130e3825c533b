// Placeholder: the intercom channel (webhook, API client, inbox handler) is built here.
import type { Mount } from '../../http/app';
import type { AppContext } from '../../http/context';
import type { InboxHandler } from '../../inbox/worker';

export const intercomMount: Mount = () => {};

export function intercomHandler(_ctx: AppContext): InboxHandler {
  return async () => {};
}
