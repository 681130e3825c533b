import type { ActionExecutor, Credentials } from '../actions';
import type { ChannelDeps } from '../channels';
import { UnauthorizedError } from '../errors';
import type { Tenant } from '../store';
import type { Request } from 'express';

/** What the routes need; the composition root (app/) builds it once per server instance. */
export interface AppContext extends ChannelDeps {
  executor: ActionExecutor;
  /** OAuth2 tokens and identity assertions (the JWKS and key rotation routes use its signer). */
  credentials: Credentials;
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

/** The tenant the auth middleware put on the request; a route without that middleware is a programmer error. */
export function tenantOf(req: Request): Tenant {
  if (!req.tenant) throw new UnauthorizedError();
  return req.tenant;
}

/** Who made a change, for the audit log (set by the auth middleware). */
export function actorOf(req: Request): string {
  return req.actor ?? 'unknown';
}
