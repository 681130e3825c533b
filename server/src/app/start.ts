import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import { ActionExecutor, Credentials } from '../actions';
import { Agent, type AgentLimits } from '../agent';
import { channelHandlers } from '../channels';
import { loadConfig, type Config } from '../config';
import { createApp, withFastPaths } from '../http';
import type { AppContext } from '../http';
import { hashToken, newAdminToken } from '../http';
import { InboxWorker, RetentionJob, type InboxHandler, type RetentionOptions, type WorkerOptions } from '../inbox';
import { createLogger, type Logger } from '../logger';
import { Metrics } from '../metrics';
import { Outbound } from '../net';
import { openStore, type Store } from '../store';

export interface StartOptions {
  /** Environment to parse (default process.env). */
  env?: NodeJS.ProcessEnv;
  logDestination?: DestinationStream;
  agentLimits?: Partial<AgentLimits>;
  worker?: Partial<WorkerOptions>;
  /** Extra retry base for the executor (tests make it short). */
  retryBaseMs?: number;
  /** Retention job timing and clock (tests make them short); `days` comes from RETENTION_DAYS. */
  retention?: Partial<Omit<RetentionOptions, 'days'>>;
  /** The clock of OAuth token expiry and identity assertions (tests move it). */
  now?: () => number;
}

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  store: Store;
  ctx: AppContext;
  log: Logger;
  /** Set when this start created the first tenant. */
  bootstrapToken?: string;
  /** Deletes old conversations, calls and audit entries (RETENTION_DAYS); emits `swept`. */
  retention: RetentionJob;
  close(): Promise<void>;
}

/** Boots the whole server: config, store, first tenant, HTTP, inbox workers. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(opts.env ?? process.env);
  const log = createLogger(config.LOG_LEVEL, opts.logDestination);
  const store = await openStore(config);
  const metrics = new Metrics();
  // The one outbound stack: every pool the server opens is here, and closed on shutdown.
  const outbound = new Outbound({ allowedPrivateHosts: config.ALLOWED_PRIVATE_HOSTS, ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}) });
  const credentials = new Credentials({ store, outbound, publicUrl: config.publicUrl, ...(opts.now ? { now: opts.now } : {}) });
  const executor = new ActionExecutor({ outbound, credentials });
  const agent = new Agent({ store, executor, outbound, config, log, metrics }, opts.agentLimits);

  let worker: InboxWorker | undefined;
  const ctx: AppContext = { config, store, log, metrics, outbound, executor, credentials, agent, wakeWorkers: () => worker?.wake() };
  const handlers: Partial<Record<string, InboxHandler>> = channelHandlers(ctx);
  worker = new InboxWorker(store, handlers, log, { concurrency: config.WORKER_CONCURRENCY, leaseMs: config.INBOX_LEASE_MS, ...opts.worker });

  const bootstrapToken = await bootstrapTenant(store, config, log);
  const app = createApp(ctx);
  const server: Server = createServer(
    {
      // Whole headers, then the whole request (body included), must arrive within these; once
      // the body is in, a slow handler (a synchronous draft) is not cut off by them.
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      // Node enforces both only when it sweeps its connections (every 30 s by default), so sweep
      // often enough that the bounds hold to within a fraction of themselves.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 4))),
    },
    withFastPaths(ctx, app),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  worker.start();
  const retention = new RetentionJob(store, log, { days: config.RETENTION_DAYS, ...opts.retention });
  retention.start();
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST}:${port}`;
  log.info({ url, store: store.kind }, 'server listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting, let in-flight requests finish, then the workers' items, then the store.
      // Keep-alive connections that go idle after their last response are closed as they do.
      await new Promise<void>((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      await retention.stop();
      await worker!.stop();
      await outbound.close();
      await store.close();
      log.info('server stopped');
    })());

  return { url, port, config, store, ctx, log, retention, close, ...(bootstrapToken ? { bootstrapToken } : {}) };
}

/** On an empty store: the `default` tenant, its admin token in DATA_DIR/admin-token (0600). */
async function bootstrapTenant(store: Store, config: Config, log: Logger): Promise<string | undefined> {
  if ((await store.countTenants()) > 0) return undefined;
  const token = newAdminToken();
  const tenant = await store.createTenant('default', hashToken(token));
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const file = path.resolve(config.DATA_DIR, 'admin-token');
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  log.info({ tenantId: tenant.id, tokenFile: file, adminUrl: `${config.publicUrl}/admin` }, 'created the default tenant; its admin token is in the token file');
  return token;
}
