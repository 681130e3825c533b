import { Worker } from 'node:worker_threads';

/**
 * WAL pages past which the writing connection still checkpoints by itself (SQLite's default).
 * It is what bounds the WAL: a background PASSIVE checkpoint never catches up with a writer
 * that keeps appending, so the log is never restarted and grows (measured: 97 MB of WAL after
 * 10,000 turns with only the background checkpoint, 4-5 MB with this threshold kept).
 */
export const WAL_SAFETY_PAGES = 1000;

/**
 * How often the background connection copies the WAL into the database file. Often enough that
 * it has usually copied every frame when the writer starts its next transaction, which lets the
 * writer rewind the WAL instead of reaching the safety threshold and checkpointing (two fsyncs)
 * on the event loop: at 200 ms, 4,000 turns at c=1 spent 360 ms in such commits; at 20 ms,
 * 100-146 ms, and turn p99 fell from 7.4-8.0 to 5.3-6.2 ms. An idle wake-up reads one header.
 */
const CHECKPOINT_EVERY_MS = 25;

/**
 * A second connection in a worker thread that checkpoints the WAL in the background. SQLite's
 * automatic checkpoint runs inside whichever COMMIT crosses the threshold, on the event loop:
 * it copies every frame not yet in the file and fsyncs it, a stall for every request queued
 * behind it (webhook acks first). A PASSIVE checkpoint never blocks writers or readers, so this
 * thread copies most frames beforehand and the writer's own checkpoint has little left to do
 * (10,000 saves: 281 us each against 314-366 us without it, WAL bounded at ~5 MB).
 * Eval'd source: the same code runs under tsc's output, tsx and jest.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let last = 0;
const timer = setInterval(() => {
  try {
    // Frames checkpointed so far in this WAL (it restarts from 0 once a writer rewinds it).
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.checkpointed > 0 && r.checkpointed !== last) parentPort.postMessage({ checkpointed: r.checkpointed });
    last = r ? r.checkpointed : 0;
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** What the background checkpointer reports: frames copied into the database file, or why it could not. */
export type CheckpointEvent = { checkpointed: number } | { error: string };

/** The running checkpointer of one database file. */
export interface Checkpointer {
  /** Called for each checkpoint that copied frames, and for each failure (tests wait on it; the store ignores it). */
  onEvent(listener: (e: CheckpointEvent) => void): void;
  stop(): Promise<void>;
}

/** Starts checkpointing `file` (already in WAL mode) from a worker thread; the thread never keeps the process alive. */
export function startCheckpointer(file: string, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  const worker = new Worker(SOURCE, { eval: true, workerData: { file, everyMs, driver: require.resolve('better-sqlite3') } });
  worker.unref();
  const listeners: ((e: CheckpointEvent) => void)[] = [];
  worker.on('message', (e: CheckpointEvent) => listeners.forEach((l) => l(e)));
  // A dead checkpointer costs speed, not data: the writer's own safety-net checkpoint takes over.
  worker.on('error', (err) => listeners.forEach((l) => l({ error: err.message })));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    onEvent: (l) => void listeners.push(l),
    async stop() {
      // Held alive again until it has closed its connection: the caller waits for that.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
