import fs from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ROUTES } from '../../shared/api/routes';
import { api, startTestServer, type TestServer } from '../support/server';

/** `GET /openapi.json`: a valid OpenAPI 3.1 document with every route the server mounts. */
const HTTP = path.join(__dirname, '..', '..', 'server', 'src', 'http');
let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv.close());

/** Express path `/:id/test` -> OpenAPI `/{id}/test`. */
const openapiPath = (p: string) => p.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\/$/, '') || '/';

/** Every (method, path) the HTTP layer mounts, read from its sources. */
function mountedRoutes(): string[] {
  const app = fs.readFileSync(path.join(HTTP, 'app.ts'), 'utf8');
  const out = new Set<string>();
  for (const m of app.matchAll(/app\.(get|post|put|delete|head)\('([^']+)'/g)) {
    if (!m[2]!.startsWith('/admin') && m[2] !== '/') out.add(`${m[1]} ${openapiPath(m[2]!)}`);
  }
  // Routers: `app.use('/v1/actions', ..., actionRoutes(ctx))` and `export function actionRoutes` in a file of routes/.
  const prefixOf = new Map<string, string>();
  for (const m of app.matchAll(/app\.use\('([^']+)',[^;]*?(\w+Routes)\(ctx\)\)/g)) prefixOf.set(m[2]!, m[1]!);
  const files = ['routes', 'webhooks', 'mcp'].flatMap((d) => fs.readdirSync(path.join(HTTP, d)).map((f) => path.join(HTTP, d, f)));
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const block of text.split(/export function /).slice(1)) {
      const name = /^(\w+)/.exec(block)![1]!;
      const mountInFile = /app\.use\('([^']+)'/.exec(block)?.[1];
      const prefix = prefixOf.get(name) ?? mountInFile;
      for (const m of block.matchAll(/\b(?:r|app)\.(get|post|put|delete|head|all)\(('[^']+'|WEBHOOK_PATH)/g)) {
        const p = m[2] === 'WEBHOOK_PATH' ? '/webhooks/intercom' : m[2]!.slice(1, -1);
        if (m[1] === 'all') {
          // One handler for every method: the transport of MCP answers POST, GET and DELETE.
          for (const method of ['post', 'get', 'delete']) out.add(`${method} ${openapiPath(p)}`);
          continue;
        }
        const full = p.startsWith('/webhooks') || p.startsWith('/identity') || p.startsWith('/mcp') ? p : `${prefix ?? ''}${p === '/' ? '' : p}`;
        out.add(`${m[1]} ${openapiPath(full)}`);
      }
    }
  }
  return [...out].sort();
}

test('the document is valid OpenAPI 3.1 and carries the request and answer schemas', async () => {
  const r = await api(srv.url, null, 'GET', '/openapi.json');
  expect(r.status).toBe(200);
  expect(r.body.openapi).toBe('3.1.0');
  await expect(SwaggerParser.validate(structuredClone(r.body))).resolves.toBeTruthy();
  const create = r.body.paths['/v1/actions'].post;
  expect(create.requestBody.content['application/json'].schema.properties.name.description).toMatch(/tool name/);
  expect(r.body.paths['/v1/conversations'].post.responses['201'].content['application/json'].schema.properties.reply).toBeDefined();
});

test('every route the server mounts is in the document', async () => {
  const documented = new Set(ROUTES.map((x) => `${x.method} ${x.path}`));
  const mounted = mountedRoutes();
  expect(mounted.length).toBeGreaterThan(30);
  expect(mounted.filter((m) => !documented.has(m))).toEqual([]);
});
