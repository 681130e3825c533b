import type { z } from 'zod';
import { ActionInput, UserDataApiInput } from '../../../shared/action';
import { ConnectionInput } from '../../../shared/connection';
import { keepSecrets, templateOrigin, type KeepProblem } from '../../../shared/secret-keep';
import { isSecretAt, maskDocument, secretPaths, secretValues } from '../../../shared/secrets';
import { intercomApiBase, SettingsInput, zendeskApiBase, type Settings } from '../../../shared/settings';
import { SecretRequiredError, ValidationError, zodDetails } from '../errors';

/**
 * The secret rules of each stored document, derived from the schemas' markers: mask on
 * the way out, keep a masked or omitted secret on the way in (for the same destination
 * only), and list secrets as "changed" in audit entries.
 */

type Json = Record<string, unknown>;

/** An action as the API returns it: every secret masked. */
export function maskAction<T>(a: T): T {
  return maskDocument(a, ActionInput);
}

export function maskUserDataApi<T>(u: T): T {
  return maskDocument(u, UserDataApiInput);
}

export function maskSettings(s: Settings): Settings {
  return maskDocument(s, SettingsInput);
}

export function maskConnection<T>(c: T): T {
  return maskDocument(c, ConnectionInput);
}

function stringField(doc: unknown, field: string): string | null {
  return doc && typeof doc === 'object' && typeof (doc as Json)[field] === 'string' ? ((doc as Json)[field] as string) : null;
}
const urlOf = (doc: unknown) => stringField(doc, 'url');

/** The origin an OAuth client secret is sent to: its token endpoint's. */
function tokenOrigin(doc: unknown): string | null {
  const auth = doc && typeof doc === 'object' ? (doc as Json).auth : null;
  return templateOrigin(stringField(auth, 'tokenUrl'));
}

/**
 * Whether a kept secret would reach a new destination: the endpoint's origin changed, or, for
 * an OAuth client secret, its token endpoint's (the token it buys goes to the endpoint, the
 * secret itself to the token endpoint: both must stay).
 */
function moved(path: string, from: string | null, to: string | null, stored: unknown, incoming: unknown): boolean {
  if (from !== to) return true;
  return path === 'auth.clientSecret' && tokenOrigin(stored) !== tokenOrigin(incoming);
}

/**
 * Reports what cannot be kept, after what is invalid anyway: a request with a bad field
 * gets the field's error first, as it would without any secret in it.
 */
function fail(problems: KeepProblem[], doc: unknown, schema: z.ZodType): never {
  const parsed = schema.safeParse(doc);
  if (!parsed.success) throw new ValidationError('invalid request body', zodDetails(parsed.error.issues));
  const moved = problems.filter((p) => p.kind === 'destination_changed');
  if (moved.length) throw new SecretRequiredError(moved.map(({ path, message }) => ({ path, message })));
  throw new ValidationError('masked secrets without a stored value', problems.map(({ path, message }) => ({ path, message })));
}

/**
 * Fills masked or omitted secrets of an incoming endpoint (action or User Data API) from
 * the stored one. A kept secret follows the endpoint only while its origin (scheme, host,
 * port) is unchanged; otherwise 400 `secret_required` names the field.
 */
export function keepEndpointSecrets(incoming: unknown, stored: unknown, schema: z.ZodType = ActionInput, bases: { incoming?: string | null; stored?: string | null } = {}): unknown {
  // An action on a connection sends to the connection's base URL: its path alone has no origin.
  const from = templateOrigin(bases.stored ?? urlOf(stored));
  const to = templateOrigin(bases.incoming ?? urlOf(incoming));
  const r = keepSecrets(incoming, stored, schema, (path) => moved(path, from, to, stored, incoming));
  if (r.problems.length) fail(r.problems, r.doc, schema);
  return r.doc;
}

/** The same for a connection: its secrets are bound to its base URL's origin (and an OAuth secret to its token endpoint's). */
export function keepConnectionSecrets(incoming: unknown, stored: unknown): unknown {
  const from = templateOrigin(stringField(stored, 'baseUrl'));
  const to = templateOrigin(stringField(incoming, 'baseUrl'));
  const r = keepSecrets(incoming, stored, ConnectionInput, (path) => moved(path, from, to, stored, incoming));
  if (r.problems.length) fail(r.problems, r.doc, ConnectionInput);
  return r.doc;
}

/** The same for settings: the Zendesk and Intercom credentials are bound to their API address. */
export function keepSettingsSecrets(incoming: unknown, stored: Settings | null): unknown {
  const group = (doc: unknown, name: 'zendesk' | 'intercom'): Json | null => {
    const g = doc && typeof doc === 'object' ? (doc as Json)[name] : null;
    return g && typeof g === 'object' ? (g as Json) : null;
  };
  const origin = (doc: unknown, name: 'zendesk' | 'intercom'): string | null => {
    const g = group(doc, name);
    if (!g) return null;
    try {
      if (name === 'zendesk') return templateOrigin(zendeskApiBase({ baseUrl: (g.baseUrl as string) ?? null, subdomain: (g.subdomain as string) ?? null }));
      return templateOrigin(intercomApiBase({ baseUrl: (g.baseUrl as string) ?? null, region: ((g.region as string) ?? 'us') as 'us' }));
    } catch {
      return null;
    }
  };
  const r = keepSecrets(incoming, stored, SettingsInput, (path) => {
    const name = path.split('.')[0] as 'zendesk' | 'intercom';
    return origin(incoming, name) !== origin(stored, name);
  });
  if (r.problems.length) fail(r.problems, r.doc, SettingsInput);
  return r.doc;
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

/** A change of a config document, for the audit log. */
export interface AuditChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

/** The changed fields between two versions of a config document, secrets as "changed". */
export function auditChanges(before: unknown, after: unknown, schema: z.ZodType = ActionInput): AuditChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before) flatten(before, '', a);
  if (after) flatten(after, '', b);
  const changes: AuditChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (['id', 'version', 'createdAt', 'updatedAt'].includes(path)) continue;
    const x = a.get(path);
    const y = b.get(path);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const secret = (after && isSecretAt(after, schema, path)) || (before && isSecretAt(before, schema, path));
    changes.push(secret ? { path, to: 'changed' } : { path, from: x, to: y });
  }
  return changes;
}

/** Every secret value of a document of the given schema (for the scrubber). */
export function documentSecrets(doc: unknown, schema: z.ZodType): string[] {
  return secretValues(doc, secretPaths(schema));
}

export { ActionInput as ACTION_SCHEMA, UserDataApiInput as USER_DATA_API_SCHEMA, SettingsInput as SETTINGS_SCHEMA, ConnectionInput as CONNECTION_SCHEMA };
