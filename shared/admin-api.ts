import { z } from 'zod';
import { IntercomSettings, ZendeskSettings } from './settings';

/**
 * Requests and answers of the admin routes that set a tenant up: action versions, helpdesk
 * and model connection tests, the setup state, export / import, scenario runs. The admin page
 * reads these shapes; the server validates its input with them.
 */

// ---- action versions

/** One field a saved version changed; secrets come as `to: "changed"`, without values. */
export const VersionChange = z
  .object({
    path: z.string().describe('Dot path of the field, e.g. auth.token or variables.0.name'),
    from: z.unknown().optional().describe('Value before (absent for secrets)'),
    to: z.unknown().optional().describe('Value after, or "changed" for a secret'),
  })
  .describe('A changed field');

/** An item of `GET /v1/actions/:id/versions`. */
export const ActionVersionSummary = z
  .object({
    version: z.number().int().describe('Version number: 1 for the creation, +1 per save'),
    actor: z.string().describe('Who saved it (admin-token:<hash prefix>, a scoped token, import)'),
    at: z.string().describe('When, ISO 8601'),
    changes: z.array(VersionChange).describe('What this save changed compared to the one before'),
  })
  .describe('One saved version of an action');
export type ActionVersionSummary = z.infer<typeof ActionVersionSummary>;

/** `GET /v1/actions/:id/versions`: newest first. */
export const ActionVersionList = z.object({ versions: z.array(ActionVersionSummary).describe('Every version, newest first') });

/** `GET /v1/actions/:id/versions/:version`: the spec as it was saved, secrets masked. */
export const ActionVersionDetail = ActionVersionSummary.extend({
  spec: z.record(z.string(), z.unknown()).describe('The action as it was saved (secrets masked)'),
});

/** Path parameters of the version routes. */
export const VersionParams = z.object({
  id: z.string().min(1).max(100).describe('Action id'),
  version: z.coerce.number().int().min(1, 'must be a version number (1 or more)').max(1_000_000).describe('Version number'),
});

// ---- connection tests

/** `POST /v1/settings/zendesk/test`: a draft of the Zendesk settings (masked secrets keep the stored ones, same address only). */
export const ZendeskTestBody = z.strictObject({
  zendesk: z.unknown().optional().describe('The Zendesk settings as edited; omitted: the saved ones. Masked or omitted secrets keep the stored values for the same address'),
});
export type ZendeskSettingsDraft = z.input<typeof ZendeskSettings>;

export const ZendeskTestResult = z.object({
  ok: z.boolean().describe('Whether the credentials work for an agent or admin'),
  message: z.string().describe('The outcome in words'),
  user: z
    .object({
      id: z.string().describe('Zendesk user id'),
      name: z.string().describe('User name'),
      email: z.string().describe('User email'),
      role: z.string().describe('end-user, agent or admin'),
    })
    .optional()
    .describe('The API user the credentials belong to (GET /api/v2/users/me.json)'),
});
export type ZendeskTestResult = z.infer<typeof ZendeskTestResult>;

/** `POST /v1/settings/intercom/test`. */
export const IntercomTestBody = z.strictObject({
  intercom: z.unknown().optional().describe('The Intercom settings as edited; omitted: the saved ones. Masked or omitted secrets keep the stored values for the same address'),
});
export type IntercomSettingsDraft = z.input<typeof IntercomSettings>;

/** An admin of the Intercom workspace: the AI replies as one of them. */
export const IntercomAdminView = z.object({
  id: z.string().describe('Admin id (the settings\' adminId)'),
  name: z.string().describe('Admin name'),
  email: z.string().describe('Admin email'),
});

export const IntercomTestResult = z.object({
  ok: z.boolean().describe('Whether the token works and belongs to the configured workspace (app id)'),
  message: z.string().describe('The outcome in words'),
  appId: z.string().optional().describe('The workspace the token belongs to (GET /me: app.id_code)'),
  admins: z.array(IntercomAdminView).optional().describe('The workspace\'s admins (GET /admins), for the admin picker'),
});
export type IntercomTestResult = z.infer<typeof IntercomTestResult>;

/** `POST /v1/settings/model/test`. */
export const ModelTestBody = z.strictObject({
  model: z.string().min(1).max(200).optional().describe('Model to try; default: the tenant\'s model setting, else OPENAI_MODEL'),
});

export const ModelTestResult = z.object({
  ok: z.boolean().describe('Whether the model answered a tiny completion'),
  model: z.string().describe('The model tried'),
  baseUrl: z.string().describe('The OpenAI-compatible endpoint (OPENAI_BASE_URL)'),
  message: z.string().describe('The outcome in words, e.g. "the API key was refused"'),
  latencyMs: z.number().describe('How long the attempt took'),
});
export type ModelTestResult = z.infer<typeof ModelTestResult>;

// ---- setup state

/** `GET /v1/setup`: what is set up, for the home page's checklist and the helpdesk panels. */
export const SetupState = z.object({
  tenantId: z.string().describe('The tenant id (part of the Zendesk webhook URL)'),
  publicUrl: z.string().describe('PUBLIC_URL: where helpdesks reach this server'),
  model: z
    .object({
      configured: z.boolean().describe('OPENAI_API_KEY or OPENAI_BASE_URL is set'),
      name: z.string().describe('The model used (tenant setting, else OPENAI_MODEL)'),
      baseUrl: z.string().describe('The endpoint (OPENAI_BASE_URL, else OpenAI)'),
    })
    .describe('The language model'),
  actions: z.object({ count: z.number().int(), tested: z.boolean().describe('Any action was tested from the page') }).describe('Actions'),
  userDataApi: z.object({ configured: z.boolean().describe('Enabled with a URL') }).describe('The User Data API'),
  zendesk: z
    .object({
      configured: z.boolean().describe('Address, credentials and the webhook signing secret are set'),
      webhookUrl: z.string().describe('Endpoint URL of the Zendesk webhook'),
      triggerJson: z.record(z.string(), z.string()).describe('JSON body the Zendesk trigger sends'),
      lastConversationAt: z.string().nullable().describe('Last activity of a Zendesk conversation'),
    })
    .describe('Zendesk'),
  intercom: z
    .object({
      configured: z.boolean().describe('App id, access token, client secret and admin are set'),
      webhookUrl: z.string().describe('Endpoint URL of the Intercom webhook'),
      topics: z.array(z.string()).describe('Webhook topics to subscribe to (customer messages, and a teammate taking over)'),
      lastConversationAt: z.string().nullable().describe('Last activity of an Intercom conversation'),
    })
    .describe('Intercom'),
  conversations: z.object({ count: z.number().int().describe('Conversations (counted up to 1000)'), any: z.boolean() }).describe('Conversations of every channel'),
  sidebarTokens: z.number().int().describe('Zendesk sidebar tokens issued'),
});
export type SetupState = z.infer<typeof SetupState>;

// ---- export / import

/** The export format's name; files without it (hand-written, examples/) are accepted too. */
export const EXPORT_FORMAT = 'helpdesk-actions/v1';

/** Where a secret was removed from an export, or must be typed after an import. */
export const SecretRef = z.object({
  action: z.string().nullable().describe('The action\'s name; null for the User Data API and the settings'),
  path: z.string().describe('Where the secret is: inside the action (auth.token), else from the file\'s root (userDataApi.auth.token, settings.zendesk.apiToken)'),
});
export type SecretRef = z.infer<typeof SecretRef>;

/** `GET /v1/export`: a tenant's setup without its secrets (each secret is ""). */
export const ExportDocument = z
  .object({
    format: z.literal(EXPORT_FORMAT).describe('Format name and version'),
    exportedAt: z.string().describe('When, ISO 8601'),
    actions: z.array(z.record(z.string(), z.unknown())).describe('Actions as POST /v1/actions takes them, secrets ""'),
    userDataApi: z.record(z.string(), z.unknown()).nullable().describe('The User Data API, secrets "" (null when never saved)'),
    settings: z.record(z.string(), z.unknown()).nullable().describe('Agent settings, helpdesk secrets "" (null when never saved)'),
    secretsRemoved: z.array(SecretRef).describe('Every secret left out'),
  })
  .describe('An export of a tenant\'s actions and settings, without secrets');
export type ExportDocument = z.infer<typeof ExportDocument>;

export const MAX_IMPORT_ACTIONS = 500;

/** `POST /v1/import`: an export (or a hand-written file of the same shape) and how to apply it. */
export const ImportBody = z
  .strictObject({
    format: z.literal(EXPORT_FORMAT, { error: `must be ${EXPORT_FORMAT}` }).optional().describe('Format name; optional for hand-written files'),
    exportedAt: z.string().max(100).optional().describe('Ignored'),
    secretsRemoved: z.array(z.unknown()).max(10_000).optional().describe('Ignored: blank secrets are found in the documents'),
    actions: z.array(z.unknown()).max(MAX_IMPORT_ACTIONS).default([]).describe('Actions; matched to the tenant\'s by name'),
    userDataApi: z.unknown().optional().describe('The User Data API; null or absent leaves it alone'),
    settings: z.unknown().optional().describe('Agent settings; null or absent leaves them alone'),
    mode: z
      .enum(['merge', 'replace'])
      .default('merge')
      .describe('merge: create new actions, update those of the same name, keep the others; replace: also delete the actions the file does not have'),
  })
  .describe('An import');

/** What an import did. */
export const ImportResult = z.object({
  created: z.number().int().describe('Actions created'),
  updated: z.number().int().describe('Actions updated (a new version each)'),
  skipped: z.number().int().describe('Actions already identical'),
  deleted: z.number().int().describe('Actions deleted (replace mode)'),
  userDataApi: z.enum(['created', 'updated', 'skipped', 'absent']).describe('What happened to the User Data API'),
  settings: z.enum(['created', 'updated', 'skipped', 'absent']).describe('What happened to the settings'),
  secretsToType: z
    .array(SecretRef)
    .describe('Secrets the file did not carry and no stored value could fill (actions with one are created disabled); also settings.intercom.appId when its token could not prove it'),
});
export type ImportResult = z.infer<typeof ImportResult>;

// ---- scenario runs

export const MAX_RUN_SCENARIOS = 20;

/** A scenario file as the page uploads it. */
export const ScenarioFile = z.strictObject({
  name: z.string().min(1).max(200).describe('File name; .json is read as JSON, anything else as YAML'),
  text: z.string().max(256 * 1024).describe('The file\'s text'),
});

/** `POST /v1/scenarios/run`. */
export const ScenarioRunBody = z
  .strictObject({
    scenarios: z.array(z.unknown()).max(MAX_RUN_SCENARIOS).optional().describe('Scenario objects (shared/scenario.ts)'),
    files: z.array(ScenarioFile).max(MAX_RUN_SCENARIOS).optional().describe('Scenario files (YAML or JSON)'),
    trials: z.number().int().min(1).max(5).default(1).describe('Runs per scenario (pass^k)'),
    timeoutSeconds: z.number().int().min(5).max(600).default(300).describe('Deadline of the whole run; turns past it fail'),
  })
  .superRefine((b, ctx) => {
    const n = (b.scenarios?.length ?? 0) + (b.files?.length ?? 0);
    if (n === 0) ctx.addIssue({ code: 'custom', path: ['scenarios'], message: 'give at least one scenario (scenarios or files)' });
    if (n > MAX_RUN_SCENARIOS) ctx.addIssue({ code: 'custom', path: ['files'], message: `at most ${MAX_RUN_SCENARIOS} scenarios per run` });
  })
  .describe('A scenario run');
