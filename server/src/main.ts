import { ConfigError } from './errors';
import { startServer } from './app';

/** `npm start`: boots the server and stops it gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const s = await startServer();
  const adminUrl = `${s.config.publicUrl}/admin`;
  process.stdout.write(
    `\nHelpdesk actions server on ${s.url} (store: ${s.store.kind})\n` +
      `Admin page: ${adminUrl}\n` +
      (s.bootstrapToken ? `Admin token of the default tenant: in ${s.config.DATA_DIR}/admin-token\n` : '') +
      '\n',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    s.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    s.close().then(
      () => process.exit(0),
      (err) => {
        s.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`failed to start: ${(err as Error).message}\n`);
  }
  process.exit(1);
});
