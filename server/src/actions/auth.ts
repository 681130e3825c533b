import type { Auth, KeyValue } from '../../../shared/action';
import { isCredentialName } from '../../../shared/secrets';
import { isPlainObject, setOwn } from '../../../shared/safe-object';

/**
 * Adds the credential to a rendered request. Runs after templating, so a secret is never
 * template-expanded (a `{{x}}` inside a token stays literal). Returns the body to send.
 * Throws TypeError when body auth meets a body that is not a JSON object (the schema
 * refuses that on save).
 */
export function applyAuth(auth: Auth, headers: Map<string, [string, string]>, body: unknown): unknown {
  switch (auth.type) {
    case 'none':
      return body;
    case 'bearer':
      headers.set('authorization', ['Authorization', `Bearer ${auth.token}`]);
      return body;
    case 'basic':
      headers.set('authorization', ['Authorization', `Basic ${basicCredentials(auth.username, auth.password)}`]);
      return body;
    case 'header':
      headers.set(auth.name.toLowerCase(), [auth.name, auth.value]);
      return body;
    case 'query':
      // Added to the URL by `withQueryAuth`: neither headers nor body carry it.
      return body;
    case 'body': {
      if (body !== undefined && !isPlainObject(body)) throw new TypeError('body authentication needs a JSON object body');
      // A copy: a literal body tree may be shared with the compiled template.
      const out: Record<string, unknown> = {};
      if (body) for (const k of Object.keys(body)) setOwn(out, k, body[k]);
      setOwn(out, auth.name, auth.value);
      return out;
    }
    case 'oauth2_client_credentials':
    case 'identity_jwt':
      // Obtained per call (actions/credentials.ts) and sent as a bearer token: the executor
      // replaces this auth before it gets here.
      throw new TypeError(`${auth.type} authentication was not resolved to a token`);
  }
}

/** Auth types whose credential is obtained at call time (a token endpoint, a signature). */
export type DynamicAuth = Extract<Auth, { type: 'oauth2_client_credentials' | 'identity_jwt' }>;

export function isDynamicAuth(auth: Auth): auth is DynamicAuth {
  return auth.type === 'oauth2_client_credentials' || auth.type === 'identity_jwt';
}

/** base64 of `user:password`, as RFC 7617 wants (UTF-8). */
export function basicCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/**
 * Every string the auth makes secret: the token, password or value, and derived forms that
 * travel on the wire (the base64 Basic credentials). Echoes, logs and API answers have them masked.
 */
export function authSecrets(auth: Auth): string[] {
  switch (auth.type) {
    case 'none':
      return [];
    case 'bearer':
      return [auth.token];
    case 'basic':
      return [auth.password, basicCredentials(auth.username, auth.password)];
    case 'header':
    case 'query':
    case 'body':
      return [auth.value];
    case 'oauth2_client_credentials':
      // Never sent to the API, but an API (or a token endpoint's error) may echo it.
      return [auth.clientSecret];
    case 'identity_jwt':
      return [];
  }
}

/** The path with a query-auth credential appended (percent-encoded); other auth types leave it. */
export function withQueryAuth(auth: Auth, path: string): string {
  if (auth.type !== 'query') return path;
  const pair = `${encodeURIComponent(auth.name)}=${encodeURIComponent(auth.value)}`;
  return path + (path.includes('?') ? '&' : '?') + pair;
}

/** Whether two auth settings are the same credential (compared field by field, no allocation). */
export function sameAuth(a: Auth, b: Auth): boolean {
  if (a === b) return true;
  switch (a.type) {
    case 'none':
      return b.type === 'none';
    case 'bearer':
      return b.type === 'bearer' && a.token === b.token;
    case 'basic':
      return b.type === 'basic' && a.username === b.username && a.password === b.password;
    case 'header':
    case 'query':
    case 'body':
      return b.type === a.type && a.name === b.name && a.value === b.value;
    case 'oauth2_client_credentials':
      return (
        b.type === a.type &&
        a.tokenUrl === b.tokenUrl &&
        a.clientId === b.clientId &&
        a.clientSecret === b.clientSecret &&
        a.scope === b.scope &&
        a.audience === b.audience &&
        a.clientAuth === b.clientAuth
      );
    case 'identity_jwt':
      return b.type === a.type;
  }
}

/**
 * Every secret an endpoint sends: its auth's, and the values of headers and query
 * parameters whose names look like credentials (an `X-Api-Key` header is a secret too).
 */
export function endpointSecrets(e: { auth: Auth; headers: readonly KeyValue[]; query: readonly KeyValue[] }): string[] {
  const out = authSecrets(e.auth);
  for (const kv of e.headers) if (kv.value && isCredentialName(kv.key)) out.push(kv.value);
  for (const kv of e.query) if (kv.value && isCredentialName(kv.key)) out.push(kv.value);
  return out;
}
