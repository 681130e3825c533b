import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** The bearer token the stand-in remote wants. */
export const REMOTE_TOKEN = 'remote-mcp-secret-token-8c1d2e3f';

/** One call a tool of the remote received. */
export interface RemoteCall {
  tool: string;
  args: Record<string, unknown>;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
}

/**
 * A remote MCP server on 127.0.0.1 built with the SDK's McpServer (stateless, per request),
 * behind a bearer check: a read-only lookup, a write with a dash in its name and its
 * argument, a tool with a nested argument, one that never answers and one that answers 10 MB.
 */
export async function startRemoteMcp() {
  const calls: RemoteCall[] = [];
  const hanging: (() => void)[] = [];
  const build = (req: express.Request) => {
    const s = new McpServer({ name: 'stand-in', version: '1.0.0' });
    const seen = (tool: string, args: Record<string, unknown>) =>
      calls.push({ tool, args, authorization: req.headers.authorization, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
    s.registerTool(
      'get_weather',
      { description: 'Current weather of a city', inputSchema: { city: z.string().describe('City name'), units: z.enum(['metric', 'imperial']).optional() }, annotations: { readOnlyHint: true } },
      async (args) => {
        seen('get_weather', args);
        // A careless remote echoes the credential: it must not reach the model or the log.
        return { content: [{ type: 'text', text: JSON.stringify({ city: args.city, temp: 21, units: args.units ?? 'metric', debug: req.headers.authorization }) }] };
      },
    );
    s.registerTool(
      'create-ticket',
      { description: 'Open a ticket in the tracker', inputSchema: { subject: z.string(), 'priority-level': z.number().int().min(1).max(5) }, outputSchema: { id: z.string(), status: z.string() } },
      async (args) => {
        seen('create-ticket', args);
        return { content: [{ type: 'text', text: 'created' }], structuredContent: { id: 'T-77', status: 'open' } };
      },
    );
    s.registerTool('nested_tool', { description: 'Takes an object', inputSchema: { filter: z.object({ a: z.string() }) } }, async () => ({ content: [{ type: 'text', text: 'x' }] }));
    s.registerTool('slow_lookup', { description: 'A lookup that never answers', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => {
      seen('slow_lookup', {});
      await new Promise<void>((r) => hanging.push(r));
      return { content: [{ type: 'text', text: 'late' }] };
    });
    s.registerTool('huge_lookup', { description: 'A lookup that answers 10 MB', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => {
      seen('huge_lookup', {});
      return { content: [{ type: 'text', text: 'x'.repeat(10 * 1024 * 1024) }] };
    });
    return s;
  };
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.all('/mcp', async (req, res) => {
    if (req.headers.authorization !== `Bearer ${REMOTE_TOKEN}`) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    if (req.method !== 'POST') {
      res.status(405).set('allow', 'POST').end();
      return;
    }
    const server = build(req);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const http = app.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  return {
    url,
    calls,
    close: () =>
      new Promise<void>((r) => {
        for (const h of hanging) h();
        http.closeAllConnections();
        http.close(() => r());
      }),
  };
}
