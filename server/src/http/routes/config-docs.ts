import { Router } from 'express';
import { z } from 'zod';
import { UserDataApiInput } from '../../../../shared/action';
import { SettingsInput } from '../../../../shared/settings';
import { proveIntercomApp } from '../../channels/intercom';
import { ValidationError } from '../../errors';
import { actorOf, tenantOf, type AppContext } from '../context';
import { auditChanges, keepEndpointSecrets, keepSettingsSecrets, maskSettings, maskUserDataApi } from '../../secrets';
import { parseInput, withoutReadOnly } from '../validate';
import { runEndpointTest } from './endpoint-test';

const UserDataTest = z.strictObject({
  email: z.email().describe('Email of a customer to look up'),
  config: z.unknown().optional().describe('The User Data API as edited, tested before saving (masked secrets are taken from the stored one, for the same address only)'),
});

/** The User Data API config and its test. */
export function userDataApiRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const doc = (await ctx.store.getUserDataApi(tenantOf(req).id)) ?? UserDataApiInput.parse({});
    res.json(maskUserDataApi(doc));
  });
  r.put('/', async (req, res) => {
    const before = await ctx.store.getUserDataApi(tenantOf(req).id);
    const doc = parseInput(UserDataApiInput, keepEndpointSecrets(withoutReadOnly(req.body, ['updatedAt']), before, UserDataApiInput));
    await ctx.store.putUserDataApi(tenantOf(req).id, doc, {
      actor: actorOf(req),
      entity: 'user_data_api',
      entityId: null,
      op: before ? 'update' : 'create',
      changes: auditChanges(before, doc, UserDataApiInput),
    });
    res.json(maskUserDataApi(doc));
  });
  r.post('/test', async (req, res) => {
    const { email, config } = parseInput(UserDataTest, req.body);
    const stored = await ctx.store.getUserDataApi(tenantOf(req).id);
    const doc = config === undefined ? stored : parseInput(UserDataApiInput, keepEndpointSecrets(withoutReadOnly(config, ['updatedAt']), stored, UserDataApiInput), 'config');
    if (!doc?.url) throw new ValidationError('the User Data API has no URL', [{ path: config === undefined ? 'url' : 'config.url', message: 'enter the URL to call' }]);
    res.json(await runEndpointTest(ctx, tenantOf(req).id, doc, {}, { email }, 'user_data_api'));
  });
  return r;
}

/** Agent settings and helpdesk credentials. Omitted groups keep their stored values. */
export function settingsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json(maskSettings((await ctx.store.getSettings(tenantOf(req).id)) ?? SettingsInput.parse({})));
  });
  r.put('/', async (req, res) => {
    const before = await ctx.store.getSettings(tenantOf(req).id);
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new ValidationError('invalid request body', [{ path: '', message: 'expected a JSON object' }]);
    }
    const merged = { ...(before ?? {}), ...withoutReadOnly(req.body, ['updatedAt']) as object };
    const doc = parseInput(SettingsInput, keepSettingsSecrets(merged, before));
    // A helpdesk address passes the network guard now, not at the first webhook: plain http
    // only to ALLOWED_PRIVATE_HOSTS, never a private or metadata address.
    const problems = (['zendesk', 'intercom'] as const).flatMap((g) => {
      const url = doc[g].baseUrl;
      const refusal = url && url !== before?.[g].baseUrl ? ctx.outbound.guard.checkUrl(url) : null;
      return refusal ? [{ path: `${g}.baseUrl`, message: refusal }] : [];
    });
    if (problems.length) throw new ValidationError('invalid request body', problems);
    // App ids are public: one is bound only when the access token proves the workspace (GET /me).
    const ic = doc.intercom;
    const was = before?.intercom;
    if (ic.appId !== null && (!was || ic.appId !== was.appId || ic.accessToken !== was.accessToken || ic.region !== was.region || ic.baseUrl !== was.baseUrl)) {
      const problem = await proveIntercomApp(ctx, ic);
      if (problem) throw new ValidationError('the Intercom app id is not proven by the access token', [problem]);
    }
    await ctx.store.putSettings(tenantOf(req).id, doc, {
      actor: actorOf(req),
      entity: 'settings',
      entityId: null,
      op: before ? 'update' : 'create',
      changes: auditChanges(before ?? SettingsInput.parse({}), doc, SettingsInput),
    });
    res.json(maskSettings(doc));
  });
  return r;
}
