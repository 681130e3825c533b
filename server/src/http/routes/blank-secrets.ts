import type { z } from 'zod';
import { isCredentialName, isMasked, mapSecrets, secretPaths, type SecretPath } from '../../../../shared/secrets';

/**
 * Blank secrets: an export leaves every secret as "" and an import stores what it cannot fill
 * as "" (the action disabled until someone types it). These helpers find such slots and let
 * a document with them pass the schema, whose secret fields otherwise must not be empty.
 */

type Json = Record<string, unknown>;

/** Stands in for a blank secret during validation only; never stored. */
const PLACEHOLDER = 'blank-secret-placeholder';

/** Dot paths (array indexes filled in) of the secret slots of `doc` holding "" or a mask. */
export function blankSecretPaths(doc: unknown, schema: z.ZodType): string[] {
  const out: string[] = [];
  for (const p of secretPaths(schema)) walk(doc, p, 0, [], out);
  return out;
}

function walk(node: unknown, p: SecretPath, i: number, trail: string[], out: string[]): void {
  if (!node || typeof node !== 'object') return;
  const head = p.parts[i]!;
  if (head === '*') {
    if (Array.isArray(node)) node.forEach((el, idx) => walk(el, p, i + 1, [...trail, String(idx)], out));
    return;
  }
  const o = node as Json;
  if (!Object.hasOwn(o, head)) return;
  if (i < p.parts.length - 1) return walk(o[head], p, i + 1, [...trail, head], out);
  const v = o[head];
  if (v !== '' && !isMasked(v)) return;
  if (p.meta.secret === 'credential-name' && !(typeof o.key === 'string' && isCredentialName(o.key))) return;
  out.push([...trail, head].join('.'));
}

/** Sets the value at a dot path of `doc` (in place); no-op when the path is not there. */
export function setAt(doc: unknown, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc as Json | unknown[] | null;
  for (const [i, part] of parts.entries()) {
    if (!node || typeof node !== 'object') return;
    const key = Array.isArray(node) ? Number(part) : part;
    if (i === parts.length - 1) {
      (node as Record<string | number, unknown>)[key] = value;
      return;
    }
    node = (node as Record<string | number, unknown>)[key] as Json | null;
  }
}

/**
 * Parses a document whose blank secret slots are listed in `blanks`: they pass as a
 * placeholder and come back "" in the result. Other problems are reported as usual.
 */
export function parseWithBlanks<S extends z.ZodType>(schema: S, doc: unknown, blanks: readonly string[]): z.ZodSafeParseResult<z.output<S>> {
  const filled = structuredClone(doc);
  for (const p of blanks) setAt(filled, p, PLACEHOLDER);
  const r = schema.safeParse(filled);
  if (r.success) for (const p of blanks) setAt(r.data, p, '');
  return r;
}

/** A copy of `doc` with every secret value "" and the paths where one was. */
export function withoutSecrets<T>(doc: T, schema: z.ZodType): { doc: T; removed: string[] } {
  const removed: string[] = [];
  const out = mapSecrets(doc, secretPaths(schema), (_v, s) => {
    removed.push(s.path);
    return '';
  });
  return { doc: out, removed };
}
