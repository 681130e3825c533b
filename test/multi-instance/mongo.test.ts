import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { openStore } from '../../server/src/store';
import { describeMultiInstance } from './scenario';

/*
 * Two processes on one MongoDB database, whenever MONGODB_URI is set (CI points it at
 * mongo-wire; a replica set also runs the transactional paths). Each test gets a database of
 * its own, dropped afterwards. mongo-wire runs every command under one global lock, so this
 * shows the lease protocol through the real driver, not real concurrency: only a replica set
 * does (docs/production.md).
 */
const uri = process.env.MONGODB_URI;

/** The URI with another database name (single-host and multi-host URIs alike). */
function withDatabase(u: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(u);
  if (!m) throw new Error('MONGODB_URI: not a mongodb:// URI');
  return `${m[1]}/${db}${m[2] ?? ''}`;
}

if (!uri) {
  console.warn('Multi-instance MongoDB tests skipped: MONGODB_URI is not set');
  describe('two instances on one MongoDB store', () => {
    test.skip('skipped: MONGODB_URI not set', () => undefined);
  });
} else {
  describeMultiInstance('MongoDB', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-multi-mongo-'));
    const db = `multi_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
    const env = { DATA_DIR: dataDir, ENCRYPTION_KEY: randomBytes(32).toString('base64'), MONGODB_URI: withDatabase(uri, db) };
    return {
      env,
      async inboxCounts() {
        const store = await openStore(env);
        try {
          return await store.inboxCounts();
        } finally {
          await store.close();
        }
      },
      async cleanup() {
        const conn = await mongoose.createConnection(env.MONGODB_URI).asPromise();
        try {
          await conn.dropDatabase();
        } finally {
          await conn.close();
        }
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
}
