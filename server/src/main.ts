import { startServer, type RunningServer } from './app';
import { ConfigError } from './errors';

/** `npm start`: boots the server and stops it gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // The handlers are in place before the server can print that it is up: a signal that
  // arrives right after the banner still stops it gracefully.
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    if (!server) process.exit(0);
    server.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err) => {
        server!.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const s = await startServer();
  server = s;
  if (stopping) {
    await s.close();
    process.exit(0);
  }
  process.stdout.write(
    `\nHelpdesk actions server on ${s.url} (store: ${s.store.kind})\n` +
      `Admin page: ${s.config.publicUrl}/admin\n` +
      (s.bootstrapToken ? `Admin token of the default tenant: in ${s.config.DATA_DIR}/admin-token\n` : '') +
      '\n',
  );
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`failed to start: ${(err as Error).message}\n`);
  }
  process.exit(1);
});
