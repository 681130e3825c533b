import { OPENAPI_MAX_BYTES } from '../../../../shared/openapi-import';
import { AppError, ValidationError } from '../../errors';

/** A 400 for a document the import cannot use, naming where the problem is. */
export function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`invalid OpenAPI document: ${message}`, [{ path, message }]);
}

/** A 413 for a document (or a fetched part of one) over the size cap. */
export function tooLarge(what: string): AppError {
  return new AppError('too_large', `${what} is larger than ${OPENAPI_MAX_BYTES / 1024 / 1024} MB`, 413, [
    { path: 'document', message: `at most ${OPENAPI_MAX_BYTES} bytes` },
  ]);
}
