import type { NetHeaders } from '../net';
import { isCredentialName as isCredentialHeader, maskSecret } from '../../../shared/secrets';
import type { Redactor } from '../secrets';
import { parseBody } from '../net';
import { setOwn } from '../../../shared/safe-object';
import { capText, shapeResponse } from './shape';
import type { CallErrorType, Endpoint, ExecResult } from './types';

/** Most characters of an error answer's body shown to the model. */
const ERROR_EXCERPT_CHARS = 1000;

/** A result without the fields the attempt loop fills in. */
export type Outcome = Omit<ExecResult, 'durationMs' | 'attempts' | 'request'>;

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** Turns a complete answer into the result: parsed, masked, shaped for the model, typed error for 4xx/5xx. */
export function interpret(endpoint: Endpoint, status: number, rawHeaders: NetHeaders, bytes: Buffer, redactor: Redactor): Outcome {
  const headers = echoResponseHeaders(rawHeaders, redactor);
  const contentType = headerText(rawHeaders['content-type']);
  const parsed = parseBody(bytes, contentType);
  if (!parsed.ok) {
    const excerpt = parsed.text ? capText(redactor.text(parsed.text), ERROR_EXCERPT_CHARS) : null;
    return { ok: false, status, response: { status, headers, body: excerpt }, error: { type: 'invalid_response', message: parsed.message } };
  }
  // Masking walks the tree only when a secret may be inside (escapes can hide one from a text search).
  const data = redactor.empty || (!parsed.text.includes('\\') && !redactor.has(parsed.text)) ? parsed.data : redactor.tree(parsed.data);
  const response = { status, headers, body: data };

  if (status >= 400) {
    const type: CallErrorType = status >= 500 ? 'http_5xx' : 'http_4xx';
    const excerpt = data === null ? '' : capText(asText(data), Math.min(ERROR_EXCERPT_CHARS, endpoint.response.maxChars));
    return {
      ok: false,
      status,
      response,
      modelText: `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`,
      error: { type, message: `the API answered HTTP ${status}` },
    };
  }
  if (status < 200 || status >= 300) {
    return { ok: false, status, response, error: { type: 'invalid_response', message: `unexpected HTTP status ${status}` } };
  }
  const modelText = data === null ? `HTTP ${status}, no content` : capText(asText(shapeResponse(data, endpoint.response.fields)), endpoint.response.maxChars);
  return { ok: true, status, response, modelText };
}

/** A header as one string (repeated headers joined). */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Response headers for the echo: one string per header, credentials (e.g. set-cookie) masked. */
export function echoResponseHeaders(headers: NetHeaders, redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headerText(headers[name]);
    if (value === undefined) continue;
    setOwn(out, name, isCredentialHeader(name) ? maskSecret(value) : redactor.empty ? value : redactor.text(value));
  }
  return out;
}
