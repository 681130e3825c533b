import { z } from 'zod';
import { ErrorBody } from '../../../shared/api/common';
import { StoredMeta } from '../../../shared/api/responses';
import { ROUTES, type RouteSpec } from '../../../shared/api/routes';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return rest;
}

const SECURITY: Record<RouteSpec['auth'], Json[] | undefined> = {
  admin: [{ adminToken: [] }],
  operator: [{ operatorToken: [] }],
  sidebar: [{ sidebarToken: [] }, { adminToken: [] }],
  mcp: [{ mcpToken: [] }],
  metrics: [{ metricsToken: [] }, {}],
  signature: [],
  none: [],
};

/**
 * This server's API as an OpenAPI 3.1 document, generated from the zod schemas of the
 * route registry (shared/api/routes.ts): requests as accepted, answers as sent.
 */
export function openApiDocument(serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const ok = String(r.status ?? 200);
    let response: Json | undefined;
    if (r.response) {
      // Stored documents come back in the shape they are written in, plus read-only fields.
      response = r.stored ? { allOf: [schemaOf(r.response, 'input'), schemaOf(StoredMeta, 'output')] } : schemaOf(r.response, 'input');
    }
    const op: Json = {
      summary: r.summary,
      operationId: `${r.method}${r.path.replace(/\{([^}]+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(params.length ? { parameters: params } : {}),
      ...(SECURITY[r.auth] ? { security: SECURITY[r.auth] } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
      responses: {
        [ok]: { description: ok === '204' ? 'No content' : 'OK', ...(response ? { content: { 'application/json': { schema: response } } } : {}) },
        default: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Helpdesk API actions', version: '1.0.0', description: 'Custom API actions for helpdesk AI: actions, connections, conversations, confirmation, logs.' },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorBody, 'output') },
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'The tenant admin token' },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'OPERATOR_TOKEN' },
        sidebarToken: { type: 'http', scheme: 'bearer', description: 'A sidebar token (POST /v1/tokens)' },
        mcpToken: { type: 'http', scheme: 'bearer', description: 'An MCP token, or a user JWT signed by the tenant' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
      },
    },
  };
}
