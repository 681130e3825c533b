import { randomUUID } from 'node:crypto';
import type { CallRecord } from '../../../shared/conversation';
import type { CallErrorType, ExecResult } from '../actions';

const EXCERPT = 500;

/** What a record says about where a call came from. */
export interface CallMeta {
  channel?: string;
  actionVersion?: number;
  mode?: CallRecord['mode'];
  proposalId?: string;
  arguments?: Record<string, unknown>;
  test?: boolean;
}

/** A call record from an executed call; the engine's echo is already masked. */
export function callFromResult(name: string, r: ExecResult, conversationId: string | null, turnId: string | null, meta: CallMeta = {}): CallRecord {
  return {
    ...meta,
    id: randomUUID(),
    conversationId,
    turnId,
    action: name,
    method: r.request.method,
    url: r.request.url,
    status: r.status ?? null,
    ok: r.ok,
    durationMs: r.durationMs,
    ...(r.error ? { errorType: r.error.type, errorMessage: r.error.message.slice(0, 300) } : {}),
    requestHeaders: r.request.headers,
    responseExcerpt: (r.modelText ?? '').slice(0, EXCERPT),
    at: new Date().toISOString(),
  };
}

/** A call record for a call the server refused before any request was made. */
export function refusedCall(
  name: string,
  method: string,
  url: string,
  type: CallErrorType,
  message: string,
  conversationId: string | null,
  turnId: string | null,
  meta: CallMeta = {},
): CallRecord {
  return {
    ...meta,
    id: randomUUID(),
    conversationId,
    turnId,
    action: name.slice(0, 64),
    method,
    url,
    status: null,
    ok: false,
    durationMs: 0,
    errorType: type,
    errorMessage: message,
    requestHeaders: {},
    responseExcerpt: '',
    at: new Date().toISOString(),
  };
}

/** A stable key of a call (action + arguments with sorted keys) for confirmations and retry limits. */
export function callKey(action: string, args: Record<string, unknown>): string {
  return action + ':' + stableJson(args);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== null && o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
