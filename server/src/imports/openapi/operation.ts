import type { HttpMethod, KeyValue, Variable } from '../../../../shared/action';
import type { ImportedOperation, VariableSource } from '../../../../shared/openapi-import';
import { AppError } from '../../errors';
import { flattenBody, list, place } from './body';
import type { AuthParam } from './connection';
import { operationDescription, VariableNamer, type ToolNamer } from './names';
import { merged, scalarOf, SchemaNotes, toVariable, type Scalar, type Schema } from './schema';

/** The action schema's cap on variables. */
const MAX_VARIABLES = 30;
/** Parameters read per operation: bounds work on hostile documents. */
const MAX_PARAMETERS = 200;
/** Headers the HTTP layer or the connection sets; OpenAPI says to ignore them as parameters. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

/** One operation as the document has it. */
export interface RawOperation {
  method: HttpMethod;
  path: string;
  op: Schema;
  pathItem: Schema;
  specVersion: '2.0' | '3.0' | '3.1';
  /** 2.0: the document's `consumes`. */
  consumes?: string[];
}

/** A value the action needs, before naming. */
interface Candidate {
  in: VariableSource['in'];
  original: string;
  bodyPath?: string[];
  schema: Schema;
  scalar: Extract<Scalar, { ok: true }>;
  description?: string;
  required: boolean;
  example?: unknown;
}

const isJson = (type: string) => /^application\/([\w.-]+\+)?json\b/i.test(type) || /^\*\/\*/.test(type);

/** Path-level and operation-level parameters, the latter overriding by name and location. */
function parametersOf(raw: RawOperation): Schema[] {
  const byKey = new Map<string, Schema>();
  const add = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const p of list.slice(0, MAX_PARAMETERS)) {
      if (typeof p === 'object' && p !== null && typeof p.name === 'string' && typeof p.in === 'string') byKey.set(`${p.in}:${p.name}`, p);
    }
  };
  add(raw.pathItem.parameters);
  add(raw.op.parameters);
  return [...byKey.values()];
}

/** The request body's schema when it is JSON; warnings for bodies an action cannot send. */
function bodySchema(raw: RawOperation, params: Schema[], warnings: string[]): { schema: unknown; required: boolean } | undefined {
  if (raw.specVersion === '2.0') {
    const formData = params.filter((p) => p.in === 'formData');
    if (formData.length > 0) {
      const files = formData.filter((p) => p.type === 'file').map((p) => p.name);
      if (files.length > 0) warnings.push(`file uploads are not supported: ${list(files)} left out`);
      warnings.push(`form data parameters are not supported: ${list(formData.map((p) => p.name))} left out (no body is sent)`);
    }
    const body = params.find((p) => p.in === 'body');
    if (!body) return undefined;
    const consumes: string[] = raw.op.consumes ?? raw.consumes ?? ['application/json'];
    if (!consumes.some(isJson)) {
      warnings.push(`the body is sent as ${list(consumes)}, not JSON: no body is sent`);
      return undefined;
    }
    return { schema: body.schema, required: body.required === true };
  }
  const rb = raw.op.requestBody;
  if (typeof rb !== 'object' || rb === null || typeof rb.content !== 'object' || rb.content === null) return undefined;
  const types = Object.keys(rb.content);
  const json = types.find((t) => /^application\/json\b/i.test(t)) ?? types.find(isJson);
  if (json) return { schema: rb.content[json]?.schema ?? {}, required: rb.required === true };
  for (const t of types) {
    if (/multipart\/form-data/i.test(t)) warnings.push('multipart/form-data bodies (forms, file uploads) are not supported: no body is sent');
    else if (/x-www-form-urlencoded/i.test(t)) warnings.push('form-encoded bodies are not supported: no body is sent');
    else if (/octet-stream|^image\/|^audio\/|^video\/|^application\/pdf/i.test(t)) warnings.push(`file uploads (${t}) are not supported: no body is sent`);
    else warnings.push(`${t} bodies are not supported (only JSON): no body is sent`);
  }
  return undefined;
}

/** Turns one operation into the action it would become; throws only on a programming error. */
export function convertOperation(raw: RawOperation, tools: ToolNamer, authParam: AuthParam | undefined): ImportedOperation {
  const warnings: string[] = [];
  const notes = new SchemaNotes();
  const params = parametersOf(raw);
  const candidates: Candidate[] = [];

  for (const p of params) {
    if (p.in === 'body' || p.in === 'formData') continue;
    if (p.in === 'cookie') {
      warnings.push(`cookie parameter ${p.name} is not supported: left out`);
      continue;
    }
    if (p.in !== 'path' && p.in !== 'query' && p.in !== 'header') continue;
    if (authParam && p.in === authParam.in && p.name.toLowerCase() === authParam.name.toLowerCase()) continue;
    if (p.in === 'header' && IGNORED_HEADERS.has(p.name.toLowerCase())) continue;
    // 2.0 puts the schema fields on the parameter itself; 3.x has `schema` (or `content`).
    const contentSchema = p.content && typeof p.content === 'object' ? (Object.values<Schema>(p.content)[0]?.schema ?? {}) : undefined;
    const schema = merged(raw.specVersion === '2.0' ? p : (p.schema ?? contentSchema ?? {}), notes);
    const scalar = scalarOf(schema, notes);
    if (!scalar.ok) {
      if (p.in === 'path') return failPath(raw, p.name);
      warnings.push(`${p.in} parameter ${p.name} is ${scalar.reason.replace(/_/g, ' ')}, not a simple value: left out`);
      continue;
    }
    candidates.push({ in: p.in, original: p.name, schema, scalar, description: p.description, required: p.in === 'path' || p.required === true, example: p.example ?? firstExample(p.examples) });
  }

  // Path templates without a declared parameter still need a value.
  for (const m of raw.path.matchAll(/\{([^}]+)\}/g)) {
    const name = m[1]!;
    if (!candidates.some((c) => c.in === 'path' && c.original === name)) {
      warnings.push(`path parameter ${name} is not declared: taken as a string`);
      candidates.push({ in: 'path', original: name, schema: {}, scalar: { ok: true, type: 'string', isArray: false, item: {} }, required: true });
    }
  }

  const body = bodySchema(raw, params, warnings);
  let shape: ReturnType<typeof flattenBody> | undefined;
  if (body) {
    shape = flattenBody(body.schema, body.required);
    warnings.push(...shape.warnings);
    for (const f of shape.fields) {
      const original = f.path.length > 0 ? f.path.join('.') : 'body';
      candidates.push({ in: 'body', original, bodyPath: f.path, schema: f.schema, scalar: f.scalar, required: f.required });
    }
  }
  if (notes.has('oneOf/anyOf') && !warnings.some((w) => w.includes('oneOf'))) warnings.push('a parameter offers alternatives (oneOf/anyOf): the first one is used');
  if (notes.has('too complex')) warnings.push('a parameter schema is too complex to read whole: parts of it are left out');

  // The action schema takes 30 variables: required ones first, in document order.
  let kept = candidates;
  if (candidates.length > MAX_VARIABLES) {
    const required = candidates.filter((c) => c.required);
    const optional = candidates.filter((c) => !c.required);
    const keep = new Set([...required, ...optional].slice(0, MAX_VARIABLES));
    kept = candidates.filter((c) => keep.has(c));
    const left = candidates.filter((c) => !keep.has(c)).map((c) => c.original);
    warnings.push(`an action takes at most ${MAX_VARIABLES} variables: optional ${list(left)} left out`);
    if (required.length > MAX_VARIABLES) warnings.push('some required values are left out: the call may fail');
  }

  const namer = new VariableNamer();
  const variables: Variable[] = [];
  const sources: VariableSource[] = [];
  const query: KeyValue[] = [];
  const headers: KeyValue[] = [];
  const tree: Record<string, unknown> = {};
  let url = raw.path;
  let bodyTemplate: string | null = null;
  for (const c of kept) {
    const name = namer.name(c.bodyPath && c.bodyPath.length > 0 ? c.bodyPath.join('_') : c.original);
    const fallback = c.bodyPath?.length === 0 ? 'The request body' : `The ${c.original} ${c.in === 'body' ? 'body field' : `${c.in} parameter`}`;
    variables.push(toVariableFrom(c, name, fallback));
    sources.push({ variable: name, in: c.in, name: c.original });
    const ph = `{{${name}}}`;
    if (c.in === 'path') url = url.split(`{${c.original}}`).join(ph);
    else if (c.in === 'query') query.push({ key: c.original, value: ph });
    else if (c.in === 'header') headers.push({ key: c.original, value: ph });
    else if (c.bodyPath && c.bodyPath.length > 0) place(tree, c.bodyPath, ph);
    else bodyTemplate = JSON.stringify(ph);
  }
  if (shape?.kind === 'object') bodyTemplate = JSON.stringify(tree, null, 2);
  if (raw.op.deprecated === true) warnings.push('the operation is deprecated');
  if (Array.isArray(raw.op.servers) && raw.op.servers.length > 0) warnings.push('the operation names its own server: the connection base URL is used instead');

  return {
    key: `${raw.method} ${raw.path}`,
    name: tools.name(typeof raw.op.operationId === 'string' ? raw.op.operationId : undefined, raw.method, raw.path),
    method: raw.method,
    path: raw.path,
    url,
    description: operationDescription(raw.op.summary, raw.op.description ?? raw.pathItem.summary, raw.method, raw.path),
    variables,
    sources,
    query,
    headers,
    body: bodyTemplate,
    confirm: raw.method !== 'GET',
    warnings,
  };
}

function toVariableFrom(c: Candidate, name: string, fallback: string): Variable {
  return toVariable({ name, schema: c.schema, scalar: c.scalar, description: c.description, fallbackDescription: fallback, required: c.required, example: c.example });
}

function firstExample(examples: unknown): unknown {
  if (typeof examples !== 'object' || examples === null) return undefined;
  const first = Object.values(examples)[0] as Schema | undefined;
  return first?.value;
}

function failPath(raw: RawOperation, name: string): never {
  throw new SkipOperation(`${raw.method} ${raw.path}: path parameter ${name} is not a simple value`);
}

/** An operation that cannot become an action; the preview lists it as skipped. */
export class SkipOperation extends AppError {
  constructor(message: string) {
    super('skipped', message, 400);
  }
}

