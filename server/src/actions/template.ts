import { withScheme, type KeyValue } from '../../../shared/action';
import { PLACEHOLDER, parseBodyTemplate } from '../../../shared/template';
import { isPlainObject, setOwn } from '../../../shared/safe-object';
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

/**
 * A URL template whose origin has no placeholder, split once by the URL parser into the
 * canonical origin and a path-and-query template: a call then builds two strings and
 * needs no URL parsing (the hot path of every action).
 */
interface SplitUrl {
  origin: string;
  /** The origin parsed, for the network guard. */
  originUrl: URL;
  /** Path and query (no fragment), placeholders in place. */
  path: TextTemplate;
}

/** An endpoint's templates parsed once, reused for every call. */
export interface CompiledEndpoint {
  url: TextTemplate;
  /** Null when a placeholder is in the scheme, host or port: each call parses its URL. */
  split: SplitUrl | null;
  headers: { key: string; value: TextTemplate }[];
  query: { key: string; value: TextTemplate }[];
  body: BodyNode | null;
  /** Every placeholder name used anywhere. */
  names: ReadonlySet<string>;
  /** No header value has a placeholder: the headers are the same on every call. */
  staticHeaders: boolean;
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

/** What compilation read, to notice an endpoint whose fields were replaced. */
type CacheEntry = { url: string; body: string | null; headers: readonly KeyValue[]; query: readonly KeyValue[]; compiled: CompiledEndpoint };
const cache = new WeakMap<Endpoint, CacheEntry>();

/**
 * Parses an endpoint's templates; cached per endpoint object (replacing its url, body,
 * headers or query recompiles; header and query lists are taken as immutable). Throws
 * SyntaxError when the body template is not JSON (the schema rejects that on save).
 */
export function compileEndpoint(endpoint: Endpoint): CompiledEndpoint {
  const hit = cache.get(endpoint);
  if (hit && hit.url === endpoint.url && hit.body === endpoint.body && hit.headers === endpoint.headers && hit.query === endpoint.query) {
    return hit.compiled;
  }
  const names = new Set<string>();
  const headers = endpoint.headers.map((h) => ({ key: h.key, value: parseText(h.value, names) }));
  const url = parseText(withScheme(endpoint.url.trim()), names);
  const compiled: CompiledEndpoint = {
    url,
    split: splitUrl(url),
    headers,
    query: endpoint.query.map((q) => ({ key: q.key, value: parseText(q.value, names) })),
    body: endpoint.body === null || endpoint.body.trim() === '' ? null : compileBody(parseBodyTemplate(endpoint.body), names),
    names,
    staticHeaders: headers.every((h) => h.value.every((p) => typeof p === 'string')),
  };
  cache.set(endpoint, { url: endpoint.url, body: endpoint.body, headers: endpoint.headers, query: endpoint.query, compiled });
  return compiled;
}

const TOKEN = 'zqph';

/**
 * Runs the URL parser once over the template with a token per placeholder, so that the
 * literal parts come out exactly as the parser writes them (encoding, dot segments, an
 * empty path as "/"), then cuts the result at the tokens. Gives up (null) when a
 * placeholder is in the origin or the parser moved or dropped one.
 */
function splitUrl(parts: TextTemplate): SplitUrl | null {
  let sample = '';
  const names: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      if (p.includes(TOKEN)) return null;
      sample += p;
    } else {
      sample += `${TOKEN}${names.length}x`;
      names.push(p.name);
    }
  }
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.host.includes(TOKEN)) return null;
  url.hash = '';
  const origin = url.origin;
  if (!url.href.startsWith(origin)) return null;
  const rest = url.href.slice(origin.length);
  const path: Part[] = [];
  let from = 0;
  for (let i = 0; i < names.length; i++) {
    const token = `${TOKEN}${i}x`;
    const at = rest.indexOf(token, from);
    if (at < 0) return null;
    if (at > from) path.push(rest.slice(from, at));
    path.push({ name: names[i]! });
    from = at + token.length;
  }
  if (from < rest.length) path.push(rest.slice(from));
  return { origin, originUrl: new URL(origin), path };
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

/** Whether the path (before `?`) of a path-and-query string has a `.` or `..` segment. */
function hasDotSegment(pathAndQuery: string): boolean {
  if (!pathAndQuery.includes('/.')) return false;
  const end = pathAndQuery.search(/[?#]/);
  const path = end < 0 ? pathAndQuery : pathAndQuery.slice(0, end);
  return /(^|\/)\.\.?(\/|$)/.test(path);
}

/** A request with every template filled, before authentication. */
export interface RenderedRequest {
  /** `https://host:port` */
  origin: string;
  /** Path and query, percent-encoded. */
  path: string;
  /** origin + path */
  url: string;
  /** A parsed URL with the request's scheme and host, for the network guard. */
  guardUrl: URL;
  /** Lower-cased name -> [name as written, value]. */
  headers: Map<string, [string, string]>;
  /** The JSON body tree, or undefined for no body. */
  body: unknown;
}

/**
 * Percent-encodes a URL value strictly (RFC 3986): encodeURIComponent, plus `!'()*`, so
 * the text is the same whether or not a URL parser runs over it later.
 */
export function encodeUrlValue(value: string): string {
  const e = encodeURIComponent(value);
  return /[!'()*]/.test(e) ? e.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : e;
}

/** Thrown when a variable value would change which resource the URL names. */
const DOT_SEGMENT = 'a URL variable cannot be "." or ".."';

/** Origin and path of the filled URL, without query parameters from `query`. */
function renderUrl(compiled: CompiledEndpoint, values: Values): { origin: string; path: string; guardUrl: URL } {
  const split = compiled.split;
  if (split) {
    const path = renderText(split.path, values, encodeUrlValue);
    // encodeURIComponent keeps `.` and `..`, which a server (or a URL parser) resolves:
    // a value of ".." must not walk up the path to another endpoint of the API.
    if (hasDotSegment(path)) throw new TypeError(DOT_SEGMENT);
    return { origin: split.origin, path, guardUrl: split.originUrl };
  }
  const raw = renderText(compiled.url, values, encodeUrlValue);
  const authority = raw.indexOf('//');
  const pathStart = raw.indexOf('/', authority < 0 ? 0 : authority + 2);
  if (pathStart >= 0 && hasDotSegment(raw.slice(pathStart))) throw new TypeError(DOT_SEGMENT);
  const url = new URL(raw);
  return { origin: url.origin, path: url.pathname + url.search, guardUrl: url };
}

/**
 * Fills the templates. URL values are percent-encoded ({@link encodeUrlValue}), query values
 * are form-encoded and appended, header values are text, the body keeps JSON types.
 * Throws TypeError when the filled URL is not a valid URL or a value is a dot segment.
 */
export function renderRequest(compiled: CompiledEndpoint, values: Values): RenderedRequest {
  const target = renderUrl(compiled, values);
  let path = target.path;
  if (compiled.query.length > 0) {
    const params = new URLSearchParams();
    for (const q of compiled.query) {
      if (!isAbsentSingle(q.value, values)) params.append(q.key, renderText(q.value, values));
    }
    const extra = params.toString();
    // Appended as text so that the template's own query keeps its exact encoding.
    if (extra) path += (path.includes('?') ? '&' : '?') + extra;
  }
  const headers = new Map<string, [string, string]>();
  for (const h of compiled.headers) {
    if (isAbsentSingle(h.value, values)) continue;
    headers.set(h.key.toLowerCase(), [h.key, headerSafe(renderText(h.value, values))]);
  }
  const body = compiled.body ? renderBody(compiled.body, values) : undefined;
  return { origin: target.origin, path, url: target.origin + path, guardUrl: target.guardUrl, headers, body };
}
