import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, isJSONRPCRequest, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Express, Request, RequestHandler, Response } from 'express';
import { jsonBody } from '../body';
import type { AppContext } from '../context';
import { applyAnswers } from './confirm';
import { identify, type McpIdentity } from './identity';
import { mcpServer } from './server';
import { newSession, readSession, type McpSession } from './session';

export { mcpSourceRoutes } from './sources';

/**
 * `/mcp/:tenantId`: the tenant's actions as an MCP server (Streamable HTTP, the official SDK).
 * Every request is authenticated on its own and served by a fresh stateless transport, so
 * any instance behind a load balancer can take any request; what lives across requests is in
 * the store (the caller's conversation, proposals) or in the session id (see session.ts).
 */
export function mountMcp(app: Express, ctx: AppContext): void {
  // The credential is checked before the body is read: a caller without one learns nothing else.
  const auth: RequestHandler = async (req, res, next) => {
    const identity = await identify(ctx.store, ctx.log, String(req.params.tenantId), req.headers.authorization);
    if (!identity) {
      // The same answer for every bad credential: nothing tells which check failed.
      res.setHeader('WWW-Authenticate', `Bearer realm="mcp"${req.headers.authorization ? ', error="invalid_token"' : ''}`);
      res.status(401).json({ error: { code: 'unauthorized', message: 'an MCP token or a user JWT of this tenant is required' } });
      return;
    }
    identities.set(req, identity);
    next();
  };
  app.all('/mcp/:tenantId', auth, jsonBody(), async (req: Request, res: Response) => {
    if (req.method !== 'POST') {
      // No server-initiated stream and no session to end: the SDK client handles 405 for both.
      res.setHeader('Allow', 'POST');
      res.status(405).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server answers POST only' }, id: null });
      return;
    }
    await serve(ctx, identities.get(req)!, req, res);
  });
}

/** The caller of a request, from the auth step to the handler. */
const identities = new WeakMap<Request, McpIdentity>();

async function serve(ctx: AppContext, identity: McpIdentity, req: Request, res: Response): Promise<void> {
  const body: unknown = req.body;
  const list = Array.isArray(body) ? body : [body];
  const messages = list.map((m) => JSONRPCMessageSchema.safeParse(m));
  const valid = messages.every((m) => m.success);
  const init = valid && list.find((m) => isInitializeRequest(m));
  let session: McpSession | null;
  if (init) {
    const created = newSession(init.params.capabilities);
    session = created.session;
    res.setHeader('Mcp-Session-Id', created.id);
  } else session = readSession(req.headers['mcp-session-id']);
  const conversationKey = `mcp:${identity.key}${session ? `:${session.nonce}` : ''}`;

  if (valid && !list.some((m) => isJSONRPCRequest(m))) {
    // Responses and notifications only: answers to confirmation questions are applied here,
    // whichever instance asked; the rest needs no server of this request.
    await applyAnswers(ctx, identity.tenant.id, conversationKey, messages.map((m) => m.data as JSONRPCMessage));
    res.status(202).end();
    return;
  }

  const gone = new AbortController();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const server = mcpServer(ctx, { identity, session, conversationKey, gone: gone.signal }, transport);
  transport.onerror = (err) => ctx.log.debug({ err: err.message }, 'MCP transport error');
  res.on('close', () => {
    gone.abort();
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}
