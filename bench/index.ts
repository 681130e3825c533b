import { benchExecutor } from './executor';
import { benchTurn } from './turn';

/** Runs every benchmark in turn (`npm run bench`). */
async function main(): Promise<void> {
  console.log('# action executor vs raw undici');
  await benchExecutor();
  console.log('\n# conversation turn: ours vs raw undici vs @openai/agents');
  await benchTurn();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
