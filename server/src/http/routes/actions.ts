import { READ_ONLY_FIELDS, specOf } from '../../../../shared/stored';
import { Router } from 'express';
import { z } from 'zod';
import { ActionContext, ActionInput, WRITE_METHODS, type ActionSpec } from '../../../../shared/action';
import type { Connection } from '../../../../shared/connection';
import { effectiveAudience } from '../../actions';
import { NotFoundError, ValidationError } from '../../errors';
import type { Store } from '../../store';
import { actorOf, tenantOf, type AppContext } from '../context';
import { auditChanges, keepEndpointSecrets, maskAction } from '../../secrets';
import { parseInput, withoutReadOnly } from '../validate';
import { runEndpointTest } from './endpoint-test';

const TestBody = z.strictObject({
  action: z.unknown().describe('The action to test, as it would be saved'),
  actionId: z.string().optional().describe('When editing a saved action: masked secrets are taken from it'),
  variables: z.record(z.string(), z.unknown()).default({}).describe('Sample values of the variables'),
  contact: ActionContext.shape.contact.optional().describe('Sample customer for {{contact.*}} placeholders'),
  verified: z.boolean().default(false).describe('Whether the sample customer counts as identity-verified (identity_jwt auth needs it)'),
});
const SavedTestBody = TestBody.omit({ action: true, actionId: true });

/** Actions: CRUD (secrets masked out, kept when sent back masked) and test-before-saving. */
export function actionRoutes(ctx: AppContext): Router {
  const r = Router();
  const { store } = ctx;

  r.get('/', async (req, res) => {
    const list = await store.listActions(tenantOf(req).id);
    res.json({ actions: list.map((a) => maskAction(a)) });
  });

  r.post('/', async (req, res) => {
    const body = withoutReadOnly(req.body, READ_ONLY_FIELDS);
    const connection = await namedConnection(store, tenantOf(req).id, body);
    const spec = withAudience(parseInput(ActionInput, keepEndpointSecrets(body, null, ActionInput, { incoming: connection?.baseUrl ?? null })), connection);
    const action = await store.createAction(tenantOf(req).id, spec, {
      actor: actorOf(req),
      entity: 'action',
      entityId: null,
      op: 'create',
      changes: auditChanges(null, spec),
    });
    res.status(201).json(maskAction(action));
  });

  r.post('/test', async (req, res) => {
    const body = parseInput(TestBody, req.body);
    const stored = body.actionId ? await store.getAction(tenantOf(req).id, body.actionId) : null;
    if (body.actionId && !stored) throw new NotFoundError('action');
    const draft = withoutReadOnly(body.action, READ_ONLY_FIELDS);
    const connection = await namedConnection(store, tenantOf(req).id, draft, 'action.connectionId');
    const storedConnection = stored?.connectionId ? await store.getConnection(tenantOf(req).id, stored.connectionId) : null;
    const kept = keepEndpointSecrets(draft, stored, ActionInput, { incoming: connection?.baseUrl ?? null, stored: storedConnection?.baseUrl ?? null });
    const spec = parseInput(ActionInput, kept, 'action');
    res.json(await runEndpointTest(ctx, tenantOf(req).id, spec, body.variables, body.contact, spec.name, { connection, verified: body.verified }));
  });

  r.get('/:id', async (req, res) => {
    const a = await store.getAction(tenantOf(req).id, req.params.id);
    if (!a) throw new NotFoundError('action');
    res.json(maskAction(a));
  });

  r.put('/:id', async (req, res) => {
    const before = await store.getAction(tenantOf(req).id, req.params.id);
    if (!before) throw new NotFoundError('action');
    const body = withoutReadOnly(req.body, READ_ONLY_FIELDS);
    const connection = await namedConnection(store, tenantOf(req).id, body);
    const previous = before.connectionId ? await store.getConnection(tenantOf(req).id, before.connectionId) : null;
    const kept = keepEndpointSecrets(body, before, ActionInput, { incoming: connection?.baseUrl ?? null, stored: previous?.baseUrl ?? null });
    const spec = withAudience(parseInput(ActionInput, kept), connection);
    const after = await store.replaceAction(tenantOf(req).id, before.id, spec, {
      actor: actorOf(req),
      entity: 'action',
      entityId: before.id,
      op: 'update',
      changes: auditChanges(specOf(before), spec),
    });
    if (!after) throw new NotFoundError('action');
    res.json(maskAction(after));
  });

  r.delete('/:id', async (req, res) => {
    const before = await store.getAction(tenantOf(req).id, req.params.id);
    if (!before) throw new NotFoundError('action');
    const ok = await store.deleteAction(tenantOf(req).id, before.id, {
      actor: actorOf(req),
      entity: 'action',
      entityId: before.id,
      op: 'delete',
      changes: [{ path: 'name', from: before.name }],
    });
    if (!ok) throw new NotFoundError('action');
    res.status(204).end();
  });

  r.post('/:id/test', async (req, res) => {
    const a = await store.getAction(tenantOf(req).id, req.params.id);
    if (!a) throw new NotFoundError('action');
    const body = parseInput(SavedTestBody, req.body ?? {});
    const connection = a.connectionId ? await store.getConnection(tenantOf(req).id, a.connectionId) : null;
    res.json(await runEndpointTest(ctx, tenantOf(req).id, a, body.variables, body.contact, a.name, { connection, verified: body.verified }));
  });

  return r;
}

/** The connection a request body names by `connectionId`; 400 when the tenant has no such connection. */
async function namedConnection(store: Store, tenantId: string, body: unknown, path = 'connectionId'): Promise<Connection | null> {
  const id = body && typeof body === 'object' ? (body as Record<string, unknown>).connectionId : undefined;
  if (typeof id !== 'string' || id === '') return null;
  const c = await store.getConnection(tenantId, id);
  if (!c) throw new ValidationError('invalid request body', [{ path, message: 'no connection with this id' }]);
  return c;
}

/** An identity assertion is only made for verified customers: such actions are `audience: verified` by construction. */
function withAudience(spec: ActionSpec, connection: Connection | null): ActionSpec {
  const audience = effectiveAudience(spec, connection);
  return audience === spec.audience ? spec : { ...spec, audience };
}


export { WRITE_METHODS };
