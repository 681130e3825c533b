import { z } from 'zod';
import { isCredentialName, maskSecret } from './mask';

/**
 * The one secret model. A field is secret because its schema says so: `secretField()`
 * (always secret) or `credentialValue()` (secret when the sibling `key` names a
 * credential, as `X-Api-Key` or `authorization` do). Everything else derives from these
 * markers by walking the schema: sealing at rest, masking on the way out, keeping a masked
 * value on PUT, the audit entry, the admin page's list (shared/secret-fields.generated.ts),
 * and the scrubber's list of values.
 */

/** How a field is secret. `outbound`: it travels to a destination, so it is bound to that origin. */
export interface SecretMeta {
  secret: 'always' | 'credential-name';
  /** Sent to the endpoint's destination (bound to its origin); false for inbound signing secrets. */
  outbound: boolean;
}

/** The registry the markers write to. */
export const secretRegistry = z.registry<SecretMeta>();

export { MASK_PREFIX, CREDENTIAL_NAME, isCredentialName, maskSecret, isMasked } from './mask';

/** Marks a string schema as a secret field. */
export function secretField<T extends z.ZodType>(schema: T, opts: { outbound?: boolean } = {}): T {
  secretRegistry.add(schema, { secret: 'always', outbound: opts.outbound ?? true });
  return schema;
}

/** Marks the `value` of a key/value pair: secret when its `key` names a credential. */
export function credentialValue<T extends z.ZodType>(schema: T): T {
  secretRegistry.add(schema, { secret: 'credential-name', outbound: true });
  return schema;
}

/** One secret location: object keys and `*` for every element of an array. */
export interface SecretPath {
  parts: string[];
  meta: SecretMeta;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Walks a schema and lists where its secret fields are (unions: the union of their options' fields). */
function walk(schema: z.ZodType, prefix: string[], out: Map<string, SecretPath>, depth: number): void {
  if (depth > 12) return;
  const meta = secretRegistry.get(schema);
  if (meta) {
    const key = prefix.join('.');
    if (!out.has(key)) out.set(key, { parts: prefix, meta });
    return;
  }
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodType>)) walk(v, [...prefix, k], out, depth + 1);
      return;
    case 'array':
      walk(def.element as z.ZodType, [...prefix, '*'], out, depth + 1);
      return;
    case 'union':
      for (const o of def.options as z.ZodType[]) walk(o, prefix, out, depth + 1);
      return;
    case 'pipe':
      walk(def.in as z.ZodType, prefix, out, depth + 1);
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      walk(def.innerType as z.ZodType, prefix, out, depth + 1);
      return;
    default:
      return;
  }
}

const cache = new WeakMap<z.ZodType, SecretPath[]>();

/** Where a schema's secret fields are, derived once per schema. */
export function secretPaths(schema: z.ZodType): SecretPath[] {
  let hit = cache.get(schema);
  if (!hit) {
    const out = new Map<string, SecretPath>();
    walk(schema, [], out, 0);
    hit = [...out.values()];
    cache.set(schema, hit);
  }
  return hit;
}

type Json = Record<string, unknown>;

/** A secret found in a document: its dotted path (array indexes filled in), value and marker. */
export interface FoundSecret {
  path: string;
  value: string;
  meta: SecretMeta;
  /** The object holding it (its `type`, for auth unions; its `key`, for pairs). */
  parent: Json;
  field: string;
}

/** Visits every secret value present in `doc` (a plain JSON-like document). */
export function visitSecrets(doc: unknown, paths: readonly SecretPath[], fn: (s: FoundSecret) => void): void {
  for (const p of paths) visit(doc, p.parts, 0, [], p.meta, fn);
}

function visit(node: unknown, parts: string[], i: number, trail: string[], meta: SecretMeta, fn: (s: FoundSecret) => void): void {
  if (!node || typeof node !== 'object') return;
  const head = parts[i]!;
  if (head === '*') {
    if (!Array.isArray(node)) return;
    node.forEach((el, idx) => visit(el, parts, i + 1, [...trail, String(idx)], meta, fn));
    return;
  }
  const o = node as Json;
  if (!Object.hasOwn(o, head)) return;
  if (i === parts.length - 1) {
    const v = o[head];
    if (typeof v !== 'string' || v === '') return;
    if (meta.secret === 'credential-name' && !(typeof o.key === 'string' && isCredentialName(o.key))) return;
    fn({ path: [...trail, head].join('.'), value: v, meta, parent: o, field: head });
    return;
  }
  visit(o[head], parts, i + 1, [...trail, head], meta, fn);
}

/** A copy of `doc` with every secret replaced by `fn(value)`. */
export function mapSecrets<T>(doc: T, paths: readonly SecretPath[], fn: (value: string, s: FoundSecret) => string): T {
  const copy = structuredClone(doc);
  visitSecrets(copy, paths, (s) => {
    s.parent[s.field] = fn(s.value, s);
  });
  return copy;
}

/** Every secret value in a document. */
export function secretValues(doc: unknown, paths: readonly SecretPath[]): string[] {
  const out: string[] = [];
  visitSecrets(doc, paths, (s) => out.push(s.value));
  return out;
}

/** The document as the API returns it: every secret masked. */
export function maskDocument<T>(doc: T, schema: z.ZodType): T {
  return mapSecrets(doc, secretPaths(schema), (v) => maskSecret(v));
}

/** Whether a flattened path (`headers.0.value`) of `doc` holds a secret (for audit entries). */
export function isSecretAt(doc: unknown, schema: z.ZodType, flatPath: string): boolean {
  let hit = false;
  visitSecrets(doc, secretPaths(schema), (s) => {
    if (s.path === flatPath) hit = true;
  });
  return hit;
}
