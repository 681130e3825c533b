import { z } from 'zod';
import { Auth, DEFAULT_TIMEOUT_MS, KeyValue, MAX_TIMEOUT_MS } from './action';
import { isContextVariable, placeholderNames } from './template';
import type { Stored } from './stored';

/**
 * A connection: what several actions of one API share (base URL, auth, headers, timeout).
 * An action names it by `connectionId` and gives its URL as a path; editing the connection
 * changes every action on it. Its secrets follow the same model as an action's (sealed,
 * masked, kept only for the same origin).
 */
export const ConnectionInput = z
  .strictObject({
    name: z.string().trim().min(1, 'name must not be empty').max(100).describe('Name shown to admins, e.g. "Orders API"'),
    baseUrl: z
      .string()
      .trim()
      .min(1, 'base URL is required')
      .max(2048)
      .describe('Base URL every action path is appended to, e.g. https://api.example.com/v2 (https, or http to an allowed private host)'),
    auth: Auth.default({ type: 'none' }),
    headers: z.array(KeyValue).max(50).default([]).describe('Headers sent with every action call; an action header of the same name wins'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(MAX_TIMEOUT_MS)
      .default(DEFAULT_TIMEOUT_MS)
      .describe('Timeout of one call in milliseconds (max 120000); an action that sets a timeout other than the default keeps its own'),
  })
  .superRefine((c, ctx) => {
    const problem = baseUrlProblem(c.baseUrl);
    if (problem) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: problem });
    c.headers.forEach((h, i) => {
      for (const name of placeholderNames(h.value)) {
        if (!isContextVariable(name)) ctx.addIssue({ code: 'custom', path: ['headers', i, 'value'], message: `unknown variable {{${name}}}: connection headers may use context variables only` });
      }
    });
    if (c.auth.type === 'body') ctx.addIssue({ code: 'custom', path: ['auth'], message: 'body authentication is per action: a connection cannot add a field to every body' });
  })
  // One spelling: no trailing slash, so base + "/path" never doubles it.
  .transform((c) => ({ ...c, baseUrl: c.baseUrl.replace(/\/+$/, '') }));
export type ConnectionInput = z.input<typeof ConnectionInput>;
/** A validated connection with every default filled. */
export type ConnectionSpec = z.output<typeof ConnectionInput>;

/** A stored connection: the spec plus read-only fields. */
export type Connection = Stored<ConnectionSpec>;

/** Why a base URL cannot be used, or null. No placeholders: the host must be fixed. */
export function baseUrlProblem(url: string): string | null {
  if (/\{\{/.test(url)) return 'the base URL cannot contain {{placeholders}}';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL: write it with its scheme, e.g. https://api.example.com';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'the base URL must use https (or http to an allowed private host)';
  if (u.username || u.password) return 'put credentials in Authentication, not in the URL';
  if (u.search || u.hash || /[?#]/.test(url)) return 'the base URL cannot have a query or fragment';
  return null;
}

/** The origin (scheme, host, port) of a connection's base URL; null when it does not parse. */
export function connectionOrigin(baseUrl: string): string | null {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return null;
  }
}

/** `POST /v1/connections/:id/test`: one call to a path of the connection. */
export const ConnectionTestRequest = z
  .strictObject({
    path: z.string().max(2048).default('/').describe('Path under the base URL, e.g. /health'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').describe('HTTP method'),
    contact: z
      .strictObject({
        id: z.string().max(256).optional().describe('Customer id in the helpdesk'),
        email: z.string().max(320).optional().describe('Customer email'),
      })
      .optional()
      .describe('Sample customer (identity_jwt connections assert it)'),
    verified: z.boolean().default(false).describe('Whether the sample customer counts as identity-verified'),
  })
  .describe('A test call through the connection');
export type ConnectionTestRequest = z.infer<typeof ConnectionTestRequest>;
