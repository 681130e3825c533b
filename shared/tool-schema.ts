import { z } from 'zod';
import type { Variable } from './action';

/** E.164-ish phone numbers: optional +, digits, spaces, dots, dashes and parentheses. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ().-]{4,24}$/;

function scalarSchema(v: Variable): z.ZodType {
  if (v.enum) {
    const values = v.enum;
    if (values.every((x) => typeof x === 'string')) return z.enum(values as [string, ...string[]]);
    return z.union(values.map((x) => z.literal(x)) as unknown as [z.ZodLiteral, z.ZodLiteral, ...z.ZodLiteral[]]);
  }
  switch (v.type) {
    case 'string':
      return z.string().max(4096);
    case 'integer':
      return z.number().int();
    case 'float':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'date':
      return z.iso.date();
    case 'email':
      return z.email();
    case 'phone':
      return z.string().regex(PHONE_PATTERN, 'must be a phone number such as +1 415 555 0100');
  }
}

function describeVariable(v: Variable): string {
  let d = v.description;
  if (v.example !== undefined) d += ` (example: ${v.example})`;
  if (!v.required) d += v.default !== undefined ? ` Optional; default ${JSON.stringify(v.default)}.` : ' Optional; null if unknown.';
  return d;
}

/**
 * The zod schema of a tool's arguments, built from an action's variables. Optional
 * variables are nullable rather than absent so that the same schema is valid in OpenAI's
 * strict mode (every property listed in `required`).
 */
export function variablesSchema(variables: readonly Variable[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const v of variables) {
    let s: z.ZodType = scalarSchema(v);
    if (v.isArray) s = z.array(s).max(100);
    if (!v.required) s = s.nullable();
    shape[v.name] = s.describe(describeVariable(v));
  }
  return z.strictObject(shape);
}

/** The JSON Schema of a tool's parameters (draft 2020-12 subset accepted by OpenAI strict mode). */
export function toolParameters(variables: readonly Variable[]): Record<string, unknown> {
  const schema = z.toJSONSchema(variablesSchema(variables), { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  stripSafeIntegerBounds(schema);
  return schema;
}

/** zod marks every int with the safe-integer bounds; they are noise in the model's prompt. */
function stripSafeIntegerBounds(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(stripSafeIntegerBounds);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.minimum === Number.MIN_SAFE_INTEGER) delete o.minimum;
  if (o.maximum === Number.MAX_SAFE_INTEGER) delete o.maximum;
  for (const v of Object.values(o)) stripSafeIntegerBounds(v);
}
