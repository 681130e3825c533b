import express, { type RequestHandler } from 'express';
import { AppError, ValidationError } from '../errors';
import { jsonProblem } from '../net';

/** Largest request body the JSON API and the webhooks read. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** Deepest nesting an admin body may have: a real config is a few levels deep. */
export const MAX_BODY_DEPTH = 32;

/**
 * Why a parsed body is refused (too deep, unusable text), or null: the 400 before any route sees
 * it. With the JSON `text` it was parsed from, the tree is walked only when the text could hold a problem.
 */
export function bodyShapeError(body: unknown, maxDepth = MAX_BODY_DEPTH, text?: string): ValidationError | null {
  const problem = body === undefined ? null : jsonProblem(body, maxDepth, text);
  return problem ? new ValidationError(`request body is not acceptable: ${problem}`, [{ path: '', message: problem }]) : null;
}

/** A JSON body past the limits above, or with unusable text, is a 400 before any route sees it. */
const shapeCheck =
  (maxDepth: number): RequestHandler =>
  (req, _res, next) => {
    next(bodyShapeError(req.body, maxDepth) ?? undefined);
  };
const checkShape = shapeCheck(MAX_BODY_DEPTH);

/** The JSON body parser of every JSON route: size cap, then depth and text checks. */
export function jsonBody(): RequestHandler[] {
  return [express.json({ limit: BODY_LIMIT_BYTES, strict: false }), checkShape];
}

/**
 * Largest body of the OpenAPI import routes: a 5 MB document, plus what JSON escaping of its
 * text adds. The document itself is held to 5 MB by the import (413 naming it).
 */
export const DOCUMENT_BODY_LIMIT_BYTES = 6 * 1024 * 1024;
/** Real specs nest schemas deeply; the import walks them with its own bounds. */
const DOCUMENT_MAX_DEPTH = 256;

/** The body parser of the import routes: a larger cap and depth than the rest of the API. */
export function documentBody(): RequestHandler[] {
  const parse = express.json({ limit: DOCUMENT_BODY_LIMIT_BYTES, strict: false });
  const capped: RequestHandler = (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(new AppError('payload_too_large', `request body is larger than ${DOCUMENT_BODY_LIMIT_BYTES / 1024 / 1024} MB`, 413));
      }
      next(err);
    });
  return [capped, shapeCheck(DOCUMENT_MAX_DEPTH)];
}

/** The raw body of the webhooks (their signatures cover the exact bytes). */
export function rawBody(): RequestHandler {
  return express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });
}
