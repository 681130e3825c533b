import { Router } from 'express';
import { ActionInput } from '../../../../shared/action';
import { McpImportRequest, McpServerTarget } from '../../../../shared/mcp';
import { AppError, ValidationError } from '../../errors';
import { auditChanges, maskAction } from '../../secrets';
import { actorOf, tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';
import { planTool } from './import-tool';

/** A remote server that could not be listed: 502 with the engine's error type (a bad address is the caller's 400). */
function listFailed(error: { type: string; message: string }): AppError {
  if (error.type === 'blocked') return new ValidationError(`the MCP server address is not allowed: ${error.message}`, [{ path: 'url', message: error.message }]);
  return new AppError('upstream_failed', `the MCP server could not be listed (${error.type}): ${error.message}`, 502);
}

/**
 * MCP servers as action sources: list a remote server's tools (through the guarded outbound
 * stack) and import chosen ones as actions of kind `mcp`.
 */
export function mcpSourceRoutes(ctx: AppContext): Router {
  const r = Router();

  /** `POST /v1/mcp-sources/tools {url, auth}`: the remote tools and how each would be imported; nothing is saved. */
  r.post('/tools', async (req, res) => {
    const target = parseInput(McpServerTarget, req.body);
    const listed = await ctx.executor.listMcpTools(target.url, target.auth, target.timeoutMs);
    if (!listed.ok) throw listFailed(listed.error);
    const taken = new Set((await ctx.store.listActions(tenantOf(req).id)).map((a) => a.name.toLowerCase()));
    const tools = listed.tools.map((t) => {
      const plan = planTool(t, target, taken, { audience: 'everyone', enabled: true });
      return {
        name: t.name,
        description: t.description ?? null,
        annotations: t.annotations ?? {},
        inputSchema: t.inputSchema,
        importable: plan.action !== null,
        actionName: plan.action?.name ?? null,
        confirm: plan.action?.confirm ?? null,
        warnings: plan.warnings,
      };
    });
    res.json({ tools });
  });

  /** `POST /v1/mcp-sources/import {url, auth, tools}`: 201 with the new actions (secrets masked). */
  r.post('/import', async (req, res) => {
    const body = parseInput(McpImportRequest, req.body);
    const tenantId = tenantOf(req).id;
    const listed = await ctx.executor.listMcpTools(body.url, body.auth, body.timeoutMs);
    if (!listed.ok) throw listFailed(listed.error);
    const byName = new Map(listed.tools.map((t) => [t.name, t]));
    const taken = new Set((await ctx.store.listActions(tenantId)).map((a) => a.name.toLowerCase()));
    // Every spec is checked before the first is saved: a bad choice saves nothing.
    const specs = body.tools.map((name, i) => {
      const tool = byName.get(name);
      if (!tool) throw new ValidationError('unknown tool', [{ path: `tools.${i}`, message: `the MCP server has no tool named ${name}` }]);
      const plan = planTool(tool, body, taken, { audience: body.audience, enabled: body.enabled });
      if (!plan.action) throw new ValidationError('tool cannot be imported', [{ path: `tools.${i}`, message: plan.warnings.join('; ') }]);
      return parseInput(ActionInput, plan.action, `tools.${i}`);
    });
    const actions = [];
    for (const spec of specs) {
      actions.push(await ctx.store.createAction(tenantId, spec, { actor: actorOf(req), entity: 'action', entityId: null, op: 'create', changes: auditChanges(null, spec) }));
    }
    res.status(201).json({ actions: actions.map((a) => maskAction(a)) });
  });
  return r;
}
