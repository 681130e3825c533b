import { specOf } from '../../../../shared/stored';
import { Router } from 'express';
import { ActionInput, UserDataApiInput } from '../../../../shared/action';
import { EXPORT_FORMAT, ImportBody, type ExportDocument, type ImportResult, type SecretRef } from '../../../../shared/admin-api';
import { SettingsInput, type Settings } from '../../../../shared/settings';
import { proveIntercomApp } from '../../channels/intercom';
import { ConflictError, ValidationError, type ErrorDetail } from '../../errors';
import { auditChanges } from '../../secrets';
import type { AuditInput } from '../../store';
import { actorOf, tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';
import { withoutSecrets } from './blank-secrets';
import { canonical, planActions, planSettings, planUserDataApi } from './import-plan';

/** `GET /v1/export`: the tenant's actions, User Data API and settings, each secret "" and listed. */
export function exportRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const [actions, userDataApi, settings] = await Promise.all([ctx.store.listActions(tenantId), ctx.store.getUserDataApi(tenantId), ctx.store.getSettings(tenantId)]);
    const secretsRemoved: SecretRef[] = [];
    const out: ExportDocument = { format: EXPORT_FORMAT, exportedAt: new Date().toISOString(), actions: [], userDataApi: null, settings: null, secretsRemoved };
    for (const a of [...actions].sort((x, y) => x.name.localeCompare(y.name))) {
      const { doc, removed } = withoutSecrets(specOf(a), ActionInput);
      out.actions.push(doc as Record<string, unknown>);
      secretsRemoved.push(...removed.map((path) => ({ action: a.name, path })));
    }
    if (userDataApi) {
      const { updatedAt: _u, ...doc } = userDataApi as typeof userDataApi & { updatedAt?: string };
      const clean = withoutSecrets(doc, UserDataApiInput);
      out.userDataApi = clean.doc as Record<string, unknown>;
      secretsRemoved.push(...clean.removed.map((p) => ({ action: null, path: `userDataApi.${p}` })));
    }
    if (settings) {
      const { updatedAt: _u, ...doc } = settings as Settings & { updatedAt?: string };
      const clean = withoutSecrets(doc, SettingsInput);
      out.settings = clean.doc as Record<string, unknown>;
      secretsRemoved.push(...clean.removed.map((p) => ({ action: null, path: `settings.${p}` })));
    }
    const day = out.exportedAt.slice(0, 10);
    res.setHeader('content-disposition', `attachment; filename="helpdesk-actions-${day}.json"`);
    res.json(out);
  });
  return r;
}

/**
 * `POST /v1/import` (mounted with the larger body limit of documents): validates everything first (400 naming each item and field, nothing
 * written), then writes. The store has no transaction across documents, so a write that still
 * fails (a concurrent edit) undoes the writes made before it, newest first.
 */
export function setupImportRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/', async (req, res) => {
    const body = parseInput(ImportBody, req.body);
    const tenantId = tenantOf(req).id;
    const { store } = ctx;
    const [stored, storedUda, storedSettings, connections] = await Promise.all([
      store.listActions(tenantId),
      store.getUserDataApi(tenantId),
      store.getSettings(tenantId),
      store.listConnections(tenantId),
    ]);

    const problems: ErrorDetail[] = [];
    const toType: SecretRef[] = [];
    const planned = planActions(body.actions, stored, new Map(connections.map((c) => [c.id, c])), problems, toType);
    const uda = planUserDataApi(body.userDataApi, storedUda, problems, toType);
    const settings = planSettings(body.settings, storedSettings, body.mode, problems, toType);
    if (settings) {
      for (const g of ['zendesk', 'intercom'] as const) {
        const url = settings[g].baseUrl;
        const refusal = url && url !== storedSettings?.[g].baseUrl ? ctx.outbound.guard.checkUrl(url) : null;
        if (refusal) problems.push({ path: `settings.${g}.baseUrl`, message: `settings: ${refusal}` });
      }
      const appId = settings.intercom.appId;
      const owner = appId && appId !== storedSettings?.intercom.appId ? await store.tenantByIntercomAppId(appId) : null;
      if (owner && owner.id !== tenantId) problems.push({ path: 'settings.intercom.appId', message: 'settings: this Intercom workspace belongs to another tenant' });
      // An app id is bound only with proof (as on PUT /v1/settings); a file without the token
      // cannot give it, so the id is left as it was and listed for the admin to enter on the page.
      const ic = settings.intercom;
      const was = storedSettings?.intercom;
      if (!owner && ic.appId !== null && (!was || ic.appId !== was.appId || ic.accessToken !== was.accessToken || ic.region !== was.region || ic.baseUrl !== was.baseUrl)) {
        if (await proveIntercomApp(ctx, ic)) {
          settings.intercom = { ...ic, appId: was?.appId ?? null };
          toType.push({ action: null, path: 'settings.intercom.appId' });
        }
      }
    }
    if (problems.length) throw new ValidationError(`invalid import: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing was written`, problems);

    const names = new Set(planned.map((p) => p.spec.name));
    const doomed = body.mode === 'replace' ? stored.filter((a) => !names.has(a.name)) : [];
    const actor = actorOf(req);
    const audit = (entity: AuditInput['entity'], entityId: string | null, op: AuditInput['op'], changes: AuditInput['changes']): AuditInput => ({ actor, entity, entityId, op, changes });
    const undo: (() => Promise<unknown>)[] = [];
    const result: ImportResult = { created: 0, updated: 0, skipped: 0, deleted: 0, userDataApi: 'absent', settings: 'absent', secretsToType: toType };
    try {
      for (const p of planned) {
        if (p.same) {
          result.skipped++;
        } else if (p.existing) {
          const before = specOf(p.existing);
          const id = p.existing.id;
          await store.replaceAction(tenantId, id, p.spec, audit('action', id, 'update', auditChanges(before, p.spec)));
          undo.push(() => store.replaceAction(tenantId, id, before, audit('action', id, 'update', auditChanges(p.spec, before))));
          result.updated++;
        } else {
          const a = await store.createAction(tenantId, p.spec, audit('action', null, 'create', auditChanges(null, p.spec)));
          undo.push(() => store.deleteAction(tenantId, a.id, audit('action', a.id, 'delete', [{ path: 'name', from: a.name }])));
          result.created++;
        }
      }
      if (uda) {
        const same = storedUda !== null && canonical(withoutUpdatedAt(storedUda)) === canonical(uda);
        result.userDataApi = same ? 'skipped' : storedUda ? 'updated' : 'created';
        if (!same) {
          await store.putUserDataApi(tenantId, uda, audit('user_data_api', null, storedUda ? 'update' : 'create', auditChanges(storedUda, uda, UserDataApiInput)));
          const previous = storedUda ?? UserDataApiInput.parse({});
          undo.push(() => store.putUserDataApi(tenantId, previous, audit('user_data_api', null, 'update', auditChanges(uda, previous, UserDataApiInput))));
        }
      }
      if (settings) {
        const same = storedSettings !== null && canonical(withoutUpdatedAt(storedSettings)) === canonical(settings);
        result.settings = same ? 'skipped' : storedSettings ? 'updated' : 'created';
        if (!same) {
          const previous = storedSettings ?? SettingsInput.parse({});
          await store.putSettings(tenantId, settings, audit('settings', null, storedSettings ? 'update' : 'create', auditChanges(previous, settings, SettingsInput)));
          undo.push(() => store.putSettings(tenantId, previous, audit('settings', null, 'update', auditChanges(settings, previous, SettingsInput))));
        }
      }
      // Deletes last: they are the one step that cannot be undone with the same ids.
      for (const a of doomed) {
        if (await store.deleteAction(tenantId, a.id, audit('action', a.id, 'delete', [{ path: 'name', from: a.name }]))) result.deleted++;
      }
    } catch (err) {
      for (const step of undo.reverse()) await step().catch((e: unknown) => ctx.log.error({ err: e, tenantId }, 'import: undoing a write failed'));
      if (err instanceof ConflictError) throw new ConflictError(`${err.message}; the import was undone (someone changed the actions meanwhile): try again`);
      throw err;
    }
    res.json(result);
  });
  return r;
}

function withoutUpdatedAt<T extends object>(doc: T): T {
  const { updatedAt: _u, ...rest } = doc as T & { updatedAt?: unknown };
  return rest as T;
}
