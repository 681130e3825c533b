import os from 'node:os';
import { benchActions } from './actions';
import { benchExecutor } from './executor';
import { benchMemory } from './memory';
import { benchTurn } from './turn';
import { benchWebhooks } from './webhooks';

/** Runs every benchmark in turn (`npm run bench`); each prints its table with ratios against its baseline from the same run. */
async function main(): Promise<void> {
  const started = performance.now();
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const parts: [string, () => Promise<void>][] = [
    ['action executor vs raw undici', benchExecutor],
    ['conversation turn: ours vs raw undici vs @openai/agents vs AI SDK', benchTurn],
    ['actions per tenant: turn p50 and tool tokens per round', benchActions],
    ['webhooks: Intercom acks during a 500-delivery burst, drain rate', benchWebhooks],
    ['memory of the server process', benchMemory],
  ];
  for (const [title, run] of parts) {
    console.log(`\n# ${title}`);
    await run();
  }
  console.log(`\nall benchmarks in ${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
