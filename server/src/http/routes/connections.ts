import { READ_ONLY_FIELDS, specOf } from '../../../../shared/stored';
import { Router } from 'express';
import { ActionInput, DEFAULT_TIMEOUT_MS, type ActionSpec } from '../../../../shared/action';
import { connectionOrigin, ConnectionInput, ConnectionTestRequest } from '../../../../shared/connection';
import { AppError, NotFoundError, SecretRequiredError, ValidationError } from '../../errors';
import { auditChanges, CONNECTION_SCHEMA, documentSecrets, keepConnectionSecrets, maskConnection } from '../../secrets';
import { actorOf, tenantOf, type AppContext } from '../context';
import { parseInput, withoutReadOnly } from '../validate';
import { runEndpointTest } from './endpoint-test';

/**
 * Connections: base URL, auth, headers and timeout shared by many actions. Secrets are masked
 * on the way out and kept when sent back masked, for the same origin only.
 */
export function connectionRoutes(ctx: AppContext): Router {
  const r = Router();
  const { store } = ctx;

  r.get('/', async (req, res) => {
    const list = await store.listConnections(tenantOf(req).id);
    res.json({ connections: list.map((c) => maskConnection(c)) });
  });

  r.post('/', async (req, res) => {
    const spec = parseInput(ConnectionInput, keepConnectionSecrets(withoutReadOnly(req.body, READ_ONLY_FIELDS), null));
    const c = await store.createConnection(tenantOf(req).id, spec, {
      actor: actorOf(req),
      entity: 'connection',
      entityId: null,
      op: 'create',
      changes: auditChanges(null, spec, CONNECTION_SCHEMA),
    });
    res.status(201).json(maskConnection(c));
  });

  r.get('/:id', async (req, res) => {
    const c = await store.getConnection(tenantOf(req).id, req.params.id);
    if (!c) throw new NotFoundError('connection');
    res.json(maskConnection(c));
  });

  r.put('/:id', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const before = await store.getConnection(tenantId, req.params.id);
    if (!before) throw new NotFoundError('connection');
    const spec = parseInput(ConnectionInput, keepConnectionSecrets(withoutReadOnly(req.body, READ_ONLY_FIELDS), before));
    if (connectionOrigin(spec.baseUrl) !== connectionOrigin(before.baseUrl)) await refuseMovingActionSecrets(ctx, tenantId, before.id);
    const after = await store.replaceConnection(tenantId, before.id, spec, {
      actor: actorOf(req),
      entity: 'connection',
      entityId: before.id,
      op: 'update',
      changes: auditChanges(specOf(before), spec, CONNECTION_SCHEMA),
    });
    if (!after) throw new NotFoundError('connection');
    res.json(maskConnection(after));
  });

  r.delete('/:id', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const before = await store.getConnection(tenantId, req.params.id);
    if (!before) throw new NotFoundError('connection');
    const out = await store.deleteConnection(tenantId, before.id, {
      actor: actorOf(req),
      entity: 'connection',
      entityId: before.id,
      op: 'delete',
      changes: [{ path: 'name', from: before.name }],
    });
    if (out.deleted) return void res.status(204).end();
    if (out.usedBy.length === 0) throw new NotFoundError('connection');
    throw new AppError(
      'conflict',
      `the connection is used by ${out.usedBy.length} action(s): ${out.usedBy.map((a) => a.name).join(', ')}; move or delete them first`,
      409,
      out.usedBy.map((a, i) => ({ path: `actions.${i}`, message: `${a.name} (${a.id}) uses this connection` })),
    );
  });

  r.post('/:id/test', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const c = await store.getConnection(tenantId, req.params.id);
    if (!c) throw new NotFoundError('connection');
    const body = parseInput(ConnectionTestRequest, req.body ?? {});
    if (!body.path.startsWith('/')) throw new ValidationError('invalid request body', [{ path: 'path', message: 'must start with "/"' }]);
    if (body.path.includes('{{')) throw new ValidationError('invalid request body', [{ path: 'path', message: 'a test path is sent as written: no {{placeholders}}' }]);
    const probe = parseInput(
      ActionInput,
      { name: 'connection_test', description: 'A test call through the connection', method: body.method, url: body.path, connectionId: c.id, timeoutMs: DEFAULT_TIMEOUT_MS },
      'request body',
    );
    res.json(await runEndpointTest(ctx, tenantId, probe, {}, body.contact, `connection:${c.name}`, { connection: c, verified: body.verified }));
  });

  return r;
}

/**
 * A connection's new origin would carry the secrets its actions hold themselves (a credential
 * header or query value) to a new destination: those must be typed again, as for an action.
 */
async function refuseMovingActionSecrets(ctx: AppContext, tenantId: string, connectionId: string): Promise<void> {
  const actions = (await ctx.store.listActions(tenantId)).filter((a) => a.connectionId === connectionId);
  const holding = actions.filter((a) => documentSecrets(specOf(a) as ActionSpec, ActionInput).length > 0);
  if (holding.length === 0) return;
  throw new SecretRequiredError(
    holding.map((a) => ({
      path: `actions.${a.name}`,
      message: 'this action holds a secret of its own (a credential header or query value) bound to the old address: remove it from the action, change the connection, then type it again (or keep credentials on the connection)',
    })),
  );
}

