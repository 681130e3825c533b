import { randomUUID } from 'node:crypto';
import { ActionInput, type ActionSpec } from '../../shared/action';
import { ConnectionInput, type ConnectionInput as ConnectionIn } from '../../shared/connection';
import { ConflictError, ValidationError } from '../../server/src/errors';
import type { IdentityKey, Store } from '../../server/src/store/port';
import { actionSpec, auditInput } from './builders';

/** A connection spec with secrets in auth and a credential header, so sealing is exercised. */
export function connectionSpec(name = 'Orders API', over: Partial<ConnectionIn> = {}) {
  return ConnectionInput.parse({
    name,
    baseUrl: 'https://api.example.com/v2',
    auth: { type: 'oauth2_client_credentials', tokenUrl: 'https://auth.example.com/token', clientId: 'client-1', clientSecret: `cs-${name}-s3cret` },
    headers: [{ key: 'X-Api-Key', value: `hk-${name}-s3cret` }, { key: 'Accept', value: 'application/json' }],
    ...over,
  });
}

/** An action on a connection: a path, no auth of its own. */
export function connectedAction(name: string, connectionId: string, over: Record<string, unknown> = {}): ActionSpec {
  return ActionInput.parse({
    name,
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    connectionId,
    url: '/orders/{{order_number}}',
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
    ...over,
  });
}

function identityKey(kid: string, at = new Date()): IdentityKey {
  return { kid, publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}` }, privateJwk: { kty: 'EC', crv: 'P-256', d: `d-${kid}-s3cret` }, createdAt: at.toISOString(), retiredAt: null };
}

/** Connections, actions on them, the import transaction, the OAuth token cache and identity keys. */
export function describeConnectionsContract(getStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = getStore();
  });
  const tenant = () => store.createTenant('t', `hash-${randomUUID()}`);

  describe('connections', () => {
    test('create, get, list (by name) with secrets in plain; every write bumps configVersion and is audited', async () => {
      const t = await tenant();
      const spec = connectionSpec('Orders API');
      const c = await store.createConnection(t.id, spec, auditInput('connection', 'create'));
      expect(c).toEqual({ ...spec, id: expect.any(String), createdAt: expect.any(String), updatedAt: c.createdAt });
      expect(await store.getConnection(t.id, c.id)).toEqual(c);
      expect((await store.getConnection(t.id, c.id))?.auth).toMatchObject({ clientSecret: 'cs-Orders API-s3cret' });
      await store.createConnection(t.id, connectionSpec('Billing API'), auditInput('connection', 'create'));
      expect((await store.listConnections(t.id)).map((x) => x.name)).toEqual(['Billing API', 'Orders API']);
      expect(await store.configVersion(t.id)).toBe(2);

      const next = connectionSpec('Orders API v3', { baseUrl: 'https://api.example.com/v3', timeoutMs: 30_000 });
      const replaced = await store.replaceConnection(t.id, c.id, next, auditInput('connection', 'update', c.id));
      expect(replaced).toEqual({ ...next, id: c.id, createdAt: c.createdAt, updatedAt: expect.any(String) });
      expect(await store.getConnection(t.id, c.id)).toEqual(replaced);
      expect(await store.replaceConnection(t.id, randomUUID(), next, auditInput('connection', 'update'))).toBeNull();
      expect(await store.configVersion(t.id)).toBe(3);
      const audit = await store.listAudit(t.id, 10);
      expect(audit.map((e) => [e.entity, e.op])).toEqual([
        ['connection', 'update'],
        ['connection', 'create'],
        ['connection', 'create'],
      ]);
      expect(audit[2]?.entityId).toBe(c.id);
    });

    test('tenant isolation: another tenant cannot see, replace, delete or use a connection', async () => {
      const [a, b] = [await tenant(), await tenant()];
      const c = await store.createConnection(a.id, connectionSpec(), auditInput('connection', 'create'));
      expect(await store.getConnection(b.id, c.id)).toBeNull();
      expect(await store.listConnections(b.id)).toEqual([]);
      expect(await store.replaceConnection(b.id, c.id, connectionSpec('hijack'), auditInput('connection', 'update'))).toBeNull();
      expect(await store.deleteConnection(b.id, c.id, auditInput('connection', 'delete'))).toEqual({ deleted: false, usedBy: [] });
      await expect(store.createAction(b.id, connectedAction('lookup_order', c.id), auditInput('action', 'create'))).rejects.toBeInstanceOf(ValidationError);
      expect(await store.getConnection(a.id, c.id)).toEqual(c);
    });

    test('an action must name an existing connection of its tenant (create and replace)', async () => {
      const t = await tenant();
      const err = await store.createAction(t.id, connectedAction('lookup_order', randomUUID()), auditInput('action', 'create')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details).toEqual([{ path: 'connectionId', message: 'no connection with this id' }]);
      expect(await store.listActions(t.id)).toEqual([]);
      const c = await store.createConnection(t.id, connectionSpec(), auditInput('connection', 'create'));
      const a = await store.createAction(t.id, connectedAction('lookup_order', c.id), auditInput('action', 'create'));
      expect(a.connectionId).toBe(c.id);
      expect((await store.getAction(t.id, a.id))?.connectionId).toBe(c.id);
      await expect(store.replaceAction(t.id, a.id, connectedAction('lookup_order', randomUUID()), auditInput('action', 'update', a.id))).rejects.toBeInstanceOf(ValidationError);
      expect((await store.getAction(t.id, a.id))?.version).toBe(1);
    });

    test('delete is refused while actions use the connection, listing them; allowed once none does', async () => {
      const t = await tenant();
      const c = await store.createConnection(t.id, connectionSpec(), auditInput('connection', 'create'));
      const one = await store.createAction(t.id, connectedAction('lookup_order', c.id), auditInput('action', 'create'));
      const two = await store.createAction(t.id, connectedAction('cancel_order', c.id, { method: 'POST' }), auditInput('action', 'create'));
      await store.createAction(t.id, actionSpec('standalone'), auditInput('action', 'create'));
      expect(await store.actionsOnConnection(t.id, c.id)).toEqual([
        { id: two.id, name: 'cancel_order' },
        { id: one.id, name: 'lookup_order' },
      ]);
      const version = await store.configVersion(t.id);
      expect(await store.deleteConnection(t.id, c.id, auditInput('connection', 'delete', c.id))).toEqual({
        deleted: false,
        usedBy: [
          { id: two.id, name: 'cancel_order' },
          { id: one.id, name: 'lookup_order' },
        ],
      });
      expect(await store.configVersion(t.id)).toBe(version);
      // Moving an action off the connection frees it.
      await store.replaceAction(t.id, one.id, actionSpec('lookup_order'), auditInput('action', 'update', one.id));
      await store.deleteAction(t.id, two.id, auditInput('action', 'delete', two.id));
      expect(await store.actionsOnConnection(t.id, c.id)).toEqual([]);
      expect(await store.deleteConnection(t.id, c.id, auditInput('connection', 'delete', c.id))).toEqual({ deleted: true });
      expect(await store.getConnection(t.id, c.id)).toBeNull();
      expect(await store.deleteConnection(t.id, c.id, auditInput('connection', 'delete', c.id))).toEqual({ deleted: false, usedBy: [] });
    });

    test('createConnectionWithActions creates all of it, the actions on the connection, one audit entry each', async () => {
      const t = await tenant();
      const specs = [connectedAction('getPet', 'placeholder'), connectedAction('deletePet', 'placeholder', { method: 'DELETE' })];
      const audit = { actor: 'admin', connection: [{ path: 'name', to: 'Pets' }], actions: [[{ path: 'name', to: 'getPet' }], [{ path: 'name', to: 'deletePet' }]] };
      const out = await store.createConnectionWithActions(t.id, connectionSpec('Pets'), specs, audit);
      expect(out.connection).toEqual(await store.getConnection(t.id, out.connection.id));
      expect(out.actions.map((a) => [a.name, a.connectionId, a.version])).toEqual([
        ['getPet', out.connection.id, 1],
        ['deletePet', out.connection.id, 1],
      ]);
      expect((await store.listActions(t.id)).map((a) => a.name)).toEqual(['deletePet', 'getPet']);
      expect(await store.actionsOnConnection(t.id, out.connection.id)).toHaveLength(2);
      const entries = await store.listAudit(t.id, 10);
      expect(entries.map((e) => e.entity).sort()).toEqual(['action', 'action', 'connection']);
      expect(entries.find((e) => e.entity === 'connection')?.changes).toEqual([{ path: 'name', to: 'Pets' }]);
      expect(await store.configVersion(t.id)).toBeGreaterThan(0);
    });

    test('createConnectionWithActions with a taken action name writes nothing (ConflictError)', async () => {
      const t = await tenant();
      await store.createAction(t.id, actionSpec('deletePet'), auditInput('action', 'create'));
      const version = await store.configVersion(t.id);
      const specs = [connectedAction('getPet', 'x'), connectedAction('deletePet', 'x', { method: 'DELETE' })];
      await expect(store.createConnectionWithActions(t.id, connectionSpec('Pets'), specs, { actor: 'admin', connection: [], actions: [[], []] })).rejects.toBeInstanceOf(ConflictError);
      expect(await store.listConnections(t.id)).toEqual([]);
      expect((await store.listActions(t.id)).map((a) => a.name)).toEqual(['deletePet']);
      expect(await store.listAudit(t.id, 10)).toHaveLength(1);
      expect(await store.configVersion(t.id)).toBe(version);
    });
  });

  describe('OAuth token cache', () => {
    test('put, get, and delete only while it holds the same token', async () => {
      const key = `t:${randomUUID()}:hash`;
      expect(await store.getCachedToken(key)).toBeNull();
      const t = { key, accessToken: 'at-1-s3cret', check: 'chk-1', refreshAt: Date.now() + 60_000 };
      await store.putCachedToken(t);
      expect(await store.getCachedToken(key)).toEqual(t);
      const t2 = { ...t, accessToken: 'at-2-s3cret', refreshAt: t.refreshAt + 1000 };
      await store.putCachedToken(t2);
      expect(await store.getCachedToken(key)).toEqual(t2);
      // An instance whose call got a 401 with the old token must not delete the new one.
      expect(await store.deleteCachedToken(key, 'at-1-s3cret')).toBe(false);
      expect(await store.getCachedToken(key)).toEqual(t2);
      expect(await store.deleteCachedToken(key, 'at-2-s3cret')).toBe(true);
      expect(await store.getCachedToken(key)).toBeNull();
    });
  });

  describe('identity keys', () => {
    test('ensure stores the first candidate and then always answers it; racing instances agree', async () => {
      const t = await tenant();
      expect(await store.identityKeys(t.id)).toEqual([]);
      const results = await Promise.all(['k1', 'k2', 'k3', 'k4'].map((kid) => store.ensureIdentityKey(t.id, identityKey(kid))));
      expect(new Set(results.map((k) => k.kid)).size).toBe(1);
      const keys = await store.identityKeys(t.id);
      expect(keys).toEqual([results[0]]);
      expect(keys[0]?.privateJwk).toEqual(identityKey(keys[0]!.kid).privateJwk);
      expect((await store.ensureIdentityKey(t.id, identityKey('k9'))).kid).toBe(results[0]!.kid);
      const other = await tenant();
      expect((await store.ensureIdentityKey(other.id, identityKey('k9'))).kid).toBe('k9');
    });

    test('rotate retires the active key, keeps it listed until forgotten, and audits', async () => {
      const t = await tenant();
      const day = 86_400_000;
      const t0 = Date.now() - 3 * day;
      await store.ensureIdentityKey(t.id, identityKey('k1', new Date(t0)));
      let keys = await store.rotateIdentityKey(t.id, identityKey('k2', new Date(t0 + day)), new Date(t0), auditInput('identity_key', 'update'));
      expect(keys.map((k) => [k.kid, k.retiredAt])).toEqual([
        ['k1', new Date(t0 + day).toISOString()],
        ['k2', null],
      ]);
      // Two days later, k1 (retired a day before k2's retirement cut-off) is forgotten.
      keys = await store.rotateIdentityKey(t.id, identityKey('k3', new Date(t0 + 2 * day)), new Date(t0 + 1.5 * day), auditInput('identity_key', 'update'));
      expect(keys.map((k) => [k.kid, k.retiredAt])).toEqual([
        ['k2', new Date(t0 + 2 * day).toISOString()],
        ['k3', null],
      ]);
      expect((await store.ensureIdentityKey(t.id, identityKey('k4'))).kid).toBe('k3');
      expect((await store.listAudit(t.id, 10)).map((e) => e.entity)).toEqual(['identity_key', 'identity_key']);
    });
  });
}
