import { documentBody, jsonBody } from './body';
import express, { type Express, type RequestHandler } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths';
import { tenantAuth } from './auth';
import { openApiDocument } from './openapi';
import type { AppContext } from './context';
import { UnauthorizedError } from '../errors';
import { errorHandler, notFound } from './errors';
import { actionRoutes } from './routes/actions';
import { settingsRoutes, userDataApiRoutes } from './routes/config-docs';
import { connectionRoutes } from './routes/connections';
import { scenarioRoutes } from './routes/scenarios';
import { conversationRoutes } from './routes/conversations';
import { exportRoutes, setupImportRoutes } from './routes/export';
import { connectionTestRoutes } from './routes/helpdesk-test';
import { identityRoutes, jwksRoute } from './routes/identity';
import { importRoutes } from './routes/imports';
import { mcpSourceRoutes, mountMcp } from './mcp';
import { logRoutes } from './routes/logs';
import { setupRoutes } from './routes/setup';
import { statsRoutes } from './routes/stats';
import { tenantRoutes } from './routes/tenants';
import { tokenRoutes } from './routes/tokens';
import { versionRoutes } from './routes/versions';
import { mountZendeskSidebar } from './routes/zendesk-sidebar';
import { intercomMount } from './webhooks/intercom';
import { bearer, safeEqual } from './tokens';
import { mountZendeskWebhook } from './webhooks/zendesk';

/** Routers mounted before the JSON API (webhooks need the raw body, so they parse their own). */
export type Mount = (app: Express, ctx: AppContext) => void;

/** The Express application: middleware, webhooks, the sidebar, the `/v1` API, health, metrics, the admin page. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const end = ctx.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : req.baseUrl || 'unmatched';
      ctx.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, store: ctx.store.kind });
  });
  // Ready when the store answers: a load balancer sends no traffic to an instance that cannot serve it.
  app.get('/readyz', async (_req, res) => {
    try {
      await ctx.store.countTenants();
      res.json({ ok: true, store: ctx.store.kind });
    } catch {
      res.status(503).json({ ok: false, store: ctx.store.kind });
    }
  });
  app.get('/metrics', metricsAuth(ctx.config.METRICS_TOKEN), async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  mountZendeskWebhook(app, ctx);
  intercomMount(app, ctx);
  mountZendeskSidebar(app, ctx);
  mountMcp(app, ctx);

  app.get('/identity/:tenantId/jwks.json', jwksRoute(ctx));
  // Generated once: the registry does not change while the server runs.
  let openapi: string | undefined;
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send((openapi ??= JSON.stringify(openApiDocument(ctx.config.publicUrl))));
  });

  const json = jsonBody();
  app.use('/v1/tenants', json, tenantRoutes(ctx));
  // OpenAPI documents and whole setups are larger than the API's usual body limit: their own parser, first.
  app.use('/v1/imports', documentBody(), tenantAuth(ctx.store), importRoutes(ctx));
  app.use('/v1/import', documentBody(), tenantAuth(ctx.store), setupImportRoutes(ctx));
  app.use('/v1', json, tenantAuth(ctx.store));
  // First: a turn is the hottest request, and every router passed costs a path match. Its GET is
  // only `/:id`, so the paged list (GET /v1/conversations) still reaches the log routes below.
  app.use('/v1/conversations', conversationRoutes(ctx));
  app.use('/v1/actions', actionRoutes(ctx));
  app.use('/v1/connections', connectionRoutes(ctx));
  app.use('/v1/identity', identityRoutes(ctx));
  app.use('/v1/actions', versionRoutes(ctx));
  app.use('/v1/user-data-api', userDataApiRoutes(ctx));
  app.use('/v1/settings', settingsRoutes(ctx));
  app.use('/v1/settings', connectionTestRoutes(ctx));
  app.use('/v1/tokens', tokenRoutes(ctx));
  app.use('/v1/setup', setupRoutes(ctx));
  app.use('/v1/export', exportRoutes(ctx));
  app.use('/v1/scenarios', scenarioRoutes(ctx));
  // GET /v1/conversations (the paged list) and /v1/calls are served by the logs.
  app.use('/v1/mcp-sources', mcpSourceRoutes(ctx));
  app.use('/v1', logRoutes(ctx));
  app.use('/v1/stats', statsRoutes(ctx));

  mountAdmin(app);
  app.use(notFound);
  app.use(errorHandler(ctx.log));
  return app;
}

/** `/metrics` names routes and volumes: behind METRICS_TOKEN when one is configured, open otherwise. */
function metricsAuth(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token === undefined) return next();
    const given = bearer(req.headers.authorization);
    if (given === null || !safeEqual(given, token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedError(given === null ? 'missing bearer token' : 'invalid token');
    }
    next();
  };
}

/**
 * The admin page loads only its own bundle (inline script, plugins and foreign connections
 * are refused, so an injected string cannot run or exfiltrate the admin token) and may be
 * framed only by itself and the helpdesks that embed it.
 */
const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self' https://*.zendesk.com https://*.intercom.com https://*.intercom.io",
].join('; ');

const adminSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Content-Security-Policy': ADMIN_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
  next();
};

function mountAdmin(app: Express): void {
  const dir = path.join(repoRoot(), 'server', 'public', 'admin');
  app.get('/', (_req, res) => res.redirect('/admin/'));
  app.use('/admin', adminSecurityHeaders);
  if (fs.existsSync(path.join(dir, 'index.html'))) {
    app.use('/admin', express.static(dir, { index: 'index.html', maxAge: '1h' }));
    app.get('/admin/{*rest}', (_req, res) => res.sendFile(path.join(dir, 'index.html')));
  } else {
    app.get('/admin', (_req, res) => {
      res.type('text').send('The admin page is not built yet: run `npm run build`.');
    });
  }
}
