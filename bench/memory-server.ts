/**
 * Our server in its own process for the memory benchmark (its RSS is then its own): started
 * from the environment, it sends `{url, token}` over IPC and answers each `mem` message with
 * process.memoryUsage(), before and after a full GC (run with --expose-gc).
 */
import { startServer } from '../server/src/app/start';

async function main(): Promise<void> {
  const s = await startServer();
  const usage = () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
  };
  process.on('message', (m: unknown) => {
    if (m === 'mem') {
      const before = usage();
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ before, afterGc: usage() });
    } else if (m === 'stop') {
      void s.close().then(() => process.exit(0));
    }
  });
  process.send!({ url: s.url, token: s.bootstrapToken });
}

main().catch((err: unknown) => {
  process.stderr.write(String((err as Error).stack ?? err));
  process.exit(1);
});
