import SwaggerParser from '@apidevtools/swagger-parser';
import { CORE_SCHEMA, load as loadYamlFast } from 'js-yaml';
import { parse as parseYaml } from 'yaml';
import { OPENAPI_MAX_BYTES } from '../../../../shared/openapi-import';
import { AppError, ValidationError } from '../../errors';
import { invalid as bad, tooLarge } from './invalid';
import { externalRefs, findRef, resolveSchemaIds } from './refs';

/** A document that passed the checks, its `$ref`s replaced by what they point to. */
export interface LoadedDocument {
  specVersion: '2.0' | '3.0' | '3.1';
  /** Dereferenced; may contain cycles (circular schemas), so walk it with a depth bound. */
  doc: Record<string, any>;
  /** Where the document came from, to resolve a relative server URL. */
  sourceUrl?: string;
}

/** Fetches a URL's text (the caller routes it through the network guard with a timeout). */
export type FetchText = (url: string) => Promise<string>;

/** YAML aliases allowed per document: real specs use few; a "billion laughs" needs many. */
const MAX_ALIAS_COUNT = 200;
/** External documents one import may pull in through `fetchText`. */
const MAX_EXTERNAL_DOCUMENTS = 20;
/** Parses JSON or YAML text with a size cap and an alias cap (no entity-expansion bombs). */
export function parseDocumentText(text: string, path = 'document'): unknown {
  if (Buffer.byteLength(text, 'utf8') > OPENAPI_MAX_BYTES) throw tooLarge('the document');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // Not strict JSON: YAML (a superset) gets a chance and gives the better error.
    }
  }
  try {
    // js-yaml is several times faster on large specs and keeps an alias as a shared
    // reference (memory stays linear). A shared object means aliases: then `yaml` parses
    // again and counts them, refusing an entity-expansion bomb before anything walks it.
    const fast = loadYamlFast(text, { schema: CORE_SCHEMA, json: true });
    if (!hasSharedObjects(fast)) return fast;
    return parseYaml(text, { maxAliasCount: MAX_ALIAS_COUNT, prettyErrors: false, uniqueKeys: false });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? 'unreadable';
    const bomb = /alias/i.test(msg);
    throw bad(path, bomb ? `too many YAML aliases (at most ${MAX_ALIAS_COUNT}): ${msg}` : `neither JSON nor YAML: ${msg}`);
  }
}

/** Whether any object or array is reachable twice (only YAML aliases make that). */
function hasSharedObjects(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (seen.has(node)) return true;
    seen.add(node);
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  return false;
}

/** Detects the document's version, or says why it is not Swagger 2.0 / OpenAPI 3.0 / 3.1. */
function specVersionOf(doc: unknown): LoadedDocument['specVersion'] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('document', 'not an object');
  const d = doc as Record<string, unknown>;
  let version: LoadedDocument['specVersion'];
  if (d.swagger !== undefined) {
    if (String(d.swagger) !== '2.0') throw bad('swagger', `unsupported Swagger version ${String(d.swagger)}: only 2.0`);
    version = '2.0';
  } else if (typeof d.openapi === 'string' && /^3\.[01]\.\d+/.test(d.openapi)) {
    version = d.openapi.startsWith('3.0') ? '3.0' : '3.1';
  } else if (d.openapi !== undefined) {
    throw bad('openapi', `unsupported OpenAPI version ${String(d.openapi)}: use 3.0.x or 3.1.x`);
  } else {
    throw bad('document', 'not an OpenAPI document: it has no "openapi" or "swagger" field');
  }
  const hasPaths = typeof d.paths === 'object' && d.paths !== null && !Array.isArray(d.paths);
  if (!hasPaths && !(version === '3.1' && (d.webhooks !== undefined || d.components !== undefined))) {
    throw bad('paths', 'the document has no paths object');
  }
  return version;
}

/** The library's options: its own file and HTTP readers off; only `fetchText` reaches out. */
function parserOptions(fetchText: FetchText | undefined): SwaggerParser.Options {
  let fetched = 0;
  const resolve: Record<string, unknown> = { file: false, http: false, external: fetchText !== undefined };
  if (fetchText) {
    resolve.guarded = {
      order: 1,
      canRead: /^https?:\/\//i,
      read: async (file: { url: string }) => {
        if (++fetched > MAX_EXTERNAL_DOCUMENTS) throw new Error(`more than ${MAX_EXTERNAL_DOCUMENTS} external documents`);
        return fetchText(file.url);
      },
    };
  }
  return {
    resolve: resolve as SwaggerParser.Options['resolve'],
    // Only our parser: size- and alias-capped, for the root and every fetched document alike.
    parse: {
      json: false,
      yaml: false,
      text: false,
      binary: false,
      capped: { order: 1, canParse: true, parse: (file: { data: unknown; url: string }) => parseFetched(file.data, file.url) },
    } as unknown as SwaggerParser.Options['parse'],
    dereference: { circular: true },
    validate: { schema: false, spec: false },
  } as SwaggerParser.Options;
}

function parseFetched(data: unknown, url: string): unknown {
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : typeof data === 'string' ? data : undefined;
  if (text === undefined) return data;
  return parseDocumentText(text, url);
}

/**
 * Parses, checks and dereferences a document. Internal `$ref`s are always resolved;
 * external ones only through `fetchText` (absolute http(s) URLs, or relative to `url`),
 * never by the library's own file or network access.
 */
export async function loadDocument(
  input: { document?: string | object; url?: string },
  fetchText?: FetchText,
): Promise<LoadedDocument> {
  let raw: unknown;
  if (input.document !== undefined) {
    raw = typeof input.document === 'string' ? parseDocumentText(input.document) : structuredCloneSafe(input.document);
  } else if (input.url !== undefined) {
    if (!fetchText) throw bad('url', 'fetching a document by URL is not available here');
    let text: string;
    try {
      text = await fetchText(input.url);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw bad('url', `could not fetch the document: ${(err as Error).message}`);
    }
    raw = parseDocumentText(text, 'url');
  } else {
    throw bad('document', 'give a document or a url');
  }
  const specVersion = specVersionOf(raw);

  if (specVersion === '3.1') resolveSchemaIds(raw);
  const external = externalRefs(raw);
  const base = input.url;
  if (external.length > 0) {
    const unreachable = external.filter((e) => !fetchText || !(/^https?:\/\//i.test(e.ref) || base));
    if (unreachable.length > 0) {
      throw new ValidationError(
        'invalid OpenAPI document: external $refs are not supported; bundle the document into one file',
        unreachable.slice(0, 20).map((e) => ({ path: e.path, message: `external $ref "${e.ref.slice(0, 200)}" is not allowed` })),
      );
    }
  }

  let doc: unknown;
  try {
    const options = parserOptions(fetchText);
    doc = base
      ? await SwaggerParser.dereference(base, raw as never, options)
      : await SwaggerParser.dereference(raw as never, options);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw refError(err, raw);
  }
  return { specVersion, doc: doc as Record<string, any>, sourceUrl: base };
}

/** Turns the library's resolver errors into a 400 naming the broken `$ref` and where it is. */
function refError(err: unknown, raw: unknown): ValidationError {
  const message = String((err as Error)?.message ?? 'unreadable $ref').split('\n')[0]!.slice(0, 500);
  const pointer = /"([^"]*#[^"]*)"/.exec(message)?.[1];
  const ref = pointer === undefined ? undefined : pointer.startsWith('#') ? pointer : pointer.slice(pointer.indexOf('#'));
  const where = ref === undefined ? undefined : findRef(raw, ref);
  return bad(where ?? 'document', /\$ref/i.test(message) ? `broken $ref: ${message}` : message);
}

/** Copies a caller's object so that dereferencing never mutates it; refuses non-JSON values. */
function structuredCloneSafe(value: object): unknown {
  try {
    return structuredClone(value);
  } catch {
    throw bad('document', 'the document object is not plain JSON');
  }
}
