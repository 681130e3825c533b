import type { Agent } from '../agent';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Outbound } from '../net';
import type { Store } from '../store';

/** What the helpdesk channel services need; the composition root (app/) provides it. */
export interface ChannelDeps {
  config: Config;
  store: Store;
  log: Logger;
  metrics: Metrics;
  agent: Agent;
  /** The outbound stack: helpdesk API calls go through its guarded pool. */
  outbound: Outbound;
}
