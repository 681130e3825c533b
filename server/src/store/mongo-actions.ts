import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongoose';
import type { Action, ActionSpec } from '../../../shared/action';
import { ValidationError } from '../errors';
import type { MongoCtx } from './mongo-context';
import type { ActionDoc } from './mongo-docs';
import { conflict } from './mongo-util';
import type { ActionsPort, AuditInput } from './port';
import { ACTION_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';

/** Actions and their versions on MongoDB; every write bumps the configuration counter with it. */
export function mongoActions(ctx: MongoCtx): ActionsPort {
  const { m, box } = ctx;
  const action = (d: ActionDoc): Action => {
    const spec = openSecrets(JSON.parse(d.doc) as ActionSpec, ACTION_SECRET_PATHS, box);
    return { id: d._id, ...spec, version: d.version, createdAt: d.createdAt, updatedAt: d.updatedAt };
  };
  return {
    async listActions(tenantId) {
      return (await m.Action.find({ tenantId }).sort({ name: 1 }).lean()).map(action);
    },
    async getAction(tenantId, id) {
      const d = await m.Action.findOne({ _id: id, tenantId }).lean();
      return d ? action(d) : null;
    },
    async createAction(tenantId, spec, audit) {
      return ctx.write(async (session) => {
        const a = await insertAction(ctx, tenantId, spec, audit, session);
        await ctx.bumpConfig(tenantId, session);
        return a;
      });
    },
    async replaceAction(tenantId, id, spec, audit) {
      const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, box));
      const now = new Date().toISOString();
      const updated = await ctx.write(async (session) => {
        await checkConnection(ctx, tenantId, spec, session);
        const d = await conflict(`an action named ${spec.name} already exists`, () =>
          m.Action.findOneAndUpdate(
            { _id: id, tenantId },
            { $set: { name: spec.name, doc, updatedAt: now, connectionId: spec.connectionId ?? null }, $inc: { version: 1 } },
            { session, returnDocument: 'after' },
          ).lean(),
        );
        if (!d) return null;
        await writeVersion(ctx, tenantId, id, d.version, doc, audit, now, session);
        await ctx.audit(tenantId, audit, session);
        await ctx.bumpConfig(tenantId, session);
        return d;
      });
      return updated ? action(updated) : null;
    },
    async deleteAction(tenantId, id, audit) {
      return ctx.write(async (session) => {
        const r = await m.Action.deleteOne({ _id: id, tenantId }, { session });
        if (r.deletedCount !== 1) return false;
        await ctx.audit(tenantId, audit, session);
        await ctx.bumpConfig(tenantId, session);
        return true;
      });
    },
    async listActionVersions(tenantId, actionId) {
      const docs = await m.ActionVersion.find({ tenantId, actionId }, { doc: 0 }).sort({ version: -1 }).lean();
      return docs.map((d) => ({ actionId, version: d.version, actor: d.actor, at: d.at, changes: JSON.parse(d.changes) }));
    },
    async getActionVersion(tenantId, actionId, version) {
      const d = await m.ActionVersion.findOne({ _id: `${actionId}:${version}`, tenantId }).lean();
      if (!d) return null;
      const spec = openSecrets(JSON.parse(d.doc) as ActionSpec, ACTION_SECRET_PATHS, box);
      return { actionId, version, spec, actor: d.actor, at: d.at, changes: JSON.parse(d.changes) };
    },
    async configVersion(tenantId) {
      return (await m.ConfigVersion.findOne({ _id: tenantId }).lean())?.version ?? 0;
    },
  };
}

/** Inserts an action with its first version and audit entry (inside the caller's write). */
export async function insertAction(ctx: MongoCtx, tenantId: string, spec: ActionSpec, audit: AuditInput, session: ClientSession | undefined): Promise<Action> {
  const now = new Date().toISOString();
  const id = randomUUID();
  const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, ctx.box));
  await checkConnection(ctx, tenantId, spec, session);
  await conflict(`an action named ${spec.name} already exists`, () =>
    ctx.m.Action.insertOne({ _id: id, tenantId, name: spec.name, doc, version: 1, createdAt: now, updatedAt: now, connectionId: spec.connectionId ?? null }, { session }),
  );
  await writeVersion(ctx, tenantId, id, 1, doc, audit, now, session);
  await ctx.audit(tenantId, { ...audit, entityId: id }, session);
  return { id, ...spec, version: 1, createdAt: now, updatedAt: now };
}

async function checkConnection(ctx: MongoCtx, tenantId: string, spec: ActionSpec, session: ClientSession | undefined): Promise<void> {
  if (spec.connectionId && (await ctx.m.Connection.countDocuments({ _id: spec.connectionId, tenantId }, { session })) !== 1) {
    throw new ValidationError('invalid request body', [{ path: 'connectionId', message: 'no connection with this id' }]);
  }
}

async function writeVersion(ctx: MongoCtx, tenantId: string, actionId: string, version: number, sealedDoc: string, a: AuditInput, at: string, session: ClientSession | undefined): Promise<void> {
  await ctx.m.ActionVersion.insertOne(
    { _id: `${actionId}:${version}`, tenantId, actionId, version, doc: sealedDoc, actor: a.actor, at, changes: JSON.stringify(a.changes) },
    { session },
  );
}
