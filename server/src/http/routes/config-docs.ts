import { Router } from 'express';
import { z } from 'zod';
import { UserDataApiInput } from '../../../../shared/action';
import { SettingsInput } from '../../../../shared/settings';
import { ValidationError } from '../../errors';
import type { AppContext } from '../context';
import { auditChanges, keepEndpointSecrets, keepSettingsSecrets, maskEndpoint, maskSettings } from '../redact';
import { parseInput, withoutReadOnly } from '../validate';
import { runEndpointTest } from './endpoint-test';

const UserDataTest = z.strictObject({ email: z.email().describe('Email of a customer to look up') });

/** The User Data API config and its test. */
export function userDataApiRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const doc = (await ctx.store.getUserDataApi(req.tenant!.id)) ?? UserDataApiInput.parse({});
    res.json(maskEndpoint(doc));
  });
  r.put('/', async (req, res) => {
    const before = await ctx.store.getUserDataApi(req.tenant!.id);
    const doc = parseInput(UserDataApiInput, keepEndpointSecrets(withoutReadOnly(req.body, ['updatedAt']), before));
    await ctx.store.putUserDataApi(req.tenant!.id, doc, {
      actor: req.actor!,
      entity: 'user_data_api',
      entityId: null,
      op: before ? 'update' : 'create',
      changes: auditChanges(before, doc),
    });
    res.json(maskEndpoint(doc));
  });
  r.post('/test', async (req, res) => {
    const { email } = parseInput(UserDataTest, req.body);
    const doc = await ctx.store.getUserDataApi(req.tenant!.id);
    if (!doc?.url) throw new ValidationError('the User Data API has no URL yet', [{ path: 'url', message: 'save a URL first' }]);
    res.json(await runEndpointTest(ctx, req.tenant!.id, doc, {}, { email }, 'user_data_api'));
  });
  return r;
}

/** Agent settings and helpdesk credentials. Omitted groups keep their stored values. */
export function settingsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    res.json(maskSettings((await ctx.store.getSettings(req.tenant!.id)) ?? SettingsInput.parse({})));
  });
  r.put('/', async (req, res) => {
    const before = await ctx.store.getSettings(req.tenant!.id);
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new ValidationError('invalid request body', [{ path: '', message: 'expected a JSON object' }]);
    }
    const merged = { ...(before ?? {}), ...withoutReadOnly(req.body, ['updatedAt']) as object };
    const doc = parseInput(SettingsInput, keepSettingsSecrets(merged, before));
    await ctx.store.putSettings(req.tenant!.id, doc, {
      actor: req.actor!,
      entity: 'settings',
      entityId: null,
      op: before ? 'update' : 'create',
      changes: auditChanges(before ?? SettingsInput.parse({}), doc),
    });
    res.json(maskSettings(doc));
  });
  return r;
}
