import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongoose';
import type { Connection, ConnectionSpec } from '../../../shared/connection';
import type { SecretBox } from './crypto';
import type { ConnectionDoc, IdentityKeyDoc, Models } from './mongo-models';
import { isDuplicateKey } from './mongo-util';
import type { ActionRef, CachedToken, IdentityKey } from './port';
import { CONNECTION_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';

/**
 * The MongoDB side of connections, the OAuth token cache and identity keys. The store wraps
 * the writes in its transactions with the audit entry and the config version.
 */
export class MongoConnections {
  constructor(
    private readonly m: Models,
    private readonly box: SecretBox,
  ) {}

  private fromDoc(d: ConnectionDoc): Connection {
    const spec = openSecrets(JSON.parse(d.doc) as ConnectionSpec, CONNECTION_SECRET_PATHS, this.box);
    return { id: d._id, ...spec, createdAt: d.createdAt, updatedAt: d.updatedAt };
  }

  async list(tenantId: string): Promise<Connection[]> {
    const docs = await this.m.Connection.find({ tenantId }).sort({ name: 1, _id: 1 }).lean();
    return docs.map((d) => this.fromDoc(d));
  }
  async get(tenantId: string, id: string, session?: ClientSession): Promise<Connection | null> {
    const d = await this.m.Connection.findOne({ _id: id, tenantId }, null, { session }).lean();
    return d ? this.fromDoc(d) : null;
  }
  async exists(tenantId: string, id: string, session: ClientSession | undefined): Promise<boolean> {
    return (await this.m.Connection.countDocuments({ _id: id, tenantId }, { session })) === 1;
  }
  async insert(tenantId: string, spec: ConnectionSpec, session: ClientSession | undefined): Promise<Connection> {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, this.box));
    await this.m.Connection.insertOne({ _id: id, tenantId, name: spec.name, doc, createdAt: now, updatedAt: now }, { session });
    return { id, ...spec, createdAt: now, updatedAt: now };
  }
  async update(tenantId: string, id: string, spec: ConnectionSpec, session: ClientSession | undefined): Promise<Connection | null> {
    const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, this.box));
    const d = await this.m.Connection.findOneAndUpdate(
      { _id: id, tenantId },
      { $set: { name: spec.name, doc, updatedAt: new Date().toISOString() } },
      { session, returnDocument: 'after' },
    ).lean();
    return d ? this.fromDoc(d) : null;
  }
  async delete(tenantId: string, id: string, session: ClientSession | undefined): Promise<boolean> {
    return (await this.m.Connection.deleteOne({ _id: id, tenantId }, { session })).deletedCount === 1;
  }
  async deleteById(id: string): Promise<void> {
    await this.m.Connection.deleteOne({ _id: id });
  }
  async usedBy(tenantId: string, id: string, session?: ClientSession): Promise<ActionRef[]> {
    const docs = await this.m.Action.find({ tenantId, connectionId: { $eq: id, $type: 'string' } }, { name: 1 }, { session })
      .sort({ name: 1 })
      .lean();
    return docs.map((d) => ({ id: d._id, name: d.name }));
  }

  // ---- OAuth tokens
  async getToken(key: string): Promise<CachedToken | null> {
    const d = await this.m.OAuthToken.findOne({ _id: key }).lean();
    if (!d) return null;
    const t = JSON.parse(d.doc) as CachedToken;
    return { ...t, accessToken: this.box.open(t.accessToken), check: this.box.open(t.check) };
  }
  async putToken(t: CachedToken): Promise<void> {
    const doc = JSON.stringify({ ...t, accessToken: this.box.seal(t.accessToken), check: this.box.seal(t.check) });
    await this.m.OAuthToken.updateOne({ _id: t.key }, { $set: { doc, refreshAt: new Date(t.refreshAt) } }, { upsert: true });
  }
  /** Sealing is randomised: the stored text is matched exactly as read, so a newer token is never deleted. */
  async deleteToken(key: string, accessToken: string): Promise<boolean> {
    const d = await this.m.OAuthToken.findOne({ _id: key }).lean();
    if (!d) return false;
    const t = JSON.parse(d.doc) as CachedToken;
    if (this.box.open(t.accessToken) !== accessToken) return false;
    return (await this.m.OAuthToken.deleteOne({ _id: key, doc: d.doc })).deletedCount === 1;
  }

  // ---- identity keys
  private key(d: IdentityKeyDoc): IdentityKey {
    return { kid: d.kid, publicJwk: JSON.parse(d.publicJwk), privateJwk: JSON.parse(this.box.open(d.privateJwk)), createdAt: d.createdAt, retiredAt: d.retiredAt };
  }
  private docOf(tenantId: string, k: IdentityKey): IdentityKeyDoc {
    return {
      _id: `${tenantId}:${k.kid}`,
      tenantId,
      kid: k.kid,
      publicJwk: JSON.stringify(k.publicJwk),
      privateJwk: this.box.seal(JSON.stringify(k.privateJwk)),
      createdAt: k.createdAt,
      retiredAt: null,
      active: true,
    };
  }
  async keys(tenantId: string, session?: ClientSession): Promise<IdentityKey[]> {
    const docs = await this.m.IdentityKey.find({ tenantId }, null, { session }).sort({ createdAt: 1, kid: 1 }).lean();
    return docs.map((d) => this.key(d));
  }
  /** The unique partial index on the active key decides a race: the loser reads the winner's. */
  async ensure(tenantId: string, candidate: IdentityKey): Promise<IdentityKey> {
    for (let i = 0; i < 3; i++) {
      const active = await this.m.IdentityKey.findOne({ tenantId, active: true }).lean();
      if (active) return this.key(active);
      try {
        await this.m.IdentityKey.insertOne(this.docOf(tenantId, candidate));
        return { ...candidate, retiredAt: null };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error('could not agree on an identity key');
  }
  async rotate(tenantId: string, candidate: IdentityKey, forgetBefore: Date, session: ClientSession | undefined): Promise<void> {
    // Retire first: the unique index allows one active key at a time.
    await this.m.IdentityKey.updateMany({ tenantId, active: true }, { $set: { active: false, retiredAt: candidate.createdAt } }, { session });
    await this.m.IdentityKey.insertOne(this.docOf(tenantId, candidate), { session });
    await this.m.IdentityKey.deleteMany({ tenantId, active: false, retiredAt: { $lt: forgetBefore.toISOString() } }, { session });
  }
}
