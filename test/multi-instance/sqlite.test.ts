import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../server/src/store';
import { describeMultiInstance } from './scenario';

/*
 * Two processes on one embedded store: the same DATA_DIR, so the same SQLite file (WAL mode,
 * shared between processes) and the same ENCRYPTION_KEY.
 */
describeMultiInstance('SQLite (shared DATA_DIR)', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-multi-'));
  const env = { DATA_DIR: dataDir, ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  return {
    env,
    async inboxCounts() {
      const store = await openStore({ DATA_DIR: dataDir, MONGODB_URI: undefined, ENCRYPTION_KEY: env.ENCRYPTION_KEY });
      try {
        return await store.inboxCounts();
      } finally {
        await store.close();
      }
    },
    async cleanup() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
