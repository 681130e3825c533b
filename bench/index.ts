import os from 'node:os';
import { benchActions } from './actions';
import { benchConversationWrites } from './conversation-writes';
import { benchExecutor } from './executor';
import { benchMemory } from './memory';
import { benchTurn } from './turn';
import { benchWebhooks } from './webhooks';

/**
 * Runs every benchmark in turn (`npm run bench`); each prints its table with ratios against its baseline
 * from the same run. `npm run bench -- turn webhooks` runs only the parts whose key is named.
 */
async function main(): Promise<void> {
  const started = performance.now();
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const parts: [string, string, () => Promise<void>][] = [
    ['executor', 'action executor vs raw undici', benchExecutor],
    ['turn', 'conversation turn: ours vs raw undici vs @openai/agents vs AI SDK', benchTurn],
    ['actions', 'actions per tenant: turn p50 and tool tokens per round', benchActions],
    ['webhooks', 'webhooks: Intercom acks during a 500-delivery burst, drain rate', benchWebhooks],
    ['writes', 'conversation writes: bytes per turn at 10 and 200 messages', benchConversationWrites],
    ['memory', 'memory of the server process', benchMemory],
  ];
  const only = process.argv.slice(2);
  const unknown = only.filter((k) => !parts.some(([key]) => key === k));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}: pick from ${parts.map(([key]) => key).join(', ')}`);
  for (const [key, title, run] of parts) {
    if (only.length && !only.includes(key)) continue;
    console.log(`\n# ${title}`);
    await run();
  }
  console.log(`\nall benchmarks in ${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
