import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Store } from '../store';
import type { IdentityKey } from '../store/port';

/** What identity keys need of the store. */
export type IdentityKeyStore = Pick<Store, 'identityKeys' | 'ensureIdentityKey' | 'rotateIdentityKey'>;

/** How long a retired key stays in the JWKS: assertions it signed are long expired by then. */
export const RETIRED_KEY_LISTED_MS = 86_400_000;
/** Lifetime of one assertion. */
export const ASSERTION_TTL_S = 60;
/** How long an instance signs with the active key it read before reading it again (a rotation elsewhere). */
const ACTIVE_KEY_TTL_MS = 30_000;
const ALG = 'ES256';

/** The claims of one assertion, all from the conversation context (never from the model). */
export interface IdentityClaims {
  tenantId: string;
  contactId?: string | undefined;
  email?: string | undefined;
  action: string;
  conversationId?: string | undefined;
  /** The API's origin: the assertion is valid for that API only. */
  audience: string;
}

/** A public key as the JWKS lists it. */
export type PublicJwk = JWK & { kid: string; alg: string; use: 'sig' };

/**
 * Per-tenant ES256 keys of identity assertions: generated on first use (racing instances agree
 * through the store), the private key sealed at rest, rotated by the admin with the previous
 * key listed for a day.
 */
export class IdentitySigner {
  private readonly active = new Map<string, { kid: string; key: CryptoKey | Uint8Array; loadedAt: number }>();

  constructor(
    private readonly store: IdentityKeyStore,
    private readonly opts: { now?: () => number; issuerBase?: string } = {},
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The issuer of a tenant's assertions (where its JWKS is), when the public URL is known. */
  issuer(tenantId: string): string | undefined {
    return this.opts.issuerBase ? `${this.opts.issuerBase.replace(/\/+$/, '')}/identity/${tenantId}` : undefined;
  }

  /** Signs one assertion (ES256, 60 s) for a verified customer. */
  async sign(c: IdentityClaims): Promise<string> {
    const { kid, key } = await this.activeKey(c.tenantId);
    const iat = Math.floor(this.now() / 1000);
    const jwt = new SignJWT({
      ...(c.email ? { email: c.email } : {}),
      verified: true,
      tenant: c.tenantId,
      action: c.action,
      ...(c.conversationId ? { conversation: c.conversationId } : {}),
    })
      .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
      .setAudience(c.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_TTL_S)
      .setJti(randomUUID());
    if (c.contactId) jwt.setSubject(c.contactId);
    const iss = this.issuer(c.tenantId);
    if (iss) jwt.setIssuer(iss);
    return jwt.sign(key);
  }

  /** The public keys to list: the active one (made now if there is none) and those retired less than a day ago. */
  async jwks(tenantId: string): Promise<{ keys: PublicJwk[] }> {
    await this.ensure(tenantId);
    const cutoff = this.now() - RETIRED_KEY_LISTED_MS;
    const keys = (await this.store.identityKeys(tenantId)).filter((k) => k.retiredAt === null || Date.parse(k.retiredAt) > cutoff);
    // Newest first: verifiers that try keys in order find the active one first.
    return { keys: keys.reverse().map((k) => ({ ...(k.publicJwk as JWK), kid: k.kid, alg: ALG, use: 'sig' as const })) };
  }

  /** Makes a new active key; the previous one stays listed for a day. */
  async rotate(tenantId: string, actor: string): Promise<{ kid: string }> {
    const candidate = await newKey(new Date(this.now()));
    await this.store.rotateIdentityKey(tenantId, candidate, new Date(this.now() - RETIRED_KEY_LISTED_MS), {
      actor,
      entity: 'identity_key',
      entityId: candidate.kid,
      op: 'update',
      changes: [{ path: 'kid', to: candidate.kid }],
    });
    this.active.delete(tenantId);
    return { kid: candidate.kid };
  }

  private async ensure(tenantId: string): Promise<IdentityKey> {
    return this.store.ensureIdentityKey(tenantId, await newKey(new Date(this.now())));
  }

  private async activeKey(tenantId: string): Promise<{ kid: string; key: CryptoKey | Uint8Array }> {
    const hit = this.active.get(tenantId);
    if (hit && this.now() - hit.loadedAt < ACTIVE_KEY_TTL_MS) return hit;
    const k = await this.ensure(tenantId);
    const entry = { kid: k.kid, key: await importJWK(k.privateJwk as JWK, ALG), loadedAt: this.now() };
    if (this.active.size >= 10_000) this.active.clear();
    this.active.set(tenantId, entry);
    return entry;
  }
}

/** A fresh ES256 key pair, its kid the RFC 7638 thumbprint of the public key. */
async function newKey(at: Date): Promise<IdentityKey> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, publicJwk: { ...publicJwk }, privateJwk: { ...privateJwk }, createdAt: at.toISOString(), retiredAt: null };
}
