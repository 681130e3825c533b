import { randomBytes } from 'node:crypto';

/**
 * MCP sessions without server memory. Every request is served by a fresh, stateless SDK
 * transport (any instance behind a load balancer can take it), but two things of a client
 * connection must survive between its requests: whether the client declared the
 * elicitation capability (said once, in `initialize`), and which conversation its calls
 * belong to (verify-first `succeeded`, proposals). Both ride in the `Mcp-Session-Id` the
 * server hands out at `initialize` and the client sends back on every request:
 * `<nonce>.<e|n>`. It carries no authority: the bearer credential is checked on every
 * request, and the conversation key is prefixed by the caller's identity, so a session id
 * copied to another credential reaches nothing of the first one.
 */
export interface McpSession {
  /** Random, per client connection: the conversation of this connection. */
  nonce: string;
  /** The client can show a form to its user (MCP elicitation, form mode). */
  elicitation: boolean;
}

const SESSION = /^([A-Za-z0-9_-]{16,64})\.([en])$/;

/** A new session for an `initialize` request with these client capabilities. */
export function newSession(capabilities: unknown): { id: string; session: McpSession } {
  const session = { nonce: randomBytes(16).toString('base64url'), elicitation: supportsFormElicitation(capabilities) };
  return { id: `${session.nonce}.${session.elicitation ? 'e' : 'n'}`, session };
}

/** The session of an `Mcp-Session-Id` header; null when absent or not one of ours. */
export function readSession(header: string | string[] | undefined): McpSession | null {
  const m = typeof header === 'string' ? SESSION.exec(header) : null;
  return m ? { nonce: m[1]!, elicitation: m[2] === 'e' } : null;
}

/**
 * Form-mode elicitation: `elicitation: {}` (the 2025-06-18 shape, form implied) or
 * `elicitation: {form: {...}}`; a client that offers only URL mode cannot show a form.
 */
export function supportsFormElicitation(capabilities: unknown): boolean {
  const e = (capabilities as { elicitation?: unknown } | null | undefined)?.elicitation;
  if (!e || typeof e !== 'object') return false;
  const modes = e as { form?: unknown; url?: unknown };
  return modes.form !== undefined || modes.url === undefined;
}
