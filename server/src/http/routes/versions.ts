import { specOf } from '../../../../shared/stored';
import { Router } from 'express';
import { ActionInput, type Action } from '../../../../shared/action';
import { VersionParams } from '../../../../shared/admin-api';
import { effectiveAudience } from '../../actions';
import { NotFoundError, ValidationError, zodDetails } from '../../errors';
import { auditChanges, maskAction } from '../../secrets';
import { actorOf, tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';
import { blankSecretPaths, parseWithBlanks } from './blank-secrets';

/**
 * Action versions: every create and save wrote one (store). Restoring writes the old spec as
 * a new version, with the secrets that version was saved with: they belong to its destination.
 */
export function versionRoutes(ctx: AppContext): Router {
  const r = Router();
  const { store } = ctx;

  const actionOr404 = async (tenantId: string, id: string): Promise<Action> => {
    const a = await store.getAction(tenantId, id);
    if (!a) throw new NotFoundError('action');
    return a;
  };

  r.get('/:id/versions', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const a = await actionOr404(tenantId, req.params.id);
    const versions = await store.listActionVersions(tenantId, a.id);
    res.json({ versions: versions.map(({ version, actor, at, changes }) => ({ version, actor, at, changes })) });
  });

  r.get('/:id/versions/:version', async (req, res) => {
    const { id, version } = parseInput(VersionParams, req.params, 'path');
    const tenantId = tenantOf(req).id;
    await actionOr404(tenantId, id);
    const v = await store.getActionVersion(tenantId, id, version);
    if (!v) throw new NotFoundError('version');
    res.json({ version: v.version, actor: v.actor, at: v.at, changes: v.changes, spec: maskAction(v.spec) });
  });

  r.post('/:id/versions/:version/restore', async (req, res) => {
    const { id, version } = parseInput(VersionParams, req.params, 'path');
    const tenantId = tenantOf(req).id;
    const current = await actionOr404(tenantId, id);
    const v = await store.getActionVersion(tenantId, id, version);
    if (!v) throw new NotFoundError('version');
    // Checked again: the schema may have grown rules since that version was saved.
    // A version imported without its secrets keeps them blank (and stays disabled).
    const parsed = parseWithBlanks(ActionInput, v.spec, blankSecretPaths(v.spec, ActionInput));
    if (!parsed.success) throw new ValidationError(`version ${version} no longer passes today's rules: fix the current action instead`, zodDetails(parsed.error.issues));
    const connection = parsed.data.connectionId ? await store.getConnection(tenantId, parsed.data.connectionId) : null;
    if (parsed.data.connectionId && !connection) {
      throw new ValidationError(`version ${version} used a connection that no longer exists`, [{ path: 'connectionId', message: 'the connection was deleted: restore a version without it, or edit the action' }]);
    }
    // An identity assertion is only made for verified customers, as on every save.
    const spec = { ...parsed.data, audience: effectiveAudience(parsed.data, connection) };
    const after = await store.replaceAction(tenantId, id, spec, {
      actor: actorOf(req),
      entity: 'action',
      entityId: id,
      op: 'update',
      changes: auditChanges(specOf(current), spec),
    });
    if (!after) throw new NotFoundError('action');
    res.json(maskAction(after));
  });

  return r;
}

