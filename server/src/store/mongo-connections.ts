import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongoose';
import type { Action, ActionSpec } from '../../../shared/action';
import type { Connection, ConnectionSpec } from '../../../shared/connection';
import { ConflictError } from '../errors';
import { insertAction } from './mongo-actions';
import type { MongoCtx } from './mongo-context';
import type { ConnectionDoc, IdentityKeyDoc } from './mongo-docs';
import { isDuplicateKey } from './mongo-util';
import type { ActionRef, CachedToken, ConnectionsPort, DeleteConnectionResult, IdentityKey } from './port';
import { CONNECTION_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';

/**
 * Connections, the OAuth token cache and identity keys on MongoDB. Configuration writes carry
 * their audit entry and the config version in the same write (a transaction where there are some).
 */
export function mongoConnections(ctx: MongoCtx): ConnectionsPort {
  const { m, box } = ctx;
  const fromDoc = (d: ConnectionDoc): Connection => {
    const spec = openSecrets(JSON.parse(d.doc) as ConnectionSpec, CONNECTION_SECRET_PATHS, box);
    return { id: d._id, ...spec, createdAt: d.createdAt, updatedAt: d.updatedAt };
  };
  const insert = async (tenantId: string, spec: ConnectionSpec, session: ClientSession | undefined): Promise<Connection> => {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, box));
    await m.Connection.insertOne({ _id: id, tenantId, name: spec.name, doc, createdAt: now, updatedAt: now }, { session });
    return { id, ...spec, createdAt: now, updatedAt: now };
  };
  const usedBy = async (tenantId: string, id: string, session?: ClientSession): Promise<ActionRef[]> => {
    const docs = await m.Action.find({ tenantId, connectionId: { $eq: id, $type: 'string' } }, { name: 1 }, { session })
      .sort({ name: 1 })
      .lean();
    return docs.map((d) => ({ id: d._id, name: d.name }));
  };
  const key = (d: IdentityKeyDoc): IdentityKey => ({
    kid: d.kid,
    publicJwk: JSON.parse(d.publicJwk),
    privateJwk: JSON.parse(box.open(d.privateJwk)),
    createdAt: d.createdAt,
    retiredAt: d.retiredAt,
  });
  const docOf = (tenantId: string, k: IdentityKey): IdentityKeyDoc => ({
    _id: `${tenantId}:${k.kid}`,
    tenantId,
    kid: k.kid,
    publicJwk: JSON.stringify(k.publicJwk),
    privateJwk: box.seal(JSON.stringify(k.privateJwk)),
    createdAt: k.createdAt,
    retiredAt: null,
    active: true,
  });
  const keys = async (tenantId: string, session?: ClientSession): Promise<IdentityKey[]> =>
    (await m.IdentityKey.find({ tenantId }, null, { session }).sort({ createdAt: 1, kid: 1 }).lean()).map(key);

  return {
    async listConnections(tenantId) {
      return (await m.Connection.find({ tenantId }).sort({ name: 1, _id: 1 }).lean()).map(fromDoc);
    },
    async getConnection(tenantId, id) {
      const d = await m.Connection.findOne({ _id: id, tenantId }).lean();
      return d ? fromDoc(d) : null;
    },
    async createConnection(tenantId, spec, audit) {
      return ctx.write(async (session) => {
        const c = await insert(tenantId, spec, session);
        await ctx.audit(tenantId, { ...audit, entityId: c.id }, session);
        await ctx.bumpConfig(tenantId, session);
        return c;
      });
    },
    async replaceConnection(tenantId, id, spec, audit) {
      const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, box));
      return ctx.write(async (session) => {
        const d = await m.Connection.findOneAndUpdate(
          { _id: id, tenantId },
          { $set: { name: spec.name, doc, updatedAt: new Date().toISOString() } },
          { session, returnDocument: 'after' },
        ).lean();
        if (!d) return null;
        await ctx.audit(tenantId, audit, session);
        await ctx.bumpConfig(tenantId, session);
        return fromDoc(d);
      });
    },
    async deleteConnection(tenantId, id, audit) {
      return ctx.write(async (session): Promise<DeleteConnectionResult> => {
        const users = await usedBy(tenantId, id, session);
        if (users.length > 0) return { deleted: false, usedBy: users };
        if ((await m.Connection.deleteOne({ _id: id, tenantId }, { session })).deletedCount !== 1) return { deleted: false, usedBy: [] };
        await ctx.audit(tenantId, audit, session);
        await ctx.bumpConfig(tenantId, session);
        return { deleted: true };
      });
    },
    async actionsOnConnection(tenantId, connectionId) {
      return usedBy(tenantId, connectionId);
    },
    /**
     * One transaction where the deployment has them. A standalone server has none: names are
     * checked first, and a failure part-way deletes what was written (all or nothing, short of a crash).
     */
    async createConnectionWithActions(tenantId, spec, actions, audit) {
      if (!ctx.transactions) {
        const taken = await m.Action.find({ tenantId, name: { $in: actions.map((a) => a.name) } }, { name: 1 }).lean();
        if (taken.length > 0) throw new ConflictError(`an action named ${taken[0]!.name} already exists`);
      }
      const written: { connection?: string; actions: string[] } = { actions: [] };
      try {
        return await ctx.write(async (session) => {
          const connection = await insert(tenantId, spec, session);
          written.connection = connection.id;
          await ctx.audit(tenantId, { actor: audit.actor, entity: 'connection', entityId: connection.id, op: 'create', changes: audit.connection }, session);
          const created: Action[] = [];
          for (const [i, a] of actions.entries()) {
            const withConnection: ActionSpec = { ...a, connectionId: connection.id };
            const action = await insertAction(ctx, tenantId, withConnection, { actor: audit.actor, entity: 'action', entityId: null, op: 'create', changes: audit.actions[i] ?? [] }, session);
            written.actions.push(action.id);
            created.push(action);
          }
          await ctx.bumpConfig(tenantId, session);
          return { connection, actions: created };
        });
      } catch (err) {
        if (!ctx.transactions) {
          if (written.actions.length) {
            await m.Action.deleteMany({ _id: { $in: written.actions }, tenantId });
            await m.ActionVersion.deleteMany({ actionId: { $in: written.actions }, tenantId });
          }
          if (written.connection) await m.Connection.deleteOne({ _id: written.connection });
        }
        throw err;
      }
    },

    // ---- OAuth token cache
    async getCachedToken(k) {
      const d = await m.OAuthToken.findOne({ _id: k }).lean();
      if (!d) return null;
      const t = JSON.parse(d.doc) as CachedToken;
      return { ...t, accessToken: box.open(t.accessToken), check: box.open(t.check) };
    },
    async putCachedToken(t) {
      const doc = JSON.stringify({ ...t, accessToken: box.seal(t.accessToken), check: box.seal(t.check) });
      await m.OAuthToken.updateOne({ _id: t.key }, { $set: { doc, refreshAt: new Date(t.refreshAt) } }, { upsert: true });
    },
    /** Sealing is randomised: the stored text is matched exactly as read, so a newer token is never deleted. */
    async deleteCachedToken(k, accessToken) {
      const d = await m.OAuthToken.findOne({ _id: k }).lean();
      if (!d) return false;
      const t = JSON.parse(d.doc) as CachedToken;
      if (box.open(t.accessToken) !== accessToken) return false;
      return (await m.OAuthToken.deleteOne({ _id: k, doc: d.doc })).deletedCount === 1;
    },

    // ---- identity keys
    async identityKeys(tenantId) {
      return keys(tenantId);
    },
    /** The unique partial index on the active key decides a race: the loser reads the winner's. */
    async ensureIdentityKey(tenantId, candidate) {
      for (let i = 0; i < 3; i++) {
        const active = await m.IdentityKey.findOne({ tenantId, active: true }).lean();
        if (active) return key(active);
        try {
          await m.IdentityKey.insertOne(docOf(tenantId, candidate));
          return { ...candidate, retiredAt: null };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      throw new Error('could not agree on an identity key');
    },
    async rotateIdentityKey(tenantId, candidate, forgetBefore, audit) {
      return ctx.write(async (session) => {
        // Retire first: the unique index allows one active key at a time.
        await m.IdentityKey.updateMany({ tenantId, active: true }, { $set: { active: false, retiredAt: candidate.createdAt } }, { session });
        await m.IdentityKey.insertOne(docOf(tenantId, candidate), { session });
        await m.IdentityKey.deleteMany({ tenantId, active: false, retiredAt: { $lt: forgetBefore.toISOString() } }, { session });
        await ctx.audit(tenantId, audit, session);
        return keys(tenantId, session);
      });
    },
  };
}
