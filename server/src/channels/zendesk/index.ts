/**
 * The Zendesk channel: the inbox handler that drafts and adds the internal note, the
 * services the sidebar routes use, and the Zendesk API client they share. The webhook and
 * the sidebar routes themselves live in http/.
 */
export { zendeskHandler } from './handler';
export { ZendeskClient, type ZendeskClientOptions, type ZendeskFailure, type ZendeskResult } from './client';
export { tenantSettings, zendeskClientFor } from './connection';
export { testZendeskConnection } from './connection-test';
export { draftTurn, postDraftNote, postRunNote } from './draft';
export { readTicket, requesterMessage } from './ticket';
export { WebhookPayload } from './types';
