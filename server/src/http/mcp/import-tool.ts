import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ActionInput, Auth, Variable } from '../../../../shared/action';

/** Longest name the action schema accepts, and the most variables an action has. */
const MAX_NAME = 64;
const MAX_VARIABLES = 30;
const MAX_SUFFIX = 1000;
/** The tool hints the action schema keeps. */
const HINTS = new Set(['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']);

/** A remote tool as it would be imported: the action, or why it cannot be. */
export interface ToolPlan {
  remoteName: string;
  action: ActionInput | null;
  warnings: string[];
}

type Schema = Record<string, unknown>;

/** Letters, digits, `_` (and `-` for tool names), starting with a letter, at most 64. */
function sanitise(raw: string, allowDash: boolean, fallback: string): string {
  let s = raw.replace(allowDash ? /[^A-Za-z0-9_-]+/g : /[^A-Za-z0-9_]+/g, '_').replace(/_{2,}/g, '_').replace(/^[_-]+|[_-]+$/g, '');
  if (!/^[A-Za-z]/.test(s)) s = s ? `${fallback}_${s}` : fallback;
  return s.slice(0, MAX_NAME).replace(/[_-]+$/, '');
}

/** `base`, else `base_2`, `base_3`... not in `taken` (compared without case); the name is then taken. */
function unique(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()) && i < MAX_SUFFIX; i++) name = base.slice(0, MAX_NAME - String(i).length - 1) + `_${i}`;
  taken.add(name.toLowerCase());
  return name;
}

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** The variable type of a JSON Schema property; null when it has no scalar shape. */
function scalarType(s: Schema): Variable['type'] | null {
  const types = Array.isArray(s.type) ? s.type.filter((t) => t !== 'null') : [s.type];
  const t = types.length === 1 ? types[0] : Array.isArray(s.enum) ? (s.enum.every((v) => typeof v === 'string') ? 'string' : 'number') : undefined;
  if (t === 'string') return s.format === 'email' ? 'email' : s.format === 'date' ? 'date' : 'string';
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'float';
  if (t === 'boolean') return 'boolean';
  return null;
}

/** A remote tool's input schema as variables (top-level scalars and lists of scalars). */
function variablesOf(schema: unknown, warnings: string[]): { variables: Variable[]; argumentNames: Record<string, string>; unusable: string[] } {
  const s = (schema && typeof schema === 'object' ? schema : {}) as Schema;
  const props = (s.properties && typeof s.properties === 'object' ? s.properties : {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : []);
  const variables: Variable[] = [];
  const argumentNames: Record<string, string> = {};
  const unusable: string[] = [];
  const taken = new Set<string>();
  for (const [remote, p] of Object.entries(props).slice(0, MAX_VARIABLES)) {
    const prop = p && typeof p === 'object' ? p : {};
    const isArray = prop.type === 'array';
    const item = isArray ? ((prop.items && typeof prop.items === 'object' ? prop.items : {}) as Schema) : prop;
    const type = scalarType(item);
    if (!type) {
      (required.has(remote) ? unusable : warnings).push(`argument ${remote}: only text, numbers, booleans and lists of them can be collected${required.has(remote) ? '' : ' (left out)'}`);
      continue;
    }
    const name = unique(sanitise(remote, false, 'v'), taken);
    if (name !== remote) argumentNames[name] = remote;
    const enumValues = Array.isArray(item.enum) ? item.enum.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').slice(0, 100) : [];
    const description = cut(String(prop.description ?? prop.title ?? remote.replace(/[_-]+/g, ' ')), 500) || remote;
    const dflt = prop.default;
    variables.push({
      name,
      type,
      description,
      required: required.has(remote),
      isArray,
      ...(enumValues.length ? { enum: enumValues } : {}),
      ...(['string', 'number', 'boolean'].includes(typeof dflt) && !isArray ? { default: dflt as string | number | boolean } : {}),
    });
  }
  if (Object.keys(props).length > MAX_VARIABLES) warnings.push(`only the first ${MAX_VARIABLES} arguments are kept`);
  return { variables, argumentNames, unusable };
}

/**
 * A remote tool as an action of kind `mcp`: the remote name and input schema kept, a local
 * name made valid and unique in the tenant, variables from the schema's top-level
 * arguments. Only a tool the remote marks read-only goes without confirmation.
 */
export function planTool(tool: Tool, target: { url: string; auth: Auth }, takenNames: Set<string>, opts: { audience: 'everyone' | 'verified'; enabled: boolean }): ToolPlan {
  const warnings: string[] = [];
  const { variables, argumentNames, unusable } = variablesOf(tool.inputSchema, warnings);
  if (unusable.length) return { remoteName: tool.name, action: null, warnings: [...unusable, ...warnings] };
  const readOnly = tool.annotations?.readOnlyHint === true;
  let description = cut(tool.description ?? tool.annotations?.title ?? tool.title ?? '', 200);
  if (description.length < 10) description = cut(`Use the ${tool.name} tool${description ? `: ${description}` : ''}`, 200);
  const annotations = Object.fromEntries(
    Object.entries(tool.annotations ?? {}).filter(([k, v]) => (k === 'title' ? typeof v === 'string' : typeof v === 'boolean' && HINTS.has(k))),
  );
  return {
    remoteName: tool.name,
    warnings,
    action: {
      name: unique(sanitise(tool.name, true, 'tool'), takenNames),
      description,
      enabled: opts.enabled,
      kind: 'mcp',
      method: 'POST',
      url: target.url,
      auth: target.auth,
      variables,
      audience: opts.audience,
      confirm: !readOnly,
      mcp: {
        toolName: tool.name,
        ...(Object.keys(argumentNames).length ? { argumentNames } : {}),
        inputSchema: tool.inputSchema as Record<string, unknown>,
        ...(Object.keys(annotations).length ? { annotations: { ...annotations, ...(typeof annotations.title === 'string' ? { title: annotations.title.slice(0, 200) } : {}) } } : {}),
      },
    },
  };
}
