import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { WRITE_METHODS, type Action } from '../../../../shared/action';
import { offeredTools, settledText, singleCall } from '../../agent';
import type { AppContext } from '../context';
import { confirmRequest, waitForDecision } from './confirm';
import type { McpIdentity } from './identity';
import type { McpSession } from './session';

/** What one MCP request is served with. */
export interface McpRequestScope {
  identity: McpIdentity;
  /** null: a client that did not keep the session id (it cannot confirm writes). */
  session: McpSession | null;
  /** The caller's conversation in channel `mcp`. */
  conversationKey: string;
  /** Aborted when the client goes away. */
  gone: AbortSignal;
}

const INSTRUCTIONS =
  "These tools are the helpdesk's actions on the company's own systems. A tool that changes something may need the user's confirmation: the server asks the user itself (MCP elicitation) before it runs.";

const SERVER_INFO = { name: 'helpdesk-actions', version: '1.0.0' };

/** An action as an MCP tool: the same name, description and JSON Schema the model sees. */
export function mcpTool(action: Action, parameters: Record<string, unknown>, description: string): Tool {
  // An imported MCP tool keeps its remote's hints (a POST carries no meaning there).
  const remote = action.kind === 'mcp' ? (action.mcp?.annotations ?? {}) : null;
  const readOnly = !action.confirm && (remote ? remote.readOnlyHint === true : action.method === 'GET');
  const destructive = remote ? !readOnly && remote.destructiveHint !== false : WRITE_METHODS.has(action.method);
  return {
    name: action.name,
    description,
    inputSchema: parameters as Tool['inputSchema'],
    annotations: { readOnlyHint: readOnly, destructiveHint: destructive, openWorldHint: true },
  };
}

const text = (t: string, isError: boolean): CallToolResult => ({ content: [{ type: 'text', text: t }], isError });

/**
 * The SDK server of one request (the transport is stateless, so it lives as long as the
 * request): `tools/list` offers what this identity may see, `tools/call` runs through the
 * agent's single-call path (every rule of a turn), and a write that needs confirmation is
 * asked through elicitation when the client can show it.
 */
export function mcpServer(ctx: AppContext, scope: McpRequestScope, transport: StreamableHTTPServerTransport): Server {
  const { identity } = scope;
  const tenantId = identity.tenant.id;
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const [actions, connections] = await Promise.all([ctx.store.listActions(tenantId), ctx.store.listConnections(tenantId)]);
    const { tools } = offeredTools(actions, identity.customer, new Map(connections.map((c) => [c.id, c])));
    return { tools: [...tools.values()].map((t) => mcpTool(t.action, t.tool.function.parameters ?? { type: 'object' }, t.tool.function.description ?? '')) };
  });

  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const signal = AbortSignal.any([scope.gone, extra.signal, AbortSignal.timeout(ctx.config.TURN_DEADLINE_MS)]);
    const deps = { store: ctx.store, executor: ctx.executor, metrics: ctx.metrics, limits: ctx.agent.limits };
    const r = await singleCall(deps, {
      tenantId,
      channel: 'mcp',
      externalId: scope.conversationKey,
      customer: identity.customer,
      name: req.params.name,
      args: req.params.arguments ?? {},
      actor: identity.actor,
      signal,
    });
    if (!r.proposal) return text(r.text, !r.ok);
    if (!scope.session?.elicitation) {
      // Nobody on this channel could ever confirm it: a pending proposal would only block
      // the same call until it expires. Declined, it says in the log that it never ran.
      await ctx.agent.confirmations.decline(tenantId, r.conversationId, r.proposal.id, { recordReply: false }).catch(() => undefined);
      return text(
        JSON.stringify({
          error: {
            type: 'needs_confirmation',
            status: null,
            message: `not run: ${r.proposal.action} changes data and needs the user's confirmation, which this MCP client cannot give (it did not declare the elicitation capability). Nothing was done; use an MCP client that supports elicitation.`,
          },
        }),
        true,
      );
    }
    // The question rides on this call's own SSE stream; the answer may come to any instance.
    await transport.send(confirmRequest(r.proposal), { relatedRequestId: extra.requestId });
    const final = await waitForDecision(ctx, tenantId, r.proposal, AbortSignal.any([scope.gone, extra.signal]));
    const outcome = settledText(final ?? { ...r.proposal });
    return text(outcome.text, !outcome.ok);
  });
  return server;
}
