import { Router } from 'express';
import type { SetupState } from '../../../../shared/admin-api';
import { SettingsInput, zendeskApiBase } from '../../../../shared/settings';
import { HANDLED_TOPICS } from '../../channels/intercom';
import type { Channel } from '../../../../shared/conversation';
import type { Store } from '../../store';
import { tenantOf, type AppContext } from '../context';
import { modelConfigured, OPENAI_DEFAULT_BASE_URL } from './model-test';

/** The JSON body the Zendesk trigger sends (README, "Create the trigger"); only ticket_id is required. */
export const ZENDESK_TRIGGER_JSON = { ticket_id: '{{ticket.id}}', current_user_id: '{{current_user.id}}', via: '{{ticket.via}}' } as const;

/** Conversations counted for the checklist: it needs "any", and a figure, not an exact census. */
const MAX_COUNTED_CONVERSATIONS = 1000;
/** Newest call records searched for a test run (the store has no "any test call" query). */
const TEST_CALL_SCAN = 2000;
const PAGE = 1000;

/** `GET /v1/setup`: the tenant's real state, read from the store and the configuration. */
export function setupRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const { store, config } = ctx;
    const [settings, actions, userDataApi, tokens, tested, conversations, lastZendesk, lastIntercom] = await Promise.all([
      store.getSettings(tenantId).then((s) => s ?? SettingsInput.parse({})),
      store.listActions(tenantId),
      store.getUserDataApi(tenantId),
      store.listTokens(tenantId),
      anyTestCall(store, tenantId),
      store.pageConversations(tenantId, { limit: MAX_COUNTED_CONVERSATIONS }),
      lastConversationAt(store, tenantId, 'zendesk'),
      lastConversationAt(store, tenantId, 'intercom'),
    ]);
    const zd = settings.zendesk;
    const ic = settings.intercom;
    const state: SetupState = {
      tenantId,
      publicUrl: config.publicUrl,
      model: { configured: modelConfigured(config), name: settings.model ?? config.OPENAI_MODEL, baseUrl: (config.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '') },
      actions: { count: actions.length, tested },
      userDataApi: { configured: Boolean(userDataApi?.enabled && userDataApi.url) },
      zendesk: {
        configured: Boolean(zendeskApiBase(zd) && ((zd.email && zd.apiToken) || zd.oauthToken) && zd.webhookSecret),
        webhookUrl: `${config.publicUrl}/webhooks/zendesk/${encodeURIComponent(tenantId)}`,
        triggerJson: { ...ZENDESK_TRIGGER_JSON },
        lastConversationAt: lastZendesk,
      },
      intercom: {
        configured: Boolean(ic.appId && ic.accessToken && ic.clientSecret && ic.adminId),
        webhookUrl: `${config.publicUrl}/webhooks/intercom`,
        topics: [...HANDLED_TOPICS],
        lastConversationAt: lastIntercom,
      },
      conversations: { count: conversations.items.length, any: conversations.items.length > 0 },
      sidebarTokens: tokens.filter((t) => t.scope === 'sidebar').length,
    };
    res.json(state);
  });
  return r;
}

async function lastConversationAt(store: Store, tenantId: string, channel: Channel): Promise<string | null> {
  const page = await store.pageConversations(tenantId, { limit: 1, channel });
  return page.items[0]?.updatedAt ?? null;
}

/** Whether any action was tested from the page, among the newest call records (bounded scan). */
async function anyTestCall(store: Store, tenantId: string): Promise<boolean> {
  let cursor: string | undefined;
  for (let seen = 0; seen < TEST_CALL_SCAN; seen += PAGE) {
    const page = await store.pageCalls(tenantId, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    if (page.items.some((c) => c.test === true)) return true;
    if (!page.nextCursor) return false;
    cursor = page.nextCursor;
  }
  return false;
}
