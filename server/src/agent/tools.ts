import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { z } from 'zod';
import type { Action } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import { effectiveAudience } from '../actions';
import { toolParameters, variablesSchema } from '../../../shared/tool-schema';

/** An action turned into a tool: what the model sees and how its arguments are checked. */
export interface ActionTool {
  action: Action;
  tool: ChatCompletionFunctionTool;
  args: z.ZodType<Record<string, unknown>>;
}

const MAX_CACHED = 2000;
const cache = new Map<string, ActionTool>();

/**
 * The tool of an action, built once per action version: the JSON Schema and the zod
 * validator come from the same shared schema, so what the model is told and what the
 * server accepts cannot drift apart.
 */
export function toolFor(action: Action): ActionTool {
  const key = `${action.id}:${action.version}:${action.updatedAt}`;
  const hit = cache.get(key);
  if (hit) {
    hit.action = action; // fresh secrets, same shape
    return hit;
  }
  const built: ActionTool = {
    action,
    tool: {
      type: 'function',
      function: {
        name: action.name,
        description: action.description + (action.confirm ? ' Needs the confirmation of the customer before it runs.' : ''),
        parameters: toolParameters(action.variables),
        strict: true,
      },
    },
    args: variablesSchema(action.variables) as unknown as z.ZodType<Record<string, unknown>>,
  };
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, built);
  return built;
}

/** Looks a tool up by the name the model gave; prototype names like `__proto__` find nothing. */
export function lookupTool(tools: ReadonlyMap<string, ActionTool>, name: unknown): ActionTool | undefined {
  return typeof name === 'string' ? tools.get(name) : undefined;
}

/** The tools one kind of customer may use, by name, and the enabled ones hidden from them. */
export interface VisibleTools {
  tools: ReadonlyMap<string, ActionTool>;
  hidden: ReadonlySet<string>;
  /** The visible ones the admin pinned (always offered past the selection bound). */
  pinned: ReadonlySet<string>;
}

/**
 * Audience, as every path decides it (a turn, a single MCP call): a verified-only action, or one
 * whose connection asserts identity, is hidden from an unverified customer.
 */
export function visibleTools(tools: Iterable<ActionTool>, connections: ReadonlyMap<string, Connection>, verified: boolean): VisibleTools {
  const visible = new Map<string, ActionTool>();
  const hidden = new Set<string>();
  const pinned = new Set<string>();
  for (const t of tools) {
    const a = t.action;
    const audience = effectiveAudience(a, a.connectionId ? (connections.get(a.connectionId) ?? null) : null);
    if (audience === 'verified' && !verified) hidden.add(a.name);
    else {
      visible.set(a.name, t);
      if (a.pinned) pinned.add(a.name);
    }
  }
  return { tools: visible, hidden, pinned };
}
