import type { Readable } from 'node:stream';
import { AppError } from '../errors';

/** 1 MiB: the most of an answer the engine reads. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Thrown when an answer is larger than the cap; the stream is destroyed at that point. */
export class TooLargeError extends AppError {
  constructor(readonly limit: number) {
    super('too_large', `response larger than ${limit} bytes`, 502);
    this.name = 'TooLargeError';
  }
}

/** The part of undici's body this module uses. */
type Body = Readable & { bytes(): Promise<Uint8Array> };

/**
 * Reads a body up to `limit` bytes and stops (destroying the connection) as soon as it
 * is over: a huge or endless answer costs at most `limit` bytes of memory. With a declared
 * length within the limit, undici's own framing already stops at that length, so the
 * faster whole-body read is used.
 */
export async function readCapped(body: Body, limit: number, declaredLength = NaN): Promise<Buffer> {
  if (declaredLength <= limit) {
    const bytes = await body.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new TooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** Content types that are not data the model can read. */
const BINARY = /^(image|audio|video|font)\/|^application\/(octet-stream|pdf|zip|gzip|x-tar|x-7z-compressed|vnd\.|msword|x-protobuf|protobuf)/;

/** What an answer's content type says about how to read it. */
export type BodyKind = 'json' | 'text' | 'binary' | 'unknown';

export function bodyKind(contentType: string | undefined): BodyKind {
  if (!contentType) return 'unknown';
  if (contentType === 'application/json' || contentType.startsWith('application/json;')) return 'json';
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json') || type === 'text/json') return 'json';
  if (BINARY.test(type) && !type.endsWith('+xml')) return 'binary';
  return 'text';
}

/** Decodes text in the declared charset when Node knows it, UTF-8 otherwise. */
export function decodeText(bytes: Buffer, contentType: string | undefined): string {
  if (!contentType || !contentType.includes('charset')) return bytes.toString('utf8');
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // Unknown charset label: fall back to UTF-8 below.
    }
  }
  return bytes.toString('utf8');
}

/** Deepest JSON nesting accepted: deeper answers are not data a support reply needs, and walking them recursively would overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/** Values jsonProblem walks at most. */
const MAX_JSON_VALUES = 2_000_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string holds a lone UTF-16 surrogate (valid JSON, but not text: encoders throw on it). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/**
 * Why a parsed JSON tree is not acceptable data (nested deeper than `maxDepth`, or a
 * string or key with a lone surrogate), or null. Iterative: it must not overflow itself.
 */
export function jsonProblem(root: unknown, maxDepth = MAX_JSON_DEPTH, text?: string): string | null {
  // Given the JSON text the tree was parsed from, the walk is skipped when that text cannot hold a problem.
  if (text !== undefined && !mayBeUnusableJson(text, maxDepth)) return null;
  const stack: [unknown, number][] = [[root, 0]];
  let seen = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++seen > MAX_JSON_VALUES) return 'too many values';
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return 'a string is not valid UTF-16 (lone surrogate)';
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth) return `nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
    } else {
      for (const k of Object.keys(v)) {
        if (hasLoneSurrogate(k)) return 'a key is not valid UTF-16 (lone surrogate)';
        stack.push([(v as Record<string, unknown>)[k], depth + 1]);
      }
    }
  }
  return null;
}

/**
 * Whether JSON text can parse into a tree jsonProblem refuses: a lone surrogate can only come
 * from a `\u` escape (decoded bytes never hold one), nesting deeper than `maxDepth` needs more
 * opening brackets than that, and more values than the walk's bound need more characters. A
 * typical answer passes this scan and skips the walk (a stack entry per value).
 */
export function mayBeUnusableJson(text: string, maxDepth = MAX_JSON_DEPTH): boolean {
  if (text.length >= MAX_JSON_VALUES || text.includes('\\u')) return true;
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 0x7b || c === 0x5b) && ++open > maxDepth) return true;
  }
  return false;
}

/** The parsed answer, or why it cannot be read. */
export type ParsedBody = { ok: true; data: unknown; text: string } | { ok: false; message: string; text: string };

/**
 * Turns the bytes into data: JSON when the content type says so (malformed JSON is an
 * error), text for text types, JSON-or-text when no type is given; binary is refused.
 */
export function parseBody(bytes: Buffer, contentType: string | undefined): ParsedBody {
  const kind = bodyKind(contentType);
  if (kind === 'binary') return { ok: false, message: `binary content (${contentType}) cannot be read`, text: '' };
  const text = decodeText(bytes, contentType);
  if (text.length === 0) return { ok: true, data: null, text };
  if (kind === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      return { ok: false, message: `malformed JSON: ${(err as Error).message}`, text };
    }
    const problem = jsonProblem(data, MAX_JSON_DEPTH, text);
    return problem ? { ok: false, message: `unusable JSON: ${problem}`, text: '' } : { ok: true, data, text };
  }
  if (text.includes('\u0000')) return { ok: false, message: 'binary content cannot be read', text: '' };
  if (kind === 'unknown' && /^\s*[[{]/.test(text)) {
    try {
      const data: unknown = JSON.parse(text);
      const problem = jsonProblem(data, MAX_JSON_DEPTH, text);
      return problem ? { ok: false, message: `unusable JSON: ${problem}`, text: '' } : { ok: true, data, text };
    } catch {
      // Not JSON after all: keep it as text.
    }
  }
  return { ok: true, data: text, text };
}
