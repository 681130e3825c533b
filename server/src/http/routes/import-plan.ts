import { READ_ONLY_FIELDS, specOf } from '../../../../shared/stored';
import type { z } from 'zod';
import { ActionInput, UserDataApiInput, type Action, type ActionSpec, type UserDataApi } from '../../../../shared/action';
import type { SecretRef } from '../../../../shared/admin-api';
import type { Connection } from '../../../../shared/connection';
import { effectiveAudience } from '../../actions';
import { keepSecrets, templateOrigin } from '../../../../shared/secret-keep';
import { intercomApiBase, SettingsInput, zendeskApiBase, type Settings } from '../../../../shared/settings';
import type { ErrorDetail } from '../../errors';
import { blankSecretPaths, parseWithBlanks, setAt } from './blank-secrets';

/**
 * The validation half of an import: every document is checked and its secrets resolved before
 * anything is written. A blank (or masked) secret is filled from the stored document of the same
 * name when it is bound to the same address; otherwise it stays blank, is listed for the admin
 * to type, and its document is disabled so that nothing runs without it.
 */

type Json = Record<string, unknown>;

/** One action of the file, ready to write. */
export interface PlannedAction {
  spec: ActionSpec;
  /** The stored action of the same name (an update), or null (a create). */
  existing: Action | null;
  /** Identical to the stored one: nothing to write. */
  same: boolean;
}

/** A checked document with what it still needs. */
interface Checked<T> {
  doc: T;
  toType: string[];
}

const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function urlOf(doc: unknown): string | null {
  return isObject(doc) && typeof doc.url === 'string' ? doc.url : null;
}

/** Fills blank secrets from `stored` where the destination is the same; the rest stay "" and are returned. */
function resolveBlanks(doc: Json, stored: unknown, schema: z.ZodType, moved: (path: string) => boolean): Checked<Json> {
  const blanks = blankSecretPaths(doc, schema);
  const copy = structuredClone(doc);
  for (const p of blanks) setAt(copy, p, undefined);
  // Problems are the slots that cannot be kept: they are the ones left blank below.
  const kept = keepSecrets(copy, stored, schema, moved).doc as Json;
  const toType = blanks.filter((p) => valueAt(kept, p) === undefined);
  for (const p of toType) setAt(kept, p, '');
  return { doc: kept, toType };
}

function valueAt(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Json)[part];
  }
  return node;
}

function issuesOf(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix: string, label: string): ErrorDetail[] {
  return issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: `${label}: ${i.message}` }));
}

/** Keys sorted at every level: stored and parsed documents compare by content, not key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (isObject(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

/** Checks every action of the file against the stored ones (by name); `connections` are the tenant's, by id. */
export function planActions(items: unknown[], stored: Action[], connections: ReadonlyMap<string, Connection>, problems: ErrorDetail[], toType: SecretRef[]): PlannedAction[] {
  const byName = new Map(stored.map((a) => [a.name, a]));
  const seen = new Map<string, number>();
  const out: PlannedAction[] = [];
  items.forEach((item, i) => {
    const at = `actions.${i}`;
    if (!isObject(item)) return problems.push({ path: at, message: 'expected an action object' });
    const name = typeof item.name === 'string' ? item.name : `#${i}`;
    const label = `action ${name}`;
    if (seen.has(name)) return problems.push({ path: `${at}.name`, message: `${label}: the file has this name twice (also actions.${seen.get(name)})` });
    seen.set(name, i);
    const existing = byName.get(name) ?? null;
    const doc = { ...item };
    for (const f of READ_ONLY_FIELDS) delete doc[f];
    const connectionId = typeof doc.connectionId === 'string' && doc.connectionId !== '' ? doc.connectionId : null;
    const connection = connectionId ? (connections.get(connectionId) ?? null) : null;
    if (connectionId && !connection) {
      return problems.push({ path: `${at}.connectionId`, message: `${label}: this tenant has no connection with this id (an export does not carry connections: create it first, and use its id)` });
    }
    // An action on a connection sends to the connection's base URL: that is its destination.
    const storedConnection = existing?.connectionId ? (connections.get(existing.connectionId) ?? null) : null;
    const from = templateOrigin(storedConnection?.baseUrl ?? urlOf(existing));
    const checked = resolveBlanks(doc, existing, ActionInput, () => from !== templateOrigin(connection?.baseUrl ?? urlOf(doc)));
    const parsed = parseWithBlanks(ActionInput, checked.doc, checked.toType);
    if (!parsed.success) return problems.push(...issuesOf(parsed.error.issues, at, label));
    const audience = effectiveAudience(parsed.data, connection);
    const spec = { ...parsed.data, audience, ...(checked.toType.length ? { enabled: false } : {}) };
    toType.push(...checked.toType.map((path) => ({ action: name, path })));
    out.push({ spec, existing, same: existing !== null && canonical(specOf(existing)) === canonical(spec) });
  });
  return out;
}

/** Checks the file's User Data API; null when the file has none. */
export function planUserDataApi(item: unknown, stored: UserDataApi | null, problems: ErrorDetail[], toType: SecretRef[]): UserDataApi | null {
  if (item === undefined || item === null) return null;
  if (!isObject(item)) {
    problems.push({ path: 'userDataApi', message: 'expected an object' });
    return null;
  }
  const doc = { ...item };
  delete doc.updatedAt;
  const from = templateOrigin(urlOf(stored));
  const checked = resolveBlanks(doc, stored, UserDataApiInput, () => from !== templateOrigin(urlOf(doc)));
  const parsed = parseWithBlanks(UserDataApiInput, checked.doc, checked.toType);
  if (!parsed.success) {
    problems.push(...issuesOf(parsed.error.issues, 'userDataApi', 'User Data API'));
    return null;
  }
  toType.push(...checked.toType.map((p) => ({ action: null, path: `userDataApi.${p}` })));
  return checked.toType.length ? { ...parsed.data, enabled: false } : parsed.data;
}

/** The API address a settings group's credentials are bound to. */
function helpdeskOrigin(doc: unknown, group: string): string | null {
  const g = isObject(doc) && isObject(doc[group]) ? (doc[group] as Json) : null;
  if (!g) return null;
  try {
    const base =
      group === 'zendesk'
        ? zendeskApiBase({ baseUrl: (g.baseUrl as string) ?? null, subdomain: (g.subdomain as string) ?? null })
        : intercomApiBase({ baseUrl: (g.baseUrl as string) ?? null, region: ((g.region as string) ?? 'us') as 'us' });
    return templateOrigin(base);
  } catch {
    return null;
  }
}

/** Checks the file's settings (merged over the stored ones in merge mode, as PUT does); blank helpdesk secrets not kept become null. */
export function planSettings(item: unknown, stored: Settings | null, mode: 'merge' | 'replace', problems: ErrorDetail[], toType: SecretRef[]): Settings | null {
  if (item === undefined || item === null) return null;
  if (!isObject(item)) {
    problems.push({ path: 'settings', message: 'expected an object' });
    return null;
  }
  const incoming = { ...item };
  delete incoming.updatedAt;
  const doc = mode === 'merge' ? { ...(stored ?? {}), ...incoming } : incoming;
  const checked = resolveBlanks(doc, stored, SettingsInput, (path) => helpdeskOrigin(doc, path.split('.')[0]!) !== helpdeskOrigin(stored, path.split('.')[0]!));
  for (const p of checked.toType) setAt(checked.doc, p, null);
  const parsed = SettingsInput.safeParse(checked.doc);
  if (!parsed.success) {
    problems.push(...issuesOf(parsed.error.issues, 'settings', 'settings'));
    return null;
  }
  toType.push(...checked.toType.map((p) => ({ action: null, path: `settings.${p}` })));
  return parsed.data;
}
