import { withScheme, type KeyValue } from '../../../shared/action';
import { PLACEHOLDER, parseBodyTemplate } from '../../../shared/template';
import { isPlainObject, setOwn } from './safe-object';
import { valueText, type VarValue } from './variables';
import type { Endpoint } from './types';

/** A text template split once: literal text and placeholder names, alternating. */
type Part = string | { name: string };
type TextTemplate = readonly Part[];

/** A body template tree; literal subtrees without placeholders are kept as parsed. */
type BodyNode =
  | { kind: 'literal'; value: unknown }
  | { kind: 'value'; name: string }
  | { kind: 'text'; parts: TextTemplate }
  | { kind: 'object'; entries: [string, BodyNode][] }
  | { kind: 'array'; items: BodyNode[] };

/** An endpoint's templates parsed once, reused for every call. */
export interface CompiledEndpoint {
  url: TextTemplate;
  headers: { key: string; value: TextTemplate }[];
  query: { key: string; value: TextTemplate }[];
  body: BodyNode | null;
  /** Every placeholder name used anywhere. */
  names: ReadonlySet<string>;
}

function parseText(template: string, names: Set<string>): TextTemplate {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push({ name: m[1]! });
    names.add(m[1]!);
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

function compileBody(node: unknown, names: Set<string>): BodyNode {
  if (typeof node === 'string') {
    const parts = parseText(node, names);
    if (parts.length === 0 || parts.every((p) => typeof p === 'string')) return { kind: 'literal', value: node };
    const only = parts[0]!;
    if (parts.length === 1 && typeof only !== 'string') return { kind: 'value', name: only.name };
    return { kind: 'text', parts };
  }
  if (Array.isArray(node)) {
    const items = node.map((n) => compileBody(n, names));
    return items.every((i) => i.kind === 'literal') ? { kind: 'literal', value: node } : { kind: 'array', items };
  }
  if (isPlainObject(node)) {
    const entries = Object.keys(node).map((k): [string, BodyNode] => [k, compileBody(node[k], names)]);
    return { kind: 'object', entries };
  }
  return { kind: 'literal', value: node };
}

type CacheEntry = { snapshot: string; compiled: CompiledEndpoint };
const cache = new WeakMap<Endpoint, CacheEntry>();

/** The parts of an endpoint compilation depends on, to notice an endpoint edited in place. */
function snapshotOf(e: Endpoint): string {
  return e.url + '\u0000' + (e.body ?? '') + '\u0000' + kvText(e.headers) + '\u0000' + kvText(e.query);
}

function kvText(list: readonly KeyValue[]): string {
  let s = '';
  for (const kv of list) s += kv.key + '\u0001' + kv.value + '\u0002';
  return s;
}

/**
 * Parses an endpoint's templates; cached per endpoint object. Throws SyntaxError when the
 * body template is not JSON (the schema rejects that on save).
 */
export function compileEndpoint(endpoint: Endpoint): CompiledEndpoint {
  const snapshot = snapshotOf(endpoint);
  const hit = cache.get(endpoint);
  if (hit && hit.snapshot === snapshot) return hit.compiled;
  const names = new Set<string>();
  const compiled: CompiledEndpoint = {
    url: parseText(withScheme(endpoint.url.trim()), names),
    headers: endpoint.headers.map((h) => ({ key: h.key, value: parseText(h.value, names) })),
    query: endpoint.query.map((q) => ({ key: q.key, value: parseText(q.value, names) })),
    body: endpoint.body === null || endpoint.body.trim() === '' ? null : compileBody(parseBodyTemplate(endpoint.body), names),
    names,
  };
  cache.set(endpoint, { snapshot, compiled });
  return compiled;
}

type Values = ReadonlyMap<string, VarValue | null>;

function renderText(parts: TextTemplate, values: Values, encode?: (s: string) => string): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      const text = valueText(values.get(p.name));
      out += encode ? encode(text) : text;
    }
  }
  return out;
}

/** True when a template is one placeholder whose value is absent: the header or parameter is left out. */
function isAbsentSingle(parts: TextTemplate, values: Values): boolean {
  const only = parts[0];
  return parts.length === 1 && typeof only !== 'string' && values.get(only!.name) == null;
}

/** Header values cannot carry line breaks or NUL: a value must not be able to add a header. */
function headerSafe(value: string): string {
  return /[\r\n\0]/.test(value) ? value.replace(/[\r\n\0]+/g, ' ') : value;
}

function renderBody(node: BodyNode, values: Values): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'value': {
      const v = values.get(node.name);
      return v === undefined ? null : v;
    }
    case 'text':
      return renderText(node.parts, values);
    case 'array':
      return node.items.map((i) => renderBody(i, values));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, child] of node.entries) setOwn(out, k, renderBody(child, values));
      return out;
    }
  }
}

/** A request with every template filled, before authentication. */
export interface RenderedRequest {
  url: URL;
  /** Lower-cased name -> [name as written, value]. */
  headers: Map<string, [string, string]>;
  /** The JSON body tree, or undefined for no body. */
  body: unknown;
}

/**
 * Fills the templates. URL values are percent-encoded (encodeURIComponent), query values
 * are form-encoded and appended, header values are text, the body keeps JSON types.
 * Throws TypeError when the filled URL is not a valid URL.
 */
export function renderRequest(compiled: CompiledEndpoint, values: Values): RenderedRequest {
  const url = new URL(renderText(compiled.url, values, encodeURIComponent));
  url.hash = '';
  if (compiled.query.length > 0) {
    const params = new URLSearchParams();
    for (const q of compiled.query) {
      if (!isAbsentSingle(q.value, values)) params.append(q.key, renderText(q.value, values));
    }
    const extra = params.toString();
    // Appended as text so that the template's own query keeps its exact encoding.
    if (extra) url.search = url.search ? `${url.search}&${extra}` : `?${extra}`;
  }
  const headers = new Map<string, [string, string]>();
  for (const h of compiled.headers) {
    if (isAbsentSingle(h.value, values)) continue;
    headers.set(h.key.toLowerCase(), [h.key, headerSafe(renderText(h.value, values))]);
  }
  const body = compiled.body ? renderBody(compiled.body, values) : undefined;
  return { url, headers, body };
}
