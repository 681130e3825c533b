import { Router } from 'express';
import { ActionInput, type ActionSpec } from '../../../../shared/action';
import { ConnectionInput } from '../../../../shared/connection';
import { OPENAPI_MAX_BYTES, OpenApiApplyRequest, OpenApiImportRequest } from '../../../../shared/openapi-import';
import { AppError, ValidationError, zodDetails } from '../../errors';
import { planApply, previewOpenApi, type FetchText } from '../../imports/openapi';
import { decodeText, headerText } from '../../net';
import { auditChanges, CONNECTION_SCHEMA, maskAction, maskConnection } from '../../secrets';
import { actorOf, tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';

/** Deadline of fetching one document (or one external `$ref`). */
const FETCH_TIMEOUT_MS = 15_000;

/**
 * OpenAPI / Swagger import: a preview that saves nothing, then apply, which creates the
 * connection and the chosen actions in one transaction. Documents by URL (and their external
 * `$ref`s) are fetched through the network guard with a 5 MB cap.
 */
export function importRoutes(ctx: AppContext): Router {
  const r = Router();
  const fetchText = guardedFetch(ctx);

  const existingNames = async (tenantId: string) => new Set((await ctx.store.listActions(tenantId)).map((a) => a.name));

  r.post('/openapi', async (req, res) => {
    const body = parseInput(OpenApiImportRequest, req.body);
    res.json(await previewOpenApi(body, { existingNames: await existingNames(tenantOf(req).id), fetchText }));
  });

  r.post('/openapi/apply', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const body = parseInput(OpenApiApplyRequest, req.body);
    const preview = await previewOpenApi(body, { existingNames: await existingNames(tenantId), fetchText });
    const plan = planApply(preview, body.operations);
    const connection = ConnectionInput.safeParse({
      name: body.connection.name ?? plan.connection.name,
      baseUrl: body.connection.baseUrl ?? plan.connection.baseUrl,
      auth: body.connection.auth ?? { type: 'none' },
    });
    if (!connection.success) throw new ValidationError('invalid connection', prefixed('connection', connection.error.issues));
    // The store sets each action's connectionId to the new connection; this one only passes validation.
    const actions: ActionSpec[] = plan.actions.map((a, i) => {
      const parsed = ActionInput.safeParse({ ...a, connectionId: 'new-connection' });
      if (!parsed.success) throw new ValidationError(`operation ${plan.operations[i]!.key} cannot become an action`, prefixed(`operations.${i}`, parsed.error.issues));
      return parsed.data;
    });
    const out = await ctx.store.createConnectionWithActions(tenantId, connection.data, actions, {
      actor: actorOf(req),
      connection: auditChanges(null, connection.data, CONNECTION_SCHEMA),
      actions: actions.map((a) => auditChanges(null, a)),
    });
    res.status(201).json({ connection: maskConnection(out.connection), actions: out.actions.map((a) => maskAction(a)) });
  });

  return r;
}

function prefixed(prefix: string, issues: Parameters<typeof zodDetails>[0]) {
  return zodDetails(issues).map((d) => ({ ...d, path: d.path ? `${prefix}.${d.path}` : prefix }));
}

/** Fetches a document's text through the guarded pool: 15 s, 5 MB, same-origin redirects only. */
function guardedFetch(ctx: AppContext): FetchText {
  return async (url) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ValidationError('invalid OpenAPI document URL', [{ path: 'url', message: `not a URL: ${url.slice(0, 200)}` }]);
    }
    const net = await ctx.outbound.send('guarded', {
      origin: u.origin,
      path: u.pathname + u.search,
      method: 'GET',
      headers: { accept: 'application/json, application/yaml, text/yaml, text/plain;q=0.9, */*;q=0.5' },
      timeoutMs: FETCH_TIMEOUT_MS,
      maxBytes: OPENAPI_MAX_BYTES,
      maxRedirects: 3,
    });
    if (net.error?.type === 'too_large') {
      throw new AppError('too_large', `the document at ${url.slice(0, 200)} is larger than ${OPENAPI_MAX_BYTES / 1024 / 1024} MB`, 413, [{ path: 'url', message: `at most ${OPENAPI_MAX_BYTES} bytes` }]);
    }
    if (!net.ok || !net.body) {
      const why = net.status !== undefined ? `it answered ${net.status}` : `${net.error?.type ?? 'network'}: ${net.error?.message ?? 'no answer'}`;
      throw new ValidationError(`could not fetch the OpenAPI document: ${why}`, [{ path: 'url', message: `could not fetch ${url.slice(0, 200)}: ${why}` }]);
    }
    return decodeText(net.body, headerText(net.headers?.['content-type']));
  };
}
