/**
 * The one error model. Only programmer and configuration errors, and request errors the
 * HTTP layer turns into a status, are thrown; failures of customer APIs are data.
 */

/** Every machine-readable error code the server uses, in one place. */
export type ErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'payload_too_large'
  | 'too_large'
  | 'blocked'
  | 'skipped'
  | 'unsupported_encoding'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'secret_required'
  | 'disabled'
  | 'invalid_notification'
  | 'rate_limited'
  | 'upstream_failed'
  | 'zendesk_not_configured'
  | 'not_configured'
  | 'retry_later'
  | 'config_error'
  | 'internal';

/** Per-field problem of a request: the field's dot path and what is wrong. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The base of every error the server throws on purpose. */
export class AppError extends Error {
  constructor(
    /** Machine-readable code. */
    readonly code: ErrorCode,
    message: string,
    /** HTTP status this error maps to when it reaches a route. */
    readonly status = 500,
    /** Per-field problems. */
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('validation_failed', message, 400, details);
  }
}

/** A kept (masked or omitted) secret would go to a new destination: it must be typed again. */
export class SecretRequiredError extends AppError {
  constructor(details: ErrorDetail[]) {
    super('secret_required', 'the destination changed: type the secret again for the new address', 400, details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', message, 409);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'missing or invalid token') {
    super('unauthorized', message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('forbidden', message, 403);
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_error', message, 500);
  }
}

/** A delivery that failed for a passing reason: the inbox gives it back for a later retry. */
export class RetryLaterError extends AppError {
  constructor(message: string) {
    super('retry_later', message, 503);
    this.name = 'RetryLaterError';
  }
}

/** Turns zod issues into the API's `details` array. */
export function zodDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ErrorDetail[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
