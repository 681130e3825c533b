import express, { type RequestHandler } from 'express';
import { ValidationError } from '../errors';
import { jsonProblem } from '../net';

/** Largest request body the JSON API and the webhooks read. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** Deepest nesting an admin body may have: a real config is a few levels deep. */
export const MAX_BODY_DEPTH = 32;

/** A JSON body past the limits above, or with unusable text, is a 400 before any route sees it. */
const checkShape: RequestHandler = (req, _res, next) => {
  const problem = req.body === undefined ? null : jsonProblem(req.body, MAX_BODY_DEPTH);
  next(problem ? new ValidationError(`request body is not acceptable: ${problem}`, [{ path: '', message: problem }]) : undefined);
};

/** The JSON body parser of every JSON route: size cap, then depth and text checks. */
export function jsonBody(): RequestHandler[] {
  return [express.json({ limit: BODY_LIMIT_BYTES, strict: false }), checkShape];
}

/** The raw body of the webhooks (their signatures cover the exact bytes). */
export function rawBody(): RequestHandler {
  return express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });
}
