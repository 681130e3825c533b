import { Router } from 'express';
import { IntercomTestBody, ModelTestBody, ZendeskTestBody } from '../../../../shared/admin-api';
import { SettingsInput, type Settings } from '../../../../shared/settings';
import { testIntercomConnection } from '../../channels/intercom';
import { testZendeskConnection } from '../../channels/zendesk';
import { keepSettingsSecrets } from '../../secrets';
import { tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';
import { testModel } from './model-test';

/**
 * "Test connection" buttons of the settings: Zendesk, Intercom and the model, each on the
 * draft being edited. A draft is merged over the stored settings as PUT /v1/settings does
 * (masked secrets kept for the same address only); nothing is saved.
 */
export function connectionTestRoutes(ctx: AppContext): Router {
  const r = Router();

  const draftSettings = async (tenantId: string, group: 'zendesk' | 'intercom', draft: unknown): Promise<Settings> => {
    const stored = await ctx.store.getSettings(tenantId);
    const merged = { ...(stored ?? {}), ...(draft !== undefined ? { [group]: draft } : {}) };
    return parseInput(SettingsInput, keepSettingsSecrets(merged, stored));
  };

  r.post('/zendesk/test', async (req, res) => {
    const body = parseInput(ZendeskTestBody, req.body ?? {});
    const settings = await draftSettings(tenantOf(req).id, 'zendesk', body.zendesk);
    res.json(await testZendeskConnection(ctx, settings.zendesk));
  });

  r.post('/intercom/test', async (req, res) => {
    const body = parseInput(IntercomTestBody, req.body ?? {});
    const settings = await draftSettings(tenantOf(req).id, 'intercom', body.intercom);
    res.json(await testIntercomConnection(ctx, settings.intercom));
  });

  r.post('/model/test', async (req, res) => {
    const body = parseInput(ModelTestBody, req.body ?? {});
    const stored = await ctx.store.getSettings(tenantOf(req).id);
    res.json(await testModel(ctx, body.model ?? stored?.model ?? ctx.config.OPENAI_MODEL));
  });

  return r;
}
