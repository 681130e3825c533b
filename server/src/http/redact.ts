import type { Action, ActionSpec, UserDataApi } from '../../../shared/action';
import { isCredentialHeader, isMasked, maskSecret } from '../../../shared/mask';
import { SETTINGS_SECRET_PATHS, type Settings } from '../../../shared/settings';
import { ValidationError } from '../errors';
import type { AuditInput } from '../store';

type Json = Record<string, unknown>;
type Endpointish = Pick<ActionSpec, 'auth' | 'headers'>;

const AUTH_SECRET_FIELD: Record<string, string | undefined> = { bearer: 'token', basic: 'password', header: 'value', body: 'value' };

/** An endpoint (action or User Data API) as the API returns it: secrets masked. */
export function maskEndpoint<T extends Endpointish>(e: T): T {
  const out = structuredClone(e) as T & { auth: Json };
  const field = AUTH_SECRET_FIELD[e.auth.type];
  if (field && typeof out.auth[field] === 'string') out.auth[field] = maskSecret(out.auth[field] as string);
  out.headers = e.headers.map((h) => (isCredentialHeader(h.key) ? { ...h, value: maskSecret(h.value) } : { ...h }));
  return out;
}

export function maskSettings(s: Settings): Settings {
  const out = structuredClone(s) as unknown as Json;
  for (const p of SETTINGS_SECRET_PATHS) {
    const [a, b] = p.split('.') as [string, string];
    const parent = out[a] as Json;
    if (typeof parent[b] === 'string') parent[b] = maskSecret(parent[b] as string);
  }
  return out as unknown as Settings;
}

/**
 * Fills masked or omitted secrets of an incoming endpoint from the stored one, so that what
 * GET returned can be PUT back unchanged. A masked value with nothing stored behind it is
 * a 400: the admin must type the secret.
 */
export function keepEndpointSecrets(incoming: unknown, stored: Endpointish | null): unknown {
  if (!incoming || typeof incoming !== 'object') return incoming;
  const body = structuredClone(incoming) as Json;
  const problems: { path: string; message: string }[] = [];
  const auth = body.auth as Json | undefined;
  if (auth && typeof auth === 'object' && typeof auth.type === 'string') {
    const field = AUTH_SECRET_FIELD[auth.type];
    if (field && (auth[field] === undefined || isMasked(auth[field]))) {
      const prev = stored?.auth.type === auth.type ? (stored.auth as unknown as Json)[field] : undefined;
      if (typeof prev === 'string') auth[field] = prev;
      else if (isMasked(auth[field])) problems.push({ path: `auth.${field}`, message: 'type the secret: there is no stored value to keep' });
    }
  }
  if (Array.isArray(body.headers)) {
    body.headers = body.headers.map((h: unknown, i: number) => {
      if (!h || typeof h !== 'object') return h;
      const kv = h as Json;
      if (!isMasked(kv.value)) return kv;
      const prev = stored?.headers.find((s) => typeof kv.key === 'string' && s.key.toLowerCase() === kv.key.toLowerCase());
      if (prev) return { ...kv, value: prev.value };
      problems.push({ path: `headers.${i}.value`, message: 'type the value: there is no stored value to keep' });
      return kv;
    });
  }
  if (problems.length) throw new ValidationError('masked secrets without a stored value', problems);
  return body;
}

export function keepSettingsSecrets(incoming: unknown, stored: Settings | null): unknown {
  if (!incoming || typeof incoming !== 'object') return incoming;
  const body = structuredClone(incoming) as Json;
  const problems: { path: string; message: string }[] = [];
  for (const p of SETTINGS_SECRET_PATHS) {
    const [a, b] = p.split('.') as [string, string];
    const group = body[a];
    const prev = stored ? ((stored as unknown as Json)[a] as Json)[b] : undefined;
    if (group === undefined) continue; // the whole group is omitted: handled by the caller's merge
    if (!group || typeof group !== 'object') continue;
    const g = group as Json;
    if (g[b] === undefined || isMasked(g[b])) {
      if (typeof prev === 'string') g[b] = prev;
      else if (isMasked(g[b])) problems.push({ path: p, message: 'type the secret: there is no stored value to keep' });
    }
  }
  if (problems.length) throw new ValidationError('masked secrets without a stored value', problems);
  return body;
}

function flatten(v: unknown, prefix: string, out: Map<string, unknown>): void {
  if (v && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Json);
    if (entries.length === 0) out.set(prefix, Array.isArray(v) ? [] : {});
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, v);
}

/** Which flattened paths hold a secret, for audit entries (never the value). */
function isSecretPath(path: string, doc: Json): boolean {
  if (/^auth\.(token|password|value)$/.test(path)) return true;
  const h = /^headers\.(\d+)\.value$/.exec(path);
  if (h) {
    const headers = doc.headers as { key: string }[] | undefined;
    return isCredentialHeader(headers?.[Number(h[1])]?.key ?? '');
  }
  return (SETTINGS_SECRET_PATHS as readonly string[]).includes(path);
}

/** The changed fields between two versions of a config document, secrets as "changed". */
export function auditChanges(before: unknown, after: unknown): AuditInput['changes'] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before) flatten(before, '', a);
  if (after) flatten(after, '', b);
  const changes: AuditInput['changes'] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (['id', 'version', 'createdAt', 'updatedAt'].includes(path)) continue;
    const x = a.get(path);
    const y = b.get(path);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const secret = isSecretPath(path, (after ?? before) as Json) || isSecretPath(path, (before ?? after) as Json);
    changes.push(secret ? { path, to: 'changed' } : { path, from: x, to: y });
  }
  return changes;
}

export type { Action, UserDataApi };
