import type { Connection } from '../../../../shared/connection';
import type { Auth, KeyValue } from '../api/types';
import { isMasked } from '../api/secrets';

export type { Connection };

/** The auth types a connection can use (body auth is per action: the server refuses it here). */
export type ConnAuthType = 'none' | 'bearer' | 'basic' | 'header' | 'query' | 'oauth2_client_credentials' | 'identity_jwt';

export const CONN_AUTH_TYPES: { value: ConnAuthType; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'basic', label: 'Basic (user name and password)' },
  { value: 'header', label: 'API key in a header' },
  { value: 'query', label: 'API key in a query parameter' },
  { value: 'oauth2_client_credentials', label: 'OAuth2 client credentials' },
  { value: 'identity_jwt', label: 'Identity assertion (signed JWT per verified customer)' },
];

/** Words for an auth type, for lists and notes. */
export function authLabel(type: string): string {
  return CONN_AUTH_TYPES.find((t) => t.value === type)?.label ?? type;
}

/** A connection's auth as edited: the typed secret apart from the stored one's mask. */
export interface ConnAuthDraft {
  type: ConnAuthType;
  username: string;
  /** Header or query parameter name. */
  name: string;
  /** What the admin typed; empty keeps the stored secret (same type, same origin). */
  secret: string;
  tokenUrl: string;
  clientId: string;
  scope: string;
  audience: string;
  clientAuth: 'basic' | 'body';
  storedType: ConnAuthType;
  storedMask: string | null;
}

/** The API path of an auth type's secret: where the server's errors about it land. */
export function connSecretPath(type: ConnAuthType): string | null {
  switch (type) {
    case 'bearer':
      return 'auth.token';
    case 'basic':
      return 'auth.password';
    case 'header':
    case 'query':
      return 'auth.value';
    case 'oauth2_client_credentials':
      return 'auth.clientSecret';
    default:
      return null;
  }
}

/** The draft of a stored auth (or a proposed one with empty secrets, from an import preview). */
export function connAuthDraftFrom(a: Partial<Auth> & { type: string }): ConnAuthDraft {
  const r = a as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
  const type = (CONN_AUTH_TYPES.some((t) => t.value === a.type) ? a.type : 'none') as ConnAuthType;
  const path = connSecretPath(type);
  const secret = path ? str(path.slice('auth.'.length)) : '';
  return {
    type,
    username: str('username'),
    name: str('name'),
    secret: '',
    tokenUrl: str('tokenUrl'),
    clientId: str('clientId'),
    scope: str('scope'),
    audience: str('audience'),
    clientAuth: r.clientAuth === 'body' ? 'body' : 'basic',
    storedType: type,
    // A proposal's empty secret is not a stored one.
    storedMask: isMasked(secret) ? secret : null,
  };
}

/** The mask to show for the current type: only a secret stored for the same type can be kept. */
export function connStoredFor(d: ConnAuthDraft): string | null {
  return d.type === d.storedType ? d.storedMask : null;
}

/** The auth as the API takes it; an untouched secret goes back masked so the server keeps it. */
export function connAuthPayload(d: ConnAuthDraft): Record<string, unknown> {
  const secret = d.secret !== '' ? d.secret : (connStoredFor(d) ?? '');
  switch (d.type) {
    case 'none':
    case 'identity_jwt':
      return { type: d.type };
    case 'bearer':
      return { type: 'bearer', token: secret };
    case 'basic':
      return { type: 'basic', username: d.username, password: secret };
    case 'header':
    case 'query':
      return { type: d.type, name: d.name, value: secret };
    case 'oauth2_client_credentials':
      return {
        type: d.type,
        tokenUrl: d.tokenUrl.trim(),
        clientId: d.clientId.trim(),
        clientSecret: secret,
        ...(d.scope.trim() ? { scope: d.scope.trim() } : {}),
        ...(d.audience.trim() ? { audience: d.audience.trim() } : {}),
        clientAuth: d.clientAuth,
      };
  }
}

/** A connection as edited; the timeout stays text until sent so the API can name bad input. */
export interface ConnectionDraft {
  name: string;
  baseUrl: string;
  auth: ConnAuthDraft;
  headers: KeyValue[];
  timeoutMs: string;
}

export function emptyConnectionDraft(): ConnectionDraft {
  return { name: '', baseUrl: '', auth: connAuthDraftFrom({ type: 'none' }), headers: [], timeoutMs: '10000' };
}

export function connectionDraftFrom(c: Connection): ConnectionDraft {
  return { name: c.name, baseUrl: c.baseUrl, auth: connAuthDraftFrom(c.auth), headers: c.headers.map((h) => ({ ...h })), timeoutMs: String(c.timeoutMs) };
}

export function connectionPayload(d: ConnectionDraft): Record<string, unknown> {
  const t = d.timeoutMs.trim();
  return {
    name: d.name.trim(),
    baseUrl: d.baseUrl.trim(),
    auth: connAuthPayload(d.auth),
    headers: d.headers,
    timeoutMs: /^\d+$/.test(t) ? Number(t) : t,
  };
}

const PRIVATE_HOST = /^(localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\]|[^.]+|.+\.(local|internal|lan))$/i;

/**
 * Why a base URL cannot be saved, checked in the page before the server sees it: https, or
 * plain http only to a private host (the server then checks its ALLOWED_PRIVATE_HOSTS).
 */
export function baseUrlProblem(url: string): string | null {
  const u0 = url.trim();
  if (u0 === '') return 'enter the base URL, e.g. https://api.example.com/v2';
  if (u0.includes('{{')) return 'the base URL cannot contain {{placeholders}}: the host must be fixed';
  let u: URL;
  try {
    u = new URL(u0);
  } catch {
    return 'not a valid URL: write it with its scheme, e.g. https://api.example.com';
  }
  if (u.protocol === 'http:' && !PRIVATE_HOST.test(u.hostname)) return 'use https: plain http is only for private hosts this server allows';
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'the base URL must use https';
  if (u.username || u.password) return 'put credentials in Authentication, not in the URL';
  if (u.search || u.hash || /[?#]/.test(u0)) return 'the base URL cannot have a query or fragment';
  return null;
}
