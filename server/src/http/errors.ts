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

/** The one error shape: `{error: {code, message, details?}}`; never a stack trace. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof AppError) {
      if (err.status >= 500) log.error({ err: { code: err.code, message: err.message }, path: req.path }, 'request failed');
      res.status(err.status).json(errorBody(err));
      return;
    }
    // body-parser's errors carry a `type` and a `status`.
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json(errorBody(bodyTooLarge()));
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: 'request body is not valid JSON' } });
      return;
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json({ error: { code: 'unsupported_encoding', message: 'unsupported content encoding' } });
      return;
    }
    log.error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
};
