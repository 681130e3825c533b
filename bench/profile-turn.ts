import { performance } from 'node:perf_hooks';
import { startRemote } from './remote';
import { LOOKUP_ORDER, startOurServer } from './our-server';
import { load, stats } from './stats';

/**
 * Profiling aid (not part of `npm run bench`): N turns at concurrency C after a 2,000-turn warm-up,
 * for `node --cpu-prof --import tsx bench/profile-turn.ts N C`. It also prints the event loop's
 * busy time and the process CPU per turn: steadier than latency on a machine whose speed varies,
 * so two builds can be compared by alternating runs.
 */
async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 3000);
  const c = Number(process.argv[3] ?? 1);
  const remote = await startRemote();
  const ours = await startOurServer(remote);
  await ours.post('/v1/actions', { ...LOOKUP_ORDER, url: `${remote.apiBase}/orders/{{order_number}}` });
  await load(ours.turn, 2000, c);
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const s = stats([await load(ours.turn, n, c)]);
  const busy = performance.eventLoopUtilization(elu);
  const used = process.cpuUsage(cpu);
  console.log(
    `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ${s.perSec.toFixed(0)} turns/s; ` +
      `event loop busy ${((1000 * busy.active) / n).toFixed(0)} us/turn, process CPU ${((used.user + used.system) / n).toFixed(0)} us/turn`,
  );
  await ours.close();
  await remote.stop();
}
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
