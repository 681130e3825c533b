import type { Settings } from '../../../../shared/settings';
import type { Logger } from '../../logger';
import type { ChannelDeps } from '../deps';
import type { IntercomClient } from './client';
import type { IntercomJob } from './notification';

/** Client knobs (tests make waits short). */
export type HandlerDeps = ChannelDeps & { client?: { timeoutMs?: number; maxWaitMs?: number } };

/**
 * What every step of one Intercom turn works with: one stored notification of one tenant,
 * the settings it is answered with, the API client and the admin the AI posts as. The steps
 * (turn, clicks, hand-off, delivery) are separate files; this is what they share.
 */
export interface TurnScope {
  deps: HandlerDeps;
  tenantId: string;
  job: IntercomJob;
  log: Logger;
  settings: Settings;
  client: IntercomClient;
  /** The Intercom admin the AI posts as. */
  adminId: string;
}
