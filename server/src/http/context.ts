import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Store, Tenant } from '../store';
import type { ActionExecutor } from '../actions';
import type { Agent } from '../agent';

/** What the routes need; built once per server instance. */
export interface AppContext {
  config: Config;
  store: Store;
  log: Logger;
  metrics: Metrics;
  executor: ActionExecutor;
  agent: Agent;
  /** Wakes the inbox workers after a webhook stored a delivery. */
  wakeWorkers(): void;
}

declare module 'express-serve-static-core' {
  interface Request {
    tenant?: Tenant;
    /** Who made a config change, for the audit log. */
    actor?: string;
  }
}
