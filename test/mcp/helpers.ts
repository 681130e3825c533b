import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { SignJWT } from 'jose';
import { api } from '../support/server';

/** A user-JWT secret of the test tenant (HS256 wants at least 32 characters). */
export const JWT_SECRET = 'test-user-jwt-secret-0123456789-abcdefghij';

/** Signs a user JWT as the tenant's backend would. */
export function userJwt(claims: Record<string, unknown>, opts: { secret?: string; expiresIn?: string | number } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (opts.expiresIn !== undefined) jwt.setExpirationTime(opts.expiresIn);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? JWT_SECRET));
}

/** `POST /v1/tokens` with scope mcp: the token, shown once. */
export async function mcpToken(base: string, admin: string, name: string): Promise<{ id: string; token: string }> {
  const r = await api(base, admin, 'POST', '/v1/tokens', { name, scope: 'mcp' });
  if (r.status !== 201) throw new Error(`token: ${r.status} ${r.text}`);
  return { id: r.body.id, token: r.body.token };
}

/** What an elicitation-capable client does when asked: records the question, answers as told. */
export interface Asker {
  asked: ElicitRequest['params'][];
  answer: ElicitResult['action'];
  /** Runs before the answer goes back, with the JSON-RPC id of the question. */
  before?: (requestId: string | number) => Promise<void>;
}

/**
 * The official SDK client over Streamable HTTP with a bearer credential. `asker`: the client
 * declares the elicitation capability and answers with it. `fetch`: another fetch (e.g. one
 * that spreads requests over two instances).
 */
export async function connect(url: string, credential: string, opts: { asker?: Asker; fetch?: typeof fetch } = {}): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: opts.asker ? { elicitation: {} } : {} });
  if (opts.asker) {
    const asker = opts.asker;
    client.setRequestHandler(ElicitRequestSchema, async (req, extra) => {
      asker.asked.push(req.params);
      await asker.before?.(extra.requestId);
      return asker.answer === 'accept' ? { action: 'accept', content: {} } : { action: asker.answer };
    });
  }
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${credential}` } },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  await client.connect(transport);
  return client;
}

/** The text of a tool result's first content block. */
export function textOf(r: unknown): string {
  const c = (r as { content?: { type: string; text?: string }[] }).content?.[0];
  return c?.type === 'text' ? (c.text ?? '') : '';
}
