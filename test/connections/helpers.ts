import { randomUUID } from 'node:crypto';
import { hashToken } from '../../server/src/http';
import { json, standIn, type Seen, type StandIn } from '../actions/helpers';
import { api, type TestServer } from '../support/server';

export { json, standIn, type Seen, type StandIn };

/** A customer API stand-in: answers 200 with what it saw, or 401 when `authorized` says no. */
export async function customerApi(authorized: (req: Seen) => boolean = () => true): Promise<StandIn> {
  return standIn((req, res) => {
    if (!authorized(req)) return json(res, 401, { error: 'unauthorized' });
    json(res, 200, { ok: true, path: req.url, status: 'shipped' });
  });
}

/** An OAuth2 token endpoint stand-in (client credentials grant) at `/oauth/token`. */
export async function tokenEndpoint(client: { id: string; secret: string }, opts: { expiresIn?: number } = {}) {
  const issued: string[] = [];
  const grants: { auth: 'basic' | 'body'; form: URLSearchParams }[] = [];
  const s = await standIn((req, res) => {
    if (req.method !== 'POST' || req.url !== '/oauth/token') return json(res, 404, { error: 'not_found' });
    const form = new URLSearchParams(req.body);
    let id: string | null = form.get('client_id');
    let secret: string | null = form.get('client_secret');
    const basic = req.headers.authorization?.startsWith('Basic ') ? req.headers.authorization.slice(6) : null;
    if (basic) {
      // RFC 6749 2.3.1: both parts are form-encoded before the base64.
      const [u, p] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      const dec = (x: string | undefined) => decodeURIComponent((x ?? '').replace(/\+/g, ' '));
      id = dec(u);
      secret = dec(p);
    }
    grants.push({ auth: basic ? 'basic' : 'body', form });
    if (form.get('grant_type') !== 'client_credentials' || id !== client.id || secret !== client.secret) {
      return json(res, 401, { error: 'invalid_client', error_description: 'unknown client or wrong secret' });
    }
    const token = `at-${issued.length + 1}-${randomUUID()}`;
    issued.push(token);
    json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: opts.expiresIn ?? 3600 }, { 'cache-control': 'no-store' });
  });
  return Object.assign(s, { issued, grants, tokenUrl: `${s.base}/oauth/token` });
}

/** The bootstrap tenant's id (the JWKS URL and the `tenant` claim name it). */
export async function tenantIdOf(t: TestServer): Promise<string> {
  return (await t.server.store.tenantByTokenHash(hashToken(t.token)))!.id;
}

/** A connection over the admin API; fails the test unless it is created. */
export async function createConnection(t: TestServer, body: Record<string, unknown>) {
  const r = await api(t.url, t.token, 'POST', '/v1/connections', body);
  if (r.status !== 201) throw new Error(`connection not created: ${r.status} ${r.text}`);
  return r.body as { id: string } & Record<string, any>;
}

/** An action on a connection over the admin API. */
export async function createConnectedAction(t: TestServer, connectionId: string, name: string, over: Record<string, unknown> = {}) {
  const r = await api(t.url, t.token, 'POST', '/v1/actions', {
    name,
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    connectionId,
    url: '/orders/{{order_number}}',
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
    ...over,
  });
  if (r.status !== 201) throw new Error(`action not created: ${r.status} ${r.text}`);
  return r.body as { id: string } & Record<string, any>;
}

/** Runs a saved action once through `POST /v1/actions/:id/test`. */
export async function runAction(t: TestServer, id: string, body: Record<string, unknown> = { variables: { order_number: 'A-1' } }) {
  return api(t.url, t.token, 'POST', `/v1/actions/${id}/test`, body);
}
