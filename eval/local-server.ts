import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../server/src/app';

/** An in-process server on a throw-away embedded store, for an eval run without `--server`. */
export interface LocalServer {
  url: string;
  token: string;
  /** Where the server's log goes (kept when the run fails, for a look at what happened). */
  logFile: string;
  close(keepLog?: boolean): Promise<void>;
}

/**
 * Starts the real server on 127.0.0.1 (any free port) with a temporary DATA_DIR. The model
 * and the network settings come from the environment (OPENAI_BASE_URL, OPENAI_MODEL,
 * OPENAI_API_KEY, ALLOWED_PRIVATE_HOSTS...), as for `npm start`.
 */
export async function startLocalServer(env: NodeJS.ProcessEnv = process.env): Promise<LocalServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-eval-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const server = await startServer({
    env: { ...env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MONGODB_URI: '', LOG_LEVEL: env.LOG_LEVEL || 'info' },
    logDestination: log,
  });
  const token = server.bootstrapToken ?? fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  return {
    url: server.url,
    token,
    logFile,
    async close(keepLog = false) {
      await server.close();
      await new Promise<void>((r) => log.end(() => r()));
      if (keepLog) fs.rmSync(dataDir, { recursive: true, force: true });
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
