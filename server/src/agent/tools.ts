import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { z } from 'zod';
import type { Action } from '../../../shared/action';
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
