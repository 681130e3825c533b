import * as oauth from 'oauth4webapi';
import { AppError } from '../errors';
import type { NetErrorType, NetRequest, NetResult } from './send';

/** What a client-credentials token request needs (RFC 6749 section 4.4). */
export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string | undefined;
  audience?: string | undefined;
  /** client_secret_basic or client_secret_post. */
  clientAuth: 'basic' | 'body';
}

/** A token, or why there is none; never thrown. */
export type TokenResult =
  | { ok: true; accessToken: string; /** Seconds, as the server said; null when it did not. */ expiresIn: number | null }
  | { ok: false; error: { type: NetErrorType; message: string } };

/** Largest token answer read: a token response is a few hundred bytes. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

/** The outbound call the helper makes its requests with (the guarded pool). */
export type SendGuarded = (req: NetRequest) => Promise<NetResult>;

/** A failure of our stack (guard, timeout, cap) carried through oauth4webapi's fetch. */
class NetFailure extends AppError {
  constructor(readonly net: NonNullable<NetResult['error']>) {
    super('upstream_failed', net.message, 502);
  }
}

/**
 * Fetches an access token with the client credentials grant. oauth4webapi builds the request
 * and checks the answer; its fetch is ours, so the call passes the network guard, the
 * deadline and the size cap like every other outbound call.
 */
export async function fetchClientCredentialsToken(sendGuarded: SendGuarded, c: ClientCredentials, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<TokenResult> {
  let lastStatus: number | undefined;
  const customFetch = async (url: string, init: oauth.CustomFetchOptions<'POST', URLSearchParams>): Promise<Response> => {
    const u = new URL(url);
    const net = await sendGuarded({
      origin: u.origin,
      path: u.pathname + u.search,
      method: init.method,
      headers: init.headers,
      body: init.body === undefined || init.body === null ? null : String(init.body),
      timeoutMs: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      maxBytes: MAX_TOKEN_RESPONSE_BYTES,
    });
    lastStatus = net.status;
    if (net.status === undefined || net.body === undefined) throw new NetFailure(net.error ?? { type: 'network', message: 'no answer' });
    const headers = new Headers();
    for (const [k, v] of Object.entries(net.headers ?? {})) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
    }
    const empty = net.status === 204 || net.status === 304 || net.status < 200;
    return new Response(empty ? null : new Uint8Array(net.body), { status: net.status < 200 ? 502 : net.status, headers });
  };

  const as: oauth.AuthorizationServer = { issuer: new URL(c.tokenUrl).origin, token_endpoint: c.tokenUrl };
  const client: oauth.Client = { client_id: c.clientId };
  const auth = c.clientAuth === 'body' ? oauth.ClientSecretPost(c.clientSecret) : oauth.ClientSecretBasic(c.clientSecret);
  const params: Record<string, string> = {};
  if (c.scope) params.scope = c.scope;
  if (c.audience) params.audience = c.audience;
  const options = {
    [oauth.customFetch]: customFetch,
    // http is refused by the guard except to ALLOWED_PRIVATE_HOSTS; those may use it.
    [oauth.allowInsecureRequests]: as.token_endpoint!.startsWith('http:'),
  };
  try {
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth, params, options);
    const r = await oauth.processClientCredentialsResponse(as, client, response);
    if (r.token_type.toLowerCase() !== 'bearer') return fail('invalid_response', `the token endpoint gave a ${r.token_type} token: only bearer tokens are supported`);
    const expiresIn = typeof r.expires_in === 'number' && Number.isFinite(r.expires_in) && r.expires_in > 0 ? r.expires_in : null;
    return { ok: true, accessToken: r.access_token, expiresIn };
  } catch (err) {
    if (err instanceof NetFailure) return { ok: false, error: err.net };
    if (err instanceof oauth.ResponseBodyError) {
      const desc = err.error_description ? `: ${err.error_description}` : '';
      return fail(err.status >= 500 ? 'http_5xx' : 'http_4xx', `the token endpoint refused (${err.status} ${err.error}${desc})`.slice(0, 500));
    }
    const status = lastStatus;
    if (status !== undefined && status >= 400) return fail(status >= 500 ? 'http_5xx' : 'http_4xx', `the token endpoint answered ${status}`);
    return fail('invalid_response', `the token endpoint's answer is not a valid token response (${String((err as Error)?.message ?? err).slice(0, 300)})`);
  }
}

function fail(type: NetErrorType, message: string): TokenResult {
  return { ok: false, error: { type, message } };
}
