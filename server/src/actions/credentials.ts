import { createHash } from 'node:crypto';
import type { ActionContext, Auth } from '../../../shared/action';
import { fetchClientCredentialsToken, type NetErrorType, type Outbound } from '../net';
import type { Store } from '../store';
import type { CachedToken } from '../store/port';
import type { DynamicAuth } from './auth';
import { IdentitySigner } from './identity';

type OAuth2 = Extract<Auth, { type: 'oauth2_client_credentials' }>;

/** What the credentials need of the store: the shared token cache and the identity keys. */
export type CredentialStore = Pick<Store, 'getCachedToken' | 'putCachedToken' | 'deleteCachedToken' | 'identityKeys' | 'ensureIdentityKey' | 'rotateIdentityKey'>;

export interface CredentialsOptions {
  store: CredentialStore;
  outbound: Outbound;
  /** The clock (tests move it to expire tokens). */
  now?: () => number;
  /** PUBLIC_URL: identity assertions name their JWKS location as issuer. */
  publicUrl?: string;
}

/** Who and what a credential is for: from the conversation context and the endpoint, never the model. */
export interface CallScope {
  context: ActionContext;
  /** The connection (OAuth token cache owner), or none for an action with its own auth. */
  owner: string | undefined;
  /** Origin of the API the call goes to (an identity assertion's audience). */
  origin: string;
  action: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** A credential ready to send as a bearer token, or why there is none. */
export type Materialized =
  | { ok: true; token: string }
  | { ok: false; error: { type: NetErrorType | 'not_allowed'; message: string } };

/** Answers with no expires_in are trusted this long (a 401 refreshes them sooner). */
const DEFAULT_TOKEN_LIFETIME_S = 3600;
/** A token is replaced this long before the server's expiry. */
const REFRESH_MARGIN_S = 60;
/** Longest wait for a token answer, within the call's own timeout. */
const MAX_TOKEN_TIMEOUT_MS = 10_000;
const MAX_MEMORY_TOKENS = 1000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * Credentials obtained at call time. OAuth2 client credentials: one token per connection and
 * settings, shared by every instance through the store (sealed there), kept in memory until
 * 60 s before it expires, fetched once however many calls wait for it, replaced after a 401.
 * Identity assertions: signed per call by {@link IdentitySigner}, for verified customers only.
 */
export class Credentials {
  readonly identity: IdentitySigner;
  private readonly memory = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<Materialized>>();

  constructor(private readonly opts: CredentialsOptions) {
    this.identity = new IdentitySigner(opts.store, { ...(opts.now ? { now: opts.now } : {}), ...(opts.publicUrl ? { issuerBase: opts.publicUrl } : {}) });
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The bearer token for this call; `failed` is a token the API just refused (401): never handed out again. */
  async materialize(auth: DynamicAuth, scope: CallScope, failed?: string): Promise<Materialized> {
    if (auth.type === 'identity_jwt') return this.assertion(scope);
    return this.oauthToken(auth, scope, failed);
  }

  private async assertion(scope: CallScope): Promise<Materialized> {
    const c = scope.context;
    if (c.verified !== true) return refuse('identity assertions are made for identity-verified customers only: this customer is not verified');
    if (!c.tenant_id) return refuse('identity assertions need the tenant of the call');
    if (!c.contact?.id && !c.contact?.email) return refuse('identity assertions need the customer id or email from the helpdesk');
    const token = await this.identity.sign({
      tenantId: c.tenant_id,
      contactId: c.contact.id,
      email: c.contact.email,
      action: scope.action,
      conversationId: c.conversation_id,
      audience: scope.origin,
    });
    return { ok: true, token };
  }

  private keyOf(auth: OAuth2, scope: CallScope): { key: string; check: string } {
    const settings = JSON.stringify([auth.tokenUrl, auth.clientId, auth.scope ?? '', auth.audience ?? '', auth.clientAuth]);
    return {
      key: `${scope.context.tenant_id ?? '-'}:${scope.owner ?? 'inline'}:${sha256(settings)}`,
      // Stored sealed beside the token: a changed secret makes the cached token a miss.
      check: sha256(`${settings}\u0000${auth.clientSecret}`),
    };
  }

  private usable(t: CachedToken | null | undefined, check: string, failed: string | undefined): t is CachedToken {
    return !!t && t.check === check && this.now() < t.refreshAt && t.accessToken !== failed;
  }

  private async oauthToken(auth: OAuth2, scope: CallScope, failed: string | undefined): Promise<Materialized> {
    const { key, check } = this.keyOf(auth, scope);
    const mem = this.memory.get(key);
    if (this.usable(mem, check, failed)) return { ok: true, token: mem.accessToken };
    // Calls waiting for the same token share one request.
    const flight = `${key}\u0000${check}\u0000${failed ?? ''}`;
    let p = this.inflight.get(flight);
    if (!p) {
      p = this.obtain(auth, scope, key, check, failed).finally(() => this.inflight.delete(flight));
      this.inflight.set(flight, p);
    }
    return p;
  }

  private async obtain(auth: OAuth2, scope: CallScope, key: string, check: string, failed: string | undefined): Promise<Materialized> {
    // Another instance may hold a good token already (or have replaced the one that failed).
    const stored = await this.opts.store.getCachedToken(key).catch(() => null);
    if (this.usable(stored, check, failed)) {
      this.remember(stored);
      return { ok: true, token: stored.accessToken };
    }
    if (failed) await this.opts.store.deleteCachedToken(key, failed).catch(() => false);
    const r = await fetchClientCredentialsToken((req) => this.opts.outbound.send('guarded', req), auth, {
      timeoutMs: Math.min(scope.timeoutMs, MAX_TOKEN_TIMEOUT_MS),
      ...(scope.signal ? { signal: scope.signal } : {}),
    });
    if (!r.ok) return { ok: false, error: { type: r.error.type, message: `OAuth token: ${r.error.message}` } };
    const lifetime = r.expiresIn ?? DEFAULT_TOKEN_LIFETIME_S;
    // Short-lived tokens are used for half their life rather than not at all.
    const usableFor = lifetime > 2 * REFRESH_MARGIN_S ? lifetime - REFRESH_MARGIN_S : lifetime / 2;
    const t: CachedToken = { key, accessToken: r.accessToken, check, refreshAt: this.now() + usableFor * 1000 };
    this.remember(t);
    // The cache is shared best-effort: a store hiccup must not fail a call that has its token.
    await this.opts.store.putCachedToken(t).catch(() => undefined);
    return { ok: true, token: r.accessToken };
  }

  private remember(t: CachedToken): void {
    if (this.memory.size >= MAX_MEMORY_TOKENS && !this.memory.has(t.key)) this.memory.delete(this.memory.keys().next().value!);
    this.memory.set(t.key, t);
  }
}

function refuse(message: string): Materialized {
  return { ok: false, error: { type: 'not_allowed', message } };
}
