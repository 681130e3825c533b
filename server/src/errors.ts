/**
 * The one error base class. Only programmer and configuration errors, and request errors
 * the HTTP layer turns into a status, are thrown; failures of customer APIs are data.
 */
export class AppError extends Error {
  constructor(
    /** Machine-readable code, e.g. `validation_failed`, `not_found`. */
    readonly code: string,
    message: string,
    /** HTTP status this error maps to when it reaches a route. */
    readonly status = 500,
    /** Per-field problems: `{path, message}`. */
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: { path: string; message: string }[] = []) {
    super('validation_failed', message, 400, details);
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

export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_error', message, 500);
  }
}

/** Turns zod issues into the API's `details` array. */
export function zodDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
