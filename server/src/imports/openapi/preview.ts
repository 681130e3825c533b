import { HTTP_METHODS, type ActionInput, type HttpMethod } from '../../../../shared/action';
import type { ImportedOperation, OpenApiPreview } from '../../../../shared/openapi-import';
import { ValidationError } from '../../errors';
import { planConnection } from './connection';
import { loadDocument, type FetchText } from './load';
import { ToolNamer } from './names';
import { convertOperation, SkipOperation, type RawOperation } from './operation';
import type { Schema } from './schema';

/** Operations previewed per document: bounds the work and the answer. */
const MAX_OPERATIONS = 2_000;
/** Keys of the path item that are operations, in the order the preview lists them. */
const PATH_ITEM_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;
const SUPPORTED: ReadonlySet<string> = new Set(HTTP_METHODS);

/** Options of {@link previewOpenApi}. */
export interface PreviewOptions {
  /** Action names the tenant already has: imported names never collide with them. */
  existingNames: Set<string>;
  /** Fetches `url` and external `$ref`s; through the network guard. Without it, only inline documents with internal refs work. */
  fetchText?: FetchText;
}

/**
 * Reads an OpenAPI 3.0/3.1 or Swagger 2.0 document and answers what importing it would
 * create; saves nothing. A bad document is a ValidationError (400) or a 413 AppError; an
 * operation that cannot be mapped is skipped with a warning, never failing the rest.
 */
export async function previewOpenApi(input: { document?: string | object; url?: string }, opts: PreviewOptions): Promise<OpenApiPreview> {
  const loaded = await loadDocument(input, opts.fetchText);
  const d = loaded.doc;
  const plan = planConnection(loaded);
  const warnings = [...plan.warnings];
  const tools = new ToolNamer(opts.existingNames);
  const operations: ImportedOperation[] = [];

  const paths: Record<string, Schema> = typeof d.paths === 'object' && d.paths !== null ? d.paths : {};
  let seen = 0;
  outer: for (const [path, item] of Object.entries(paths)) {
    if (typeof item !== 'object' || item === null || !path.startsWith('/')) {
      if (!path.startsWith('x-')) warnings.push(`path ${path.slice(0, 200)} is not a path item: skipped`);
      continue;
    }
    for (const m of PATH_ITEM_METHODS) {
      const op = item[m];
      if (typeof op !== 'object' || op === null) continue;
      const method = m.toUpperCase();
      if (++seen > MAX_OPERATIONS) {
        warnings.push(`the document has more than ${MAX_OPERATIONS} operations: the rest are not listed`);
        break outer;
      }
      if (!SUPPORTED.has(method)) {
        warnings.push(`${method} ${path}: actions do not support ${method}; skipped`);
        continue;
      }
      const raw: RawOperation = { method: method as HttpMethod, path, op, pathItem: item, specVersion: loaded.specVersion, consumes: d.consumes };
      try {
        operations.push(convertOperation(raw, tools, plan.authParam));
      } catch (err) {
        const why = err instanceof SkipOperation ? err.message : `${method} ${path}: could not be read (${(err as Error).message})`;
        warnings.push(`${why}; skipped`);
      }
    }
  }
  const webhooks = d.webhooks && typeof d.webhooks === 'object' ? Object.keys(d.webhooks) : [];
  if (webhooks.length > 0) warnings.push(`webhooks are calls the API makes, not actions: ${webhooks.length} not imported`);
  if (operations.length === 0) warnings.push('the document has no operation that can become an action');

  return {
    title: plan.connection.name,
    specVersion: loaded.specVersion,
    connection: plan.connection,
    operations,
    warnings,
  };
}

/** The fields of an action an operation fills in, its URL relative to the connection. */
export type ConnectedActionInput = Omit<ActionInput, 'auth'>;

/** The action of an operation under a connection: the URL is the path; the connection adds base URL and auth. */
export function toConnectedActionInput(op: ImportedOperation): ConnectedActionInput {
  return {
    name: op.name,
    description: op.description,
    method: op.method,
    url: op.url,
    headers: op.headers,
    query: op.query,
    body: op.body,
    variables: op.variables,
    confirm: op.confirm,
  };
}

/** A standalone action (full URL, no auth): what the operation is without a connection. */
export function toActionInput(op: ImportedOperation, baseUrl: string): ActionInput {
  return { ...toConnectedActionInput(op), url: `${baseUrl.replace(/\/+$/, '')}${op.url}`, auth: { type: 'none' } };
}

/** What apply creates: the proposed connection and the chosen operations' actions, in the order chosen. */
export interface ApplyPlan {
  connection: OpenApiPreview['connection'];
  operations: ImportedOperation[];
  actions: ConnectedActionInput[];
}

/** Picks the chosen operations of a preview; unknown keys are a ValidationError naming each. */
export function planApply(preview: OpenApiPreview, chosenKeys: string[]): ApplyPlan {
  if (chosenKeys.length === 0) throw new ValidationError('choose at least one operation', [{ path: 'operations', message: 'choose at least one operation' }]);
  const byKey = new Map(preview.operations.map((o) => [o.key, o]));
  const unknown = chosenKeys.map((k, i) => ({ k, i })).filter(({ k }) => !byKey.has(k));
  if (unknown.length > 0) {
    throw new ValidationError(
      `unknown operations: ${unknown.slice(0, 10).map(({ k }) => k.slice(0, 200)).join(', ')}`,
      unknown.map(({ k, i }) => ({ path: `operations.${i}`, message: `unknown operation "${k.slice(0, 200)}": not in the document or not importable` })),
    );
  }
  const operations = [...new Set(chosenKeys)].map((k) => byKey.get(k)!);
  return { connection: preview.connection, operations, actions: operations.map(toConnectedActionInput) };
}
