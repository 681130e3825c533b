import { z } from 'zod';
import { ApiError, type EvalClient } from './client';
import { InputError, issuesText, readDataFile } from './load';

/**
 * The actions export format: `{actions: [...], userDataApi?, settings?}`, as `GET /v1/export`
 * writes it (with `format`, `exportedAt` and `secretsRemoved`) or by hand. Exports carry no
 * secrets (each is ""), so any string may name an environment variable as `${NAME}` (a URL of
 * a local API, a key); it is replaced before anything is sent. The server validates each action.
 */
export const ExportFile = z
  .strictObject({
    format: z.literal('helpdesk-actions/v1').optional().describe('Written by GET /v1/export'),
    exportedAt: z.string().optional().describe('Written by GET /v1/export'),
    secretsRemoved: z
      .array(z.strictObject({ action: z.string().nullable(), path: z.string() }))
      .optional()
      .describe('The secrets GET /v1/export left out: each must be written into the file (or as ${NAME}) before a run'),
    actions: z.array(z.record(z.string(), z.unknown())).max(500).describe('Actions as `POST /v1/actions` takes them'),
    userDataApi: z.record(z.string(), z.unknown()).nullable().optional().describe('The User Data API, as `PUT /v1/user-data-api` takes it'),
    settings: z.record(z.string(), z.unknown()).nullable().optional().describe('Agent settings, as `PUT /v1/settings` takes them'),
  })
  .describe('An export of a tenant’s actions, without secrets');
export type ExportFile = z.infer<typeof ExportFile>;

const VAR = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/** Replaces `${NAME}` in every string; names every variable that is not set. */
export function substituteEnv<T>(value: T, env: NodeJS.ProcessEnv, missing: Set<string>): T {
  if (typeof value === 'string') {
    return value.replace(VAR, (_m, name: string) => {
      const v = env[name];
      if (v === undefined || v === '') missing.add(name);
      return v ?? '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substituteEnv(v, env, missing)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, missing)])) as T;
  }
  return value;
}

/** Reads an export file, with its `${NAME}`s filled from the environment. */
export function loadExportFile(file: string, env: NodeJS.ProcessEnv = process.env): ExportFile {
  const r = ExportFile.safeParse(readDataFile(file));
  if (!r.success) throw new InputError(`${file}: not an actions export\n${issuesText(r.error)}`);
  const missing = new Set<string>();
  const doc = substituteEnv(r.data, env, missing);
  if (missing.size) throw new InputError(`${file} uses environment variables that are not set: ${[...missing].join(', ')}`);
  const blank = blankSecrets(doc);
  if (blank.length) {
    throw new InputError(`${file}: the export left these secrets out; write each into the file, or \${NAME} to take it from the environment:\n${blank.map((b) => `  ${b}`).join('\n')}`);
  }
  return withoutBlankHelpdeskSecrets(doc);
}

/** The `secretsRemoved` of actions and the User Data API that are still "" (the helpdesk's do not matter to a run). */
function blankSecrets(doc: ExportFile): string[] {
  const out: string[] = [];
  for (const ref of doc.secretsRemoved ?? []) {
    if (ref.path.startsWith('settings.')) continue;
    const index = ref.action === null ? -1 : doc.actions.findIndex((a) => a.name === ref.action);
    const root: unknown = ref.action === null ? doc : doc.actions[index];
    if (valueAt(root, ref.path) === '') out.push(ref.action === null ? ref.path : `actions[${index}] (${ref.action}): ${ref.path}`);
  }
  return out;
}

/** Helpdesk credentials an export left blank are dropped: a run needs none. */
function withoutBlankHelpdeskSecrets(doc: ExportFile): ExportFile {
  const { format: _f, exportedAt: _e, secretsRemoved, ...rest } = doc;
  if (!rest.settings || !secretsRemoved?.length) return rest;
  const settings = structuredClone(rest.settings);
  for (const ref of secretsRemoved) {
    const parts = ref.path.split('.');
    if (parts[0] !== 'settings' || parts.length !== 3) continue;
    const group = settings[parts[1]!] as Record<string, unknown> | undefined;
    if (group && group[parts[2]!] === '') delete group[parts[2]!];
  }
  return { ...rest, settings };
}

function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Creates the export's actions on the server. `fresh` (an in-process server): the User Data
 * API and settings are applied too. Otherwise (a running server) existing actions of the
 * same name are kept and settings are left alone: the eval never overwrites a live setup.
 */
export async function applyExport(client: EvalClient, doc: ExportFile, file: string, fresh: boolean): Promise<string[]> {
  const notes: string[] = [];
  for (const [i, action] of doc.actions.entries()) {
    const name = typeof action.name === 'string' ? action.name : `#${i}`;
    try {
      await client.request('POST', '/v1/actions', action);
    } catch (err) {
      if (!fresh && err instanceof ApiError && err.status === 409) {
        notes.push(`action ${name} already exists on the server: kept as it is`);
        continue;
      }
      throw new InputError(`${file}: actions[${i}] (${name}): ${(err as Error).message}`);
    }
  }
  if (fresh) {
    if (doc.userDataApi) await put(client, '/v1/user-data-api', doc.userDataApi, `${file}: userDataApi`);
    if (doc.settings) await put(client, '/v1/settings', doc.settings, `${file}: settings`);
  } else if (doc.userDataApi || doc.settings) {
    notes.push('the file’s userDataApi and settings are not applied to a running server');
  }
  return notes;
}

async function put(client: EvalClient, path: string, body: unknown, what: string): Promise<void> {
  try {
    await client.request('PUT', path, body);
  } catch (err) {
    throw new InputError(`${what}: ${(err as Error).message}`);
  }
}
