import { DEFAULT_TIMEOUT_MS, type KeyValue } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import type { Endpoint } from './types';

/** Resolved endpoints by action object, while the connection object is the same one. */
const cache = new WeakMap<object, { connection: Connection; resolved: Endpoint }>();

/**
 * The full endpoint of an action: unchanged without a connection; with one, the base URL +
 * the action's path, the connection's auth, its headers under the action's (an action header
 * of the same name wins), and its timeout unless the action set one other than the default.
 * Null when the action names a connection and `connection` is not that one (deleted, or
 * another tenant's). Cached per (action, connection) object pair, so the executor's compiled
 * templates are reused across calls.
 */
export function resolveEndpoint<E extends Endpoint>(action: E, connection: Connection | null): Endpoint | null {
  if (!action.connectionId) return action;
  if (!connection || connection.id !== action.connectionId) return null;
  const hit = cache.get(action);
  if (hit && hit.connection === connection) return hit.resolved;
  const { connectionId, ...rest } = action;
  const resolved: Endpoint = {
    ...rest,
    url: connection.baseUrl.replace(/\/+$/, '') + action.url.trim(),
    auth: connection.auth,
    headers: mergeHeaders(connection.headers, action.headers),
    timeoutMs: action.timeoutMs !== DEFAULT_TIMEOUT_MS ? action.timeoutMs : connection.timeoutMs,
    resolvedFrom: connectionId,
  };
  cache.set(action, { connection, resolved });
  return resolved;
}

/** The connection's headers, then the action's; a name set by both keeps the action's value. */
function mergeHeaders(base: readonly KeyValue[], own: readonly KeyValue[]): KeyValue[] {
  if (base.length === 0) return own as KeyValue[];
  const mine = new Set(own.map((h) => h.key.toLowerCase()));
  return [...base.filter((h) => !mine.has(h.key.toLowerCase())), ...own];
}

/**
 * The audience an action really has: an identity assertion can only be made for a verified
 * customer, so actions using `identity_jwt` (their own or their connection's) are for verified
 * customers whatever they say.
 */
export function effectiveAudience(action: Pick<Endpoint, 'auth'> & { audience: 'everyone' | 'verified' }, connection: Connection | null): 'everyone' | 'verified' {
  if (action.auth.type === 'identity_jwt' || connection?.auth.type === 'identity_jwt') return 'verified';
  return action.audience;
}
