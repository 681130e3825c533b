import { z } from 'zod';
import { McpSettings } from './mcp';
import { secretField } from './secrets';

/**
 * A helpdesk credential. `outbound`: sent to the helpdesk's API, so bound to its address;
 * inbound signing secrets only check what the helpdesk sends us.
 */
const secret = (what: string, outbound = true) =>
  secretField(
    z
      .string()
      .max(4096)
      .describe(`${what}. Write-only: stored encrypted, returned masked; the masked value sent back keeps it (for the same address only)`),
    { outbound },
  )
    .nullable()
    .default(null);

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
  .nullable()
  .default(null)
  .describe('Overrides the API address (a proxy, or a local stand-in in tests); https only (http only to ALLOWED_PRIVATE_HOSTS); null uses the real API');

/** Zendesk credentials of a tenant. */
export const ZendeskSettings = z
  .strictObject({
    subdomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'must be the subdomain only, e.g. acme for acme.zendesk.com')
      .nullable()
      .default(null)
      .describe('Zendesk subdomain: acme for acme.zendesk.com'),
    email: z.email().nullable().default(null).describe('Agent email used with the API token'),
    apiToken: secret('Zendesk API token (used with email as email/token basic auth)'),
    oauthToken: secret('Zendesk OAuth access token (instead of email and API token)'),
    webhookSecret: secret('Signing secret of the Zendesk webhook', false),
    baseUrl,
  })
  .describe('Zendesk connection');

/** Intercom's REST API host of each data hosting region (the one place that says it). */
export const INTERCOM_REGION_HOSTS = {
  us: 'https://api.intercom.io',
  eu: 'https://api.eu.intercom.io',
  au: 'https://api.au.intercom.io',
} as const;

/** Intercom credentials of a tenant. */
export const IntercomSettings = z
  .strictObject({
    appId: z
      .string()
      .regex(/^[a-z0-9]{4,32}$/i, 'must be the Intercom workspace (app) id')
      .nullable()
      .default(null)
      .describe('Intercom workspace id (app_id)'),
    accessToken: secret('Intercom access token'),
    clientSecret: secret('Client secret of the Intercom app: signs webhook notifications', false),
    adminId: z.string().regex(/^[0-9]{1,20}$/, 'must be a numeric admin id').nullable().default(null).describe('Admin the AI replies as'),
    region: z.enum(['us', 'eu', 'au']).default('us').describe('Data hosting region of the workspace'),
    identityVerification: z
      .boolean()
      .default(false)
      .describe('Whether the workspace enforces identity verification: only then are users treated as verified'),
    baseUrl,
  })
  .describe('Intercom connection');

/** How a customer's explicit confirmation of a write action is taken. */
export const ConfirmationSettings = z
  .strictObject({
    byText: z
      .boolean()
      .default(true)
      .describe('Typed confirmation: a short "yes" (or "no") as the very next message confirms (or declines) the one pending action; for channels without buttons'),
    ttlMinutes: z.number().int().min(1).max(1440).default(15).describe('Minutes a proposed write action waits for its confirmation before it expires'),
  })
  .describe('Confirmation of write actions');

/** A tenant's agent settings and helpdesk credentials. */
export const SettingsInput = z
  .strictObject({
    instructions: z.string().max(8000).default('').describe('Instructions for the AI: tone, policies, what it may do'),
    fallbackReply: z
      .string()
      .min(1)
      .max(2000)
      .default("Sorry, I can't look that up right now. A teammate will follow up.")
      .describe('Reply used when the AI is unavailable'),
    model: z.string().max(200).nullable().default(null).describe('Model name; null uses the server default (OPENAI_MODEL)'),
    agentName: z.string().max(100).default('Support assistant').describe('Name the AI signs with; the {{agent_name}} context variable'),
    confirmation: ConfirmationSettings.default(ConfirmationSettings.parse({})),
    zendesk: ZendeskSettings.default(ZendeskSettings.parse({})),
    intercom: IntercomSettings.default(IntercomSettings.parse({})),
    mcp: McpSettings.default(McpSettings.parse({})),
  })
  .describe('Agent settings');
export type SettingsInput = z.input<typeof SettingsInput>;
export type Settings = z.output<typeof SettingsInput>;

/** The Zendesk API address of a tenant's settings: the override, else the subdomain's; null when neither is set. */
export function zendeskApiBase(s: Pick<z.output<typeof ZendeskSettings>, 'baseUrl' | 'subdomain'>): string | null {
  if (s.baseUrl) return s.baseUrl.replace(/\/+$/, '');
  return s.subdomain ? `https://${s.subdomain.toLowerCase()}.zendesk.com` : null;
}

/** The Intercom API address of a tenant's settings: the override, else the region's host. */
export function intercomApiBase(s: Pick<z.output<typeof IntercomSettings>, 'baseUrl' | 'region'>): string {
  return (s.baseUrl ?? INTERCOM_REGION_HOSTS[s.region] ?? INTERCOM_REGION_HOSTS.us).replace(/\/+$/, '');
}
