import type { z } from 'zod';
import { ValidationError, zodDetails } from '../errors';

/** Parses a request part with a schema; a 400 with each issue's path and reason otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, what = 'request body'): z.output<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new ValidationError(`invalid ${what}`, zodDetails(r.error.issues));
  return r.data;
}

/** Removes the read-only fields GET returns, so a GET result can be PUT back unchanged. */
export function withoutReadOnly(body: unknown, fields: readonly string[]): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy = { ...(body as Record<string, unknown>) };
  for (const f of fields) delete copy[f];
  return copy;
}
