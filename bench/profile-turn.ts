import { startRemote } from './remote';
import { LOOKUP_ORDER, startOurServer } from './our-server';
import { load, stats } from './stats';

/** Profiling aid (not part of `npm run bench`): N turns at concurrency C, for `node --cpu-prof`. */
async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 3000);
  const c = Number(process.argv[3] ?? 1);
  const remote = await startRemote();
  const ours = await startOurServer(remote);
  await ours.post('/v1/actions', { ...LOOKUP_ORDER, url: `${remote.apiBase}/orders/{{order_number}}` });
  await load(ours.turn, 300, c);
  const s = stats([await load(ours.turn, n, c)]);
  console.log(JSON.stringify(s));
  await ours.close();
  await remote.stop();
}
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
