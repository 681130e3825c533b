import { z } from 'zod';

/** Rows per page: at most this many, whatever is asked. */
export const MAX_PAGE = 200;

/**
 * `limit` and `cursor` of a paged list. A limit up to 1000 is accepted and served as pages of
 * at most 200 (clients written before paging asked for up to 1000; `nextCursor` says there is more).
 */
export const pageFields = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(50)
    .transform((n) => Math.min(n, MAX_PAGE))
    .describe('Rows per page, 1..200 (default 50; up to 1000 accepted and served as 200)'),
  cursor: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor this server returned')
    .optional()
    .describe('The nextCursor of the previous page; absent for the first page'),
};
