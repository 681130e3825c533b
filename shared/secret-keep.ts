import type { z } from 'zod';
import { isCredentialName, isMasked, secretPaths, visitSecrets, type SecretMeta } from './secrets';

type Json = Record<string, unknown>;

/** A secret that cannot be kept, by kind: nothing stored, or stored for another destination. */
export interface KeepProblem {
  path: string;
  message: string;
  kind: 'no_stored_value' | 'destination_changed';
}

/** The stored secrets of a document, by what identifies them across edits. */
function storedIndex(stored: unknown, schema: z.ZodType): Map<string, string> {
  const index = new Map<string, string>();
  if (!stored) return index;
  visitSecrets(stored, secretPaths(schema), (s) => index.set(matchKey(s.path, s.parent, s.field, s.meta), s.value));
  return index;
}

/**
 * A pair is found again by its key (headers may be reordered); an auth field by its path and
 * the auth type (a bearer token is not kept as a basic password).
 */
function matchKey(path: string, parent: Json, field: string, meta: SecretMeta): string {
  if (meta.secret === 'credential-name') return `${path.replace(/\.\d+\.[^.]+$/, '')}#${String(parent.key).toLowerCase()}`;
  return `${path}@${typeof parent.type === 'string' ? parent.type : ''}:${field}`;
}

/** Visits every place of `doc` where a secret may be, present or omitted. */
function visitSlots(doc: unknown, schema: z.ZodType, fn: (path: string, parent: Json, field: string, meta: SecretMeta) => void): void {
  for (const p of secretPaths(schema)) slots(doc, p.parts, 0, [], p.meta, fn);
}

function slots(node: unknown, parts: string[], i: number, trail: string[], meta: SecretMeta, fn: (path: string, parent: Json, field: string, meta: SecretMeta) => void): void {
  if (!node || typeof node !== 'object') return;
  const head = parts[i]!;
  if (head === '*') {
    if (Array.isArray(node)) node.forEach((el, idx) => slots(el, parts, i + 1, [...trail, String(idx)], meta, fn));
    return;
  }
  const o = node as Json;
  if (i === parts.length - 1) {
    if (meta.secret === 'credential-name' && !(typeof o.key === 'string' && isCredentialName(o.key))) return;
    fn([...trail, head].join('.'), o, head, meta);
    return;
  }
  if (Object.hasOwn(o, head)) slots(o[head], parts, i + 1, [...trail, head], meta, fn);
}

/**
 * Fills the masked or omitted secrets of an incoming document from the stored one, so that
 * what GET returned can be PUT back unchanged. A secret is kept only for the destination it
 * was saved for: when `destinationChanged(path)` says the field's destination moved, the
 * admin must type it again. Returns the filled copy and the problems (the caller answers 400).
 */
export function keepSecrets(
  incoming: unknown,
  stored: unknown,
  schema: z.ZodType,
  destinationChanged: (path: string, meta: SecretMeta) => boolean,
): { doc: unknown; problems: KeepProblem[] } {
  if (!incoming || typeof incoming !== 'object') return { doc: incoming, problems: [] };
  const doc = structuredClone(incoming);
  const index = storedIndex(stored, schema);
  const problems: KeepProblem[] = [];
  visitSlots(doc, schema, (path, parent, field, meta) => {
    const value = parent[field];
    if (value !== undefined && !isMasked(value)) return;
    const kept = index.get(matchKey(path, parent, field, meta));
    if (kept === undefined) {
      if (value !== undefined) problems.push({ path, kind: 'no_stored_value', message: 'type the secret: there is no stored value to keep' });
      return;
    }
    if (meta.outbound && destinationChanged(path, meta)) {
      problems.push({ path, kind: 'destination_changed', message: 'the destination changed: type the secret again for the new address' });
      return;
    }
    parent[field] = kept;
  });
  return { doc, problems };
}

/**
 * The origin (scheme, host, port) a URL template sends to, as text: placeholders are kept
 * as written, so a changed template host counts as a changed destination.
 */
export function templateOrigin(url: string | null | undefined): string | null {
  if (!url) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(withScheme);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  let host = m[2]!.toLowerCase();
  if ((scheme === 'https' && host.endsWith(':443')) || (scheme === 'http' && host.endsWith(':80'))) host = host.replace(/:\d+$/, '');
  return `${scheme}://${host}`;
}
