import type { Auth } from '../../../shared/action';
import { maskSecret } from '../../../shared/secrets';
import { applyAuth, isDynamicAuth, sameAuth, withQueryAuth } from './auth';
import type { Redactor } from '../secrets';
import { setOwn } from '../../../shared/safe-object';
import type { CompiledEndpoint, RenderedRequest } from './template';
import type { Endpoint, RequestEcho } from './types';

const DEFAULT_ACCEPT = 'application/json, text/plain;q=0.9, */*;q=0.8';
const USER_AGENT = 'helpdesk-actions/0.1';
/** Headers undici or the connection own: an admin's value would break framing or routing. */
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection']);

/** A request ready to send: what goes on the wire and its masked echo. */
export interface Prepared {
  origin: string;
  path: string;
  /** Scheme and host as a parsed URL, for the network guard. */
  guardUrl: URL;
  /** Name, value, name, value... as undici takes them. */
  headers: string[];
  body: string | null;
  echo: RequestEcho;
}

/** Headers of an endpoint whose header values have no placeholders: built once, reused. */
interface StaticHeaders {
  auth: Auth;
  hasBody: boolean;
  flat: string[];
  echo: Record<string, string>;
}
const staticHeaders = new WeakMap<CompiledEndpoint, StaticHeaders>();

/** Renders the wire request and its masked echo. Throws TypeError for an unusable URL or body. */
export function prepare(endpoint: Endpoint, compiled: CompiledEndpoint, rendered: RenderedRequest, redactor: Redactor, auth: Auth = endpoint.auth): Prepared {
  // Body auth changes the body only; other auth types change the headers only.
  const body = auth.type === 'body' ? applyAuth(auth, rendered.headers, rendered.body) : rendered.body;
  const bodyText = body === undefined ? null : JSON.stringify(body);
  let flat: string[];
  let echoHeaders: Record<string, string>;
  const cached = compiled.staticHeaders ? staticHeaders.get(compiled) : undefined;
  if (cached && cached.hasBody === (bodyText !== null) && sameAuth(auth, cached.auth)) {
    flat = cached.flat;
    echoHeaders = { ...cached.echo };
  } else {
    const headers = rendered.headers;
    for (const name of headers.keys()) if (FORBIDDEN_HEADERS.has(name)) headers.delete(name);
    if (auth.type !== 'body') applyAuth(auth, headers, undefined);
    if (bodyText !== null && !headers.has('content-type')) headers.set('content-type', ['Content-Type', 'application/json']);
    if (!headers.has('accept')) headers.set('accept', ['Accept', DEFAULT_ACCEPT]);
    if (!headers.has('user-agent')) headers.set('user-agent', ['User-Agent', USER_AGENT]);
    flat = [];
    for (const [name, value] of headers.values()) flat.push(name, value);
    echoHeaders = redactor.headers(headers.values());
    if (compiled.staticHeaders) staticHeaders.set(compiled, { auth: { ...auth }, hasBody: bodyText !== null, flat, echo: { ...echoHeaders } });
  }
  const path = withQueryAuth(auth, rendered.path);
  return {
    origin: rendered.origin,
    path,
    guardUrl: rendered.guardUrl,
    headers: flat,
    body: bodyText,
    echo: {
      method: endpoint.method,
      url: redactor.text(rendered.origin + path),
      headers: echoHeaders,
      body: bodyText === null ? null : redactor.text(echoBody(auth, body, bodyText)),
    },
  };
}

/** The body as echoed: a body-auth field shows its mask even when the secret is too short to scrub by text. */
function echoBody(auth: Auth, body: unknown, bodyText: string): string {
  if (auth.type !== 'body') return bodyText;
  const copy: Record<string, unknown> = {};
  const source = body as Record<string, unknown>;
  for (const k of Object.keys(source)) setOwn(copy, k, source[k]);
  setOwn(copy, auth.name, maskSecret(auth.value));
  return JSON.stringify(copy);
}

/** The echo of a call that was never made: templates as written, credentials masked. */
export function templateEcho(endpoint: Endpoint, redactor: Redactor): RequestEcho {
  const headers = new Map<string, [string, string]>();
  for (const h of endpoint.headers) headers.set(h.key.toLowerCase(), [h.key, h.value]);
  // A token obtained at call time is not known here: the echo shows the request without it.
  if (endpoint.auth.type !== 'body' && !isDynamicAuth(endpoint.auth)) applyAuth(endpoint.auth, headers, undefined);
  return {
    method: endpoint.method,
    url: redactor.text(endpoint.url),
    headers: redactor.headers(headers.values()),
    body: endpoint.body === null ? null : redactor.text(endpoint.body),
  };
}
