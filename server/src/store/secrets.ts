import { SecretBox } from './crypto';

/**
 * Secret fields by path: `a.b` for an object field, `a.*.b` for each element of an array.
 * The store seals them before writing and opens them after reading, so every other module
 * handles plain values and the data at rest never holds one.
 */
export const ACTION_SECRET_PATHS = ['auth.token', 'auth.password', 'auth.value', 'headers.*.value'] as const;
export const USER_DATA_API_SECRET_PATHS = ACTION_SECRET_PATHS;

type Json = Record<string, unknown>;

function walk(obj: unknown, parts: string[], fn: (v: string) => string): void {
  if (!obj || typeof obj !== 'object') return;
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (head === '*') {
    if (Array.isArray(obj)) for (const el of obj) walk(el, rest, fn);
    return;
  }
  const o = obj as Json;
  if (!Object.hasOwn(o, head)) return;
  if (rest.length === 0) {
    if (typeof o[head] === 'string') o[head] = fn(o[head] as string);
    return;
  }
  walk(o[head], rest, fn);
}

function mapSecrets<T>(doc: T, paths: readonly string[], fn: (v: string) => string): T {
  const copy = structuredClone(doc);
  for (const p of paths) walk(copy, p.split('.'), fn);
  return copy;
}

export function sealSecrets<T>(doc: T, paths: readonly string[], box: SecretBox): T {
  // Always sealed: the store receives plain values only, and a secret that happens to look
  // sealed must not be stored in the clear.
  return mapSecrets(doc, paths, (v) => box.seal(v));
}

export function openSecrets<T>(doc: T, paths: readonly string[], box: SecretBox): T {
  return mapSecrets(doc, paths, (v) => (SecretBox.isSealed(v) ? box.open(v) : v));
}

/** Reads every secret value at the paths (for masking and leak checks). */
export function secretValues(doc: unknown, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) walk(structuredClone(doc), p.split('.'), (v) => (out.push(v), v));
  return out.filter(Boolean);
}
