import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionSpec } from '../../../shared/connection';
import type { SecretBox } from './crypto';
import type { ActionRef, CachedToken, IdentityKey } from './port';
import { CONNECTION_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';
import type { Prepare, Row } from './sqlite-schema';

/**
 * The SQLite side of connections, the OAuth token cache and identity keys. Statements only:
 * the store wraps them in its transactions with the audit entry and the config version.
 */
export class SqliteConnections {
  constructor(
    private readonly q: Prepare,
    private readonly box: SecretBox,
  ) {}

  private fromRow(r: Row): Connection {
    const spec = openSecrets(JSON.parse(r.doc as string) as ConnectionSpec, CONNECTION_SECRET_PATHS, this.box);
    return { id: r.id as string, ...spec, createdAt: r.created_at as string, updatedAt: r.updated_at as string };
  }

  list(tenantId: string): Connection[] {
    return (this.q('SELECT * FROM connections WHERE tenant_id = ? ORDER BY name, id').all(tenantId) as Row[]).map((r) => this.fromRow(r));
  }
  get(tenantId: string, id: string): Connection | null {
    const r = this.q('SELECT * FROM connections WHERE tenant_id = ? AND id = ?').get(tenantId, id) as Row | undefined;
    return r ? this.fromRow(r) : null;
  }
  exists(tenantId: string, id: string): boolean {
    return this.q('SELECT 1 FROM connections WHERE tenant_id = ? AND id = ?').get(tenantId, id) !== undefined;
  }
  insert(tenantId: string, spec: ConnectionSpec): Connection {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, this.box));
    this.q('INSERT INTO connections (id, tenant_id, name, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, tenantId, spec.name, doc, now, now);
    return { id, ...spec, createdAt: now, updatedAt: now };
  }
  update(tenantId: string, id: string, spec: ConnectionSpec): Connection | null {
    const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, this.box));
    const r = this.q('UPDATE connections SET name = ?, doc = ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING *').get(spec.name, doc, new Date().toISOString(), tenantId, id) as
      | Row
      | undefined;
    return r ? this.fromRow(r) : null;
  }
  delete(tenantId: string, id: string): boolean {
    return this.q('DELETE FROM connections WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes === 1;
  }
  usedBy(tenantId: string, id: string): ActionRef[] {
    return this.q('SELECT id, name FROM actions WHERE tenant_id = ? AND connection_id = ? ORDER BY name').all(tenantId, id) as ActionRef[];
  }

  // ---- OAuth tokens
  getToken(key: string): CachedToken | null {
    const r = this.q('SELECT doc FROM oauth_tokens WHERE key = ?').get(key) as Row | undefined;
    if (!r) return null;
    const d = JSON.parse(r.doc as string) as CachedToken;
    return { ...d, accessToken: this.box.open(d.accessToken), check: this.box.open(d.check) };
  }
  putToken(t: CachedToken): void {
    const doc = JSON.stringify({ ...t, accessToken: this.box.seal(t.accessToken), check: this.box.seal(t.check) });
    this.q('INSERT INTO oauth_tokens (key, doc, refresh_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc, refresh_at = excluded.refresh_at').run(
      t.key,
      doc,
      t.refreshAt,
    );
  }
  /** Compares the opened token: sealing is randomised, so the stored text cannot be matched. */
  deleteToken(key: string, accessToken: string): boolean {
    const current = this.getToken(key);
    if (!current || current.accessToken !== accessToken) return false;
    return this.q('DELETE FROM oauth_tokens WHERE key = ?').run(key).changes === 1;
  }

  // ---- identity keys
  private key(r: Row): IdentityKey {
    return {
      kid: r.kid as string,
      publicJwk: JSON.parse(r.public_jwk as string),
      privateJwk: JSON.parse(this.box.open(r.private_jwk as string)),
      createdAt: r.created_at as string,
      retiredAt: (r.retired_at as string | null) ?? null,
    };
  }
  keys(tenantId: string): IdentityKey[] {
    return (this.q('SELECT * FROM identity_keys WHERE tenant_id = ? ORDER BY created_at, kid').all(tenantId) as Row[]).map((r) => this.key(r));
  }
  active(tenantId: string): IdentityKey | null {
    const r = this.q('SELECT * FROM identity_keys WHERE tenant_id = ? AND retired_at IS NULL').get(tenantId) as Row | undefined;
    return r ? this.key(r) : null;
  }
  insertKey(tenantId: string, k: IdentityKey): void {
    this.q('INSERT INTO identity_keys (tenant_id, kid, public_jwk, private_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      tenantId,
      k.kid,
      JSON.stringify(k.publicJwk),
      this.box.seal(JSON.stringify(k.privateJwk)),
      k.createdAt,
      k.retiredAt,
    );
  }
  retireActive(tenantId: string, at: string): void {
    this.q('UPDATE identity_keys SET retired_at = ? WHERE tenant_id = ? AND retired_at IS NULL').run(at, tenantId);
  }
  forgetRetired(tenantId: string, before: string): void {
    this.q('DELETE FROM identity_keys WHERE tenant_id = ? AND retired_at IS NOT NULL AND retired_at < ?').run(tenantId, before);
  }
}
