import type { ErrorRequestHandler, RequestHandler } from 'express';
import { BODY_LIMIT_BYTES } from './body';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/** A request body over BODY_LIMIT_BYTES (body-parser's refusal and the webhook fast path's). */
export function bodyTooLarge(): AppError {
  return new AppError('payload_too_large', `request body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`, 413);
}

/** The body of an AppError's answer: `{error: {code, message, details?}}`. */
export function errorBody(err: AppError): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
}

/** A request body that JSON.parse refuses (body-parser's refusal and the fast paths'). */
export function malformedJson(): AppError {
  return new AppError('malformed_json', 'request body is not valid JSON', 400);
}

/**
 * The one error shape, `{error: {code, message, details?}}`, and its status, for whatever a route
 * threw; never a stack trace. Errors that are the server's fault are logged.
 */
export function errorResponse(err: unknown, log: Logger, path: string): { status: number; body: ReturnType<typeof errorBody> } {
  if (err instanceof AppError) {
    if (err.status >= 500) log.error({ err: { code: err.code, message: err.message }, path }, 'request failed');
    return { status: err.status, body: errorBody(err) };
  }
  // body-parser's errors carry a `type` and a `status`.
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return { status: 413, body: errorBody(bodyTooLarge()) };
  if (type === 'entity.parse.failed') return { status: 400, body: errorBody(malformedJson()) };
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return { status: 415, body: { error: { code: 'unsupported_encoding', message: 'unsupported content encoding' } } };
  }
  log.error({ err }, 'unhandled error');
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}

/** Express's error handler: {@link errorResponse}. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    const r = errorResponse(err, log, req.path);
    res.status(r.status).json(r.body);
  };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
};
