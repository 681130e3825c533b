import { z } from 'zod';
import { isMasked, secretField } from './secrets';

/**
 * MCP (Model Context Protocol): the tenant's actions served to MCP clients, and the claims
 * of the user JWT a tenant's backend signs for one end user.
 */

/** The least length of the HS256 key: a shorter one can be guessed offline from one token. */
export const MIN_JWT_SECRET_LENGTH = 32;

/** The `mcp` group of a tenant's settings. */
export const McpSettings = z
  .strictObject({
    userJwtSecret: secretField(
      z
        .string()
        .max(4096)
        .refine((v) => isMasked(v) || v.length >= MIN_JWT_SECRET_LENGTH, `must be at least ${MIN_JWT_SECRET_LENGTH} characters`)
        .describe(
          'HS256 key your backend signs user JWTs with (claims sub, email, verified, exp) to open /mcp/:tenantId for one end user. Write-only: stored encrypted, returned masked; the masked value sent back keeps it. null: user JWTs are refused',
        ),
      // Only checks what callers send us; it never travels anywhere, so it is bound to no address.
      { outbound: false },
    )
      .nullable()
      .default(null),
  })
  .describe('MCP endpoint of the tenant');
export type McpSettings = z.output<typeof McpSettings>;

/** The claims of a user JWT (HS256, signed by the tenant's backend with `mcp.userJwtSecret`). */
export const McpUserClaims = z
  .object({
    sub: z.string().min(1).max(200).describe("The end user's id in the tenant's system: the MCP conversation is theirs"),
    email: z.email().max(320).optional().describe("The end user's email (the {{contact.email}} variable of actions)"),
    name: z.string().max(200).optional().describe("The end user's name"),
    verified: z.boolean().default(false).describe('true: the tenant vouches for this identity, so verified-only actions are offered'),
    exp: z.number().int().describe('Expiry (seconds since the epoch); required'),
  })
  .describe('User JWT claims');
export type McpUserClaims = z.output<typeof McpUserClaims>;
