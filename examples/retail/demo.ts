import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EvalClient } from '../../eval/client';
import { applyExport, loadExportFile } from '../../eval/export-file';
import { startServer } from '../../server/src/app';
import { startFakeOpenAI } from '../../test/support/fake-openai';
import { startRetailApi } from './fixture';
import { retailScript } from './scripted';

/**
 * `npm run demo`: the retail fixture API, and the server with the retail actions, User Data
 * API and instructions loaded, on a fresh store in a temporary folder. The model is the one
 * configured by OPENAI_* ; without one (or with --scripted) it is the retail suite's
 * scripted model, which knows only the suite's conversations.
 */
async function main() {
  const scripted = process.argv.includes('--scripted') || (!process.env.OPENAI_API_KEY && !process.env.OPENAI_BASE_URL);
  const apiKey = `retail-demo-${Math.random().toString(36).slice(2, 10)}`;
  const retail = await startRetailApi({ apiKey, port: Number(process.env.RETAIL_PORT ?? 0) });
  const model = scripted ? await startFakeOpenAI(retailScript()) : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-demo-'));
  const allowed = [process.env.ALLOWED_PRIVATE_HOSTS, '127.0.0.1'].filter(Boolean).join(',');
  const server = await startServer({
    env: {
      ...process.env,
      PORT: process.env.PORT ?? '3000',
      HOST: process.env.HOST ?? '127.0.0.1',
      DATA_DIR: path.join(dir, 'data'),
      MONGODB_URI: '',
      ALLOWED_PRIVATE_HOSTS: allowed,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...(model ? { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'scripted', OPENAI_MODEL: 'scripted-retail' } : {}),
    },
  });
  const token = server.bootstrapToken ?? fs.readFileSync(path.join(dir, 'data', 'admin-token'), 'utf8').trim();
  const file = path.join(__dirname, 'actions.json');
  const doc = loadExportFile(file, { ...process.env, RETAIL_API_URL: retail.url, RETAIL_API_KEY: apiKey });
  await applyExport(new EvalClient(server.url, token), doc, file, true);

  const publicUrl = server.config.publicUrl;
  process.stdout.write(
    [
      'Retail demo is running.',
      `  retail API (fixture)  ${retail.url}   (customers ann@example.com zip 94103, bob@example.com zip 10001)`,
      `  model                 ${model ? 'scripted (examples/retail/scripted): knows only the suite’s conversations' : (process.env.OPENAI_BASE_URL ?? 'OpenAI') + ` (${process.env.OPENAI_MODEL ?? 'default model'})`}`,
      `  server                ${server.url}`,
      `  admin page            ${publicUrl}/admin`,
      `  admin token           ${token}`,
      '',
      'Run the retail suite against it:',
      `  EVAL_TOKEN=${token} npm run eval -- examples/retail/scenarios --server ${server.url}`,
      '',
      'Ctrl-C stops it (the store is thrown away).',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await retail.close();
    await model?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  process.exit(1);
});
