import { z } from 'zod';
import { Auth } from './action';
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

/** A remote MCP server to read tools from: its Streamable HTTP endpoint and how to authenticate. */
export const McpServerTarget = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
      .max(2048)
      .describe("The MCP server's Streamable HTTP endpoint, e.g. https://mcp.example.com/mcp (http only to ALLOWED_PRIVATE_HOSTS)"),
    auth: Auth.default({ type: 'none' })
      .refine((a) => a.type === 'none' || a.type === 'bearer' || a.type === 'header', 'an MCP server takes none, bearer or header authentication')
      .describe('none, bearer or header: sent on every MCP request'),
    timeoutMs: z.number().int().min(1000).max(60_000).default(15_000).describe('Deadline of listing the tools, in milliseconds'),
  })
  .describe('A remote MCP server');

/** `POST /v1/mcp-sources/import`: the chosen tools of a remote MCP server become actions. */
export const McpImportRequest = McpServerTarget.extend({
  tools: z.array(z.string().min(1).max(128)).min(1, 'choose at least one tool').max(30).describe('Remote tool names to import'),
  audience: z.enum(['everyone', 'verified']).default('everyone').describe('Audience of the new actions'),
  enabled: z.boolean().default(true).describe('Whether the new actions are enabled at once'),
}).describe('Import of remote MCP tools as actions');
export type McpImportRequest = z.output<typeof McpImportRequest>;
