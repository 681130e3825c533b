import type { Variable, VariableType } from '../../../../shared/action';
import { cut, plain } from './names';

/** A JSON Schema node of the dereferenced document (may be cyclic). */
export type Schema = Record<string, any>;

/** allOf levels merged before giving up: schemas may be circular. */
const MAX_MERGE_DEPTH = 8;
/** Most allOf members merged per level. */
const MAX_MEMBERS = 50;
/** Schema nodes merged per operation: allOf fan-out on a cycle would otherwise be exponential. */
const MAX_MERGES = 5_000;

/** What merging noticed (e.g. `oneOf/anyOf`), and the merge work left for this operation. */
export class SchemaNotes extends Set<string> {
  budget = MAX_MERGES;
}

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema's type, reading 3.1 type arrays (`["string", "null"]`) and inferring it when absent. */
export function typeOf(schema: Schema): string | undefined {
  const t = Array.isArray(schema.type) ? schema.type.find((x: unknown) => x !== 'null') : schema.type;
  if (typeof t === 'string') return t;
  if (isObj(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return typeof schema.enum[0] === 'number' ? 'number' : 'string';
  return undefined;
}

/**
 * Folds `allOf` members into one schema (properties and required lists joined) and takes
 * the first alternative of `oneOf`/`anyOf`, saying so in `notes`. Depth-bounded.
 */
export function merged(schema: unknown, notes: SchemaNotes, depth = 0): Schema {
  if (!isObj(schema)) return {};
  if (depth > MAX_MERGE_DEPTH) return {};
  if (--notes.budget < 0) {
    notes.add('too complex');
    return {};
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  let out: Schema = { ...schema };
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    const first = alternatives.find((a: unknown) => isObj(a) && typeOf(a) !== 'null') ?? alternatives[0];
    if (alternatives.length > 1) notes.add('oneOf/anyOf');
    const picked = merged(first, notes, depth + 1);
    out = { ...picked, ...withoutKeys(schema, ['oneOf', 'anyOf']), properties: { ...picked.properties, ...schema.properties } };
    out.required = [...(picked.required ?? []), ...(schema.required ?? [])];
  }
  if (Array.isArray(schema.allOf)) {
    const props: Schema = {};
    const required: string[] = [];
    for (const member of schema.allOf.slice(0, MAX_MEMBERS)) {
      const m = merged(member, notes, depth + 1);
      Object.assign(props, m.properties);
      if (Array.isArray(m.required)) required.push(...m.required);
      for (const [k, v] of Object.entries(m)) if (!(k in out) && k !== 'properties' && k !== 'required') out[k] = v;
    }
    out = { ...out, properties: { ...props, ...out.properties }, required: [...required, ...(out.required ?? [])] };
    delete out.allOf;
  }
  return out;
}

function withoutKeys(s: Schema, keys: string[]): Schema {
  const copy = { ...s };
  for (const k of keys) delete copy[k];
  return copy;
}

/** What a schema becomes as a variable, or why it cannot be one. */
export type Scalar =
  | { ok: true; type: VariableType; isArray: boolean; item: Schema }
  | { ok: false; reason: 'object' | 'array_of_objects' | 'file' | 'nested_array' };

/** Maps a (merged) schema to a variable type: string, integer, float, boolean, date or email. */
export function scalarOf(schema: Schema, notes: SchemaNotes): Scalar {
  const type = typeOf(schema);
  if (type === 'object') return { ok: false, reason: 'object' };
  if (type === 'file' || schema.format === 'binary') return { ok: false, reason: 'file' };
  if (type === 'array') {
    const item = merged(schema.items, notes);
    const itemType = typeOf(item);
    if (itemType === 'object') return { ok: false, reason: 'array_of_objects' };
    if (itemType === 'array') return { ok: false, reason: 'nested_array' };
    if (itemType === 'file' || item.format === 'binary') return { ok: false, reason: 'file' };
    return { ok: true, type: leafType(itemType, item.format), isArray: true, item };
  }
  return { ok: true, type: leafType(type, schema.format), isArray: false, item: schema };
}

function leafType(type: string | undefined, format: unknown): VariableType {
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'float';
  if (type === 'boolean') return 'boolean';
  if (format === 'date' || format === 'date-time') return 'date';
  if (format === 'email') return 'email';
  return 'string';
}

const isScalarValue = (v: unknown): v is string | number | boolean =>
  (typeof v === 'string' && v.length <= 4096) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

function exampleText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text === undefined ? undefined : text.slice(0, 500);
}

/** The facts of a parameter or property that become a variable. */
export interface VariableFacts {
  name: string;
  schema: Schema;
  scalar: Extract<Scalar, { ok: true }>;
  description: string | undefined;
  fallbackDescription: string;
  required: boolean;
  example?: unknown;
}

/** Builds a variable the action schema accepts: description 1..500, enum and default checked. */
export function toVariable(f: VariableFacts): Variable {
  const { schema, scalar } = f;
  const desc = f.description || schema.description || schema.title || scalar.item.description || f.fallbackDescription;
  const v: Variable = { name: f.name, type: scalar.type, description: cut(plain(String(desc)), 500) || f.fallbackDescription, required: f.required, isArray: scalar.isArray };
  const examples = Array.isArray(schema.examples) ? schema.examples[0] : undefined;
  const example = exampleText(f.example ?? schema.example ?? examples ?? scalar.item.example);
  if (example) v.example = example;
  const rawEnum = scalar.isArray ? scalar.item.enum : schema.enum;
  if (Array.isArray(rawEnum) && scalar.type !== 'boolean') {
    const values = rawEnum
      .filter((x: unknown): x is string | number => (typeof x === 'string' && x.length > 0 && x.length <= 200) || (typeof x === 'number' && Number.isFinite(x)))
      .slice(0, 100);
    if (values.length > 0) v.enum = values;
  }
  const def = schema.default ?? (scalar.isArray ? undefined : scalar.item.default);
  if (scalar.isArray && Array.isArray(def) && def.length <= 100 && def.every(isScalarValue)) v.default = def;
  else if (!scalar.isArray && isScalarValue(def) && (!v.enum || v.enum.includes(def as string | number))) v.default = def;
  return v;
}
