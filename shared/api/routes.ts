import { z } from 'zod';
import { ActionContext, ActionInput, UserDataApiInput } from '../action';
import {
  ActionVersionDetail,
  ActionVersionList,
  ExportDocument,
  ImportBody,
  ImportResult,
  IntercomTestBody,
  IntercomTestResult,
  ModelTestBody,
  ModelTestResult,
  ScenarioRunBody,
  SetupState,
  ZendeskTestBody,
  ZendeskTestResult,
} from '../admin-api';
import { ConnectionInput, ConnectionTestRequest } from '../connection';
import { NextMessage, StartConversation } from '../conversation';
import { OpenApiApplyRequest, OpenApiImportRequest, OpenApiPreview } from '../openapi-import';
import { SettingsInput } from '../settings';
import { CallRecordSchema, ErrorBody } from './common';
import {
  ActionStats,
  AuditEntrySchema,
  CallPage,
  ConfirmResponse,
  ConversationPage,
  CreateToken,
  EndpointTestResult,
  Health,
  SidebarDraft,
  StoredMeta,
  TokenCreated,
  TokenList,
  TurnResponse,
} from './responses';

/** Who may call a route. */
export type RouteAuth = 'admin' | 'operator' | 'sidebar' | 'mcp' | 'signature' | 'none' | 'metrics';

/** One route of the HTTP API: the registry `GET /openapi.json` is generated from. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete' | 'head';
  /** OpenAPI style: `/v1/actions/{id}`. */
  path: string;
  summary: string;
  auth: RouteAuth;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Read-only fields added to a stored document's schema in the answer. */
  stored?: boolean;
  status?: number;
}

const TestBody = z.strictObject({
  action: ActionInput.describe('The action to test, as it would be saved'),
  actionId: z.string().optional().describe('When editing a saved action: masked secrets are taken from it'),
  variables: z.record(z.string(), z.unknown()).default({}).describe('Sample values of the variables'),
  contact: ActionContext.shape.contact.optional().describe('Sample customer for {{contact.*}} placeholders'),
});
const SavedTestBody = TestBody.omit({ action: true, actionId: true });
const Loose = (what: string) => z.object({}).passthrough().describe(what);
const list = (key: string, item: z.ZodType) => z.object({ [key]: z.array(item) });

/** Every route of the API. A test checks that each route mounted in server/src/http is here. */
export const ROUTES: RouteSpec[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', auth: 'none', response: Health },
  { method: 'get', path: '/readyz', summary: 'Readiness: the store answers', auth: 'none', response: Health },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (behind METRICS_TOKEN when set)', auth: 'metrics' },
  { method: 'get', path: '/openapi.json', summary: 'This document', auth: 'none' },
  { method: 'get', path: '/identity/{tenantId}/jwks.json', summary: 'Public keys of the tenant\'s identity assertions', auth: 'none', response: Loose('A JSON Web Key Set') },
  { method: 'post', path: '/v1/tenants', summary: 'Create a tenant (operator token)', auth: 'operator', body: z.strictObject({ name: z.string().describe('Tenant name') }), response: Loose('{id, name, adminToken}'), status: 201 },
  { method: 'get', path: '/v1/actions', summary: 'List actions (secrets masked)', auth: 'admin', response: list('actions', ActionInput) },
  { method: 'post', path: '/v1/actions', summary: 'Create an action', auth: 'admin', body: ActionInput, response: ActionInput, stored: true, status: 201 },
  { method: 'post', path: '/v1/actions/test', summary: 'Test an action before saving', auth: 'admin', body: TestBody, response: EndpointTestResult },
  { method: 'get', path: '/v1/actions/{id}', summary: 'Get an action', auth: 'admin', response: ActionInput, stored: true },
  { method: 'put', path: '/v1/actions/{id}', summary: 'Replace an action (masked secrets kept for the same destination)', auth: 'admin', body: ActionInput, response: ActionInput, stored: true },
  { method: 'delete', path: '/v1/actions/{id}', summary: 'Delete an action', auth: 'admin', status: 204 },
  { method: 'post', path: '/v1/actions/{id}/test', summary: 'Test a saved action', auth: 'admin', body: SavedTestBody, response: EndpointTestResult },
  { method: 'get', path: '/v1/actions/{id}/versions', summary: 'Every saved version of an action, newest first', auth: 'admin', response: ActionVersionList },
  { method: 'get', path: '/v1/actions/{id}/versions/{version}', summary: 'One version of an action as it was saved (secrets masked)', auth: 'admin', response: ActionVersionDetail },
  { method: 'post', path: '/v1/actions/{id}/versions/{version}/restore', summary: 'Restore a version: saved as a new version, with that version\'s own secrets', auth: 'admin', response: ActionInput, stored: true },
  { method: 'get', path: '/v1/connections', summary: 'List connections', auth: 'admin', response: list('connections', ConnectionInput) },
  { method: 'post', path: '/v1/connections', summary: 'Create a connection', auth: 'admin', body: ConnectionInput, response: ConnectionInput, stored: true, status: 201 },
  { method: 'get', path: '/v1/connections/{id}', summary: 'Get a connection', auth: 'admin', response: ConnectionInput, stored: true },
  { method: 'put', path: '/v1/connections/{id}', summary: 'Replace a connection', auth: 'admin', body: ConnectionInput, response: ConnectionInput, stored: true },
  { method: 'delete', path: '/v1/connections/{id}', summary: 'Delete a connection (409 while actions use it)', auth: 'admin', status: 204 },
  { method: 'post', path: '/v1/connections/{id}/test', summary: 'Test a connection', auth: 'admin', body: ConnectionTestRequest, response: EndpointTestResult },
  { method: 'post', path: '/v1/imports/openapi', summary: 'Preview an OpenAPI / Swagger import (saves nothing)', auth: 'admin', body: OpenApiImportRequest, response: OpenApiPreview },
  { method: 'post', path: '/v1/imports/openapi/apply', summary: 'Create the connection and the chosen actions (all or nothing)', auth: 'admin', body: OpenApiApplyRequest, response: Loose('{connection, actions}'), status: 201 },
  { method: 'get', path: '/v1/identity', summary: 'Issuer and JWKS address of the identity assertions', auth: 'admin', response: Loose('{issuer, jwksUrl, keys}') },
  { method: 'post', path: '/v1/identity/rotate', summary: 'Rotate the identity signing key (the previous one stays listed for a day)', auth: 'admin', response: Loose('The new key id') },
  { method: 'get', path: '/v1/user-data-api', summary: 'The User Data API config', auth: 'admin', response: UserDataApiInput },
  { method: 'put', path: '/v1/user-data-api', summary: 'Replace the User Data API config', auth: 'admin', body: UserDataApiInput, response: UserDataApiInput },
  {
    method: 'post',
    path: '/v1/user-data-api/test',
    summary: 'Test the User Data API (the saved one, or a draft)',
    auth: 'admin',
    body: z.strictObject({ email: z.email().describe('Email of a customer to look up'), config: UserDataApiInput.optional().describe('A draft to test before saving') }),
    response: EndpointTestResult,
  },
  { method: 'get', path: '/v1/settings', summary: 'Agent settings and helpdesk credentials (secrets masked)', auth: 'admin', response: SettingsInput },
  { method: 'put', path: '/v1/settings', summary: 'Change settings (omitted groups kept)', auth: 'admin', body: SettingsInput, response: SettingsInput },
  { method: 'post', path: '/v1/settings/zendesk/test', summary: 'Test the Zendesk credentials (saved, or a draft): GET /api/v2/users/me.json', auth: 'admin', body: ZendeskTestBody, response: ZendeskTestResult },
  { method: 'post', path: '/v1/settings/intercom/test', summary: 'Test the Intercom token (saved, or a draft): GET /me proves the app id, GET /admins lists the admins', auth: 'admin', body: IntercomTestBody, response: IntercomTestResult },
  { method: 'post', path: '/v1/settings/model/test', summary: 'One tiny completion through the configured model endpoint', auth: 'admin', body: ModelTestBody, response: ModelTestResult },
  { method: 'get', path: '/v1/setup', summary: 'What is set up: the checklist and the helpdesk panels (webhook URLs, trigger JSON)', auth: 'admin', response: SetupState },
  { method: 'get', path: '/v1/export', summary: 'Export actions, User Data API and settings without secrets', auth: 'admin', response: ExportDocument },
  { method: 'post', path: '/v1/import', summary: 'Import an export (merge or replace; all or nothing; blank secrets listed, their actions disabled)', auth: 'admin', body: ImportBody, response: ImportResult },
  { method: 'post', path: '/v1/scenarios/run', summary: 'Run scenarios (objects or YAML/JSON files) and answer the eval report', auth: 'admin', body: ScenarioRunBody, response: Loose('The eval report: {version, trials, scenarios, summary}') },
  { method: 'get', path: '/v1/tokens', summary: 'List scoped tokens (masked)', auth: 'admin', response: TokenList },
  { method: 'post', path: '/v1/tokens', summary: 'Create a scoped token (shown once)', auth: 'admin', body: CreateToken, response: TokenCreated, status: 201 },
  { method: 'delete', path: '/v1/tokens/{id}', summary: 'Revoke a scoped token', auth: 'admin', status: 204 },
  { method: 'get', path: '/v1/calls', summary: 'The call log, paged', auth: 'admin', response: CallPage },
  { method: 'get', path: '/v1/conversations', summary: 'Conversations, paged', auth: 'admin', response: ConversationPage },
  { method: 'get', path: '/v1/audit', summary: 'Configuration changes', auth: 'admin', response: list('entries', AuditEntrySchema) },
  { method: 'get', path: '/v1/stats/actions', summary: 'Per-action calls, error rate, p50/p95 latency', auth: 'admin', response: ActionStats },
  { method: 'post', path: '/v1/conversations', summary: 'Start a conversation (the channel-agnostic turn)', auth: 'admin', body: StartConversation, response: TurnResponse, status: 201 },
  { method: 'post', path: '/v1/conversations/{id}/messages', summary: 'The next customer message', auth: 'admin', body: NextMessage, response: TurnResponse },
  { method: 'get', path: '/v1/conversations/{id}', summary: 'A conversation: messages, proposals and every call', auth: 'admin', response: Loose('The conversation with `proposals` and `calls`') },
  { method: 'post', path: '/v1/conversations/{id}/proposals/{pid}/confirm', summary: 'The customer confirms a pending write: it runs once', auth: 'admin', response: ConfirmResponse },
  { method: 'post', path: '/v1/conversations/{id}/proposals/{pid}/decline', summary: 'The customer declines a pending write', auth: 'admin', response: ConfirmResponse },
  { method: 'get', path: '/zendesk/tickets/{ticketId}/draft', summary: 'Sidebar: the latest draft of a ticket', auth: 'sidebar', response: SidebarDraft },
  { method: 'post', path: '/zendesk/tickets/{ticketId}/draft', summary: 'Sidebar: draft again', auth: 'sidebar', response: SidebarDraft },
  { method: 'post', path: '/zendesk/tickets/{ticketId}/proposals/{proposalId}/run', summary: 'Sidebar: the agent runs a proposed write (once)', auth: 'sidebar', response: z.object({ proposal: z.record(z.string(), z.unknown()), call: CallRecordSchema.nullable() }) },
  { method: 'post', path: '/zendesk/tickets/{ticketId}/proposals/{proposalId}/decline', summary: 'Sidebar: the agent declines a proposed write', auth: 'sidebar', response: Loose('{proposal}') },
  { method: 'post', path: '/webhooks/zendesk/{tenantId}', summary: 'Zendesk trigger webhook (X-Zendesk-Webhook-Signature)', auth: 'signature', body: Loose('At least {"ticket_id": "{{ticket.id}}"}') },
  { method: 'post', path: '/mcp/{tenantId}', summary: 'MCP (Streamable HTTP): the tenant\'s actions as tools (MCP token or user JWT)', auth: 'mcp', body: Loose('A JSON-RPC message') },
  { method: 'get', path: '/mcp/{tenantId}', summary: 'MCP: no server-initiated stream (405, stateless server)', auth: 'mcp' },
  { method: 'delete', path: '/mcp/{tenantId}', summary: 'MCP: no session to end (405, stateless server)', auth: 'mcp' },
  { method: 'post', path: '/v1/mcp-sources/tools', summary: 'List the tools of a remote MCP server (through the network guard)', auth: 'admin', body: Loose('{url, auth}'), response: Loose('The tools and their import preview') },
  { method: 'post', path: '/v1/mcp-sources/import', summary: 'Import chosen tools of a remote MCP server as actions', auth: 'admin', body: Loose('{url, auth, tools}'), response: Loose('{actions}'), status: 201 },
  { method: 'head', path: '/webhooks/intercom', summary: 'Intercom checks the webhook URL', auth: 'none' },
  { method: 'post', path: '/webhooks/intercom', summary: 'Intercom webhook (X-Hub-Signature)', auth: 'signature', body: Loose('An Intercom notification') },
];

export { ErrorBody };
