import { ConflictError } from '../errors';
import type { Models } from './mongo-models';

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

/** Maps a unique-index violation to a ConflictError. */
export async function conflict<T>(message: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(message);
    throw err;
  }
}

/**
 * Reserves `n` consecutive numbers of the named counter in one round trip and returns the first.
 * Numbers are strictly increasing across instances (one document, atomic $inc).
 */
export async function reserveSeq(m: Models, name: string, n = 1): Promise<number> {
  for (let i = 0; ; i++) {
    try {
      const d = await m.Counter.findOneAndUpdate({ _id: name }, { $inc: { seq: n } }, { upsert: true, returnDocument: 'after' }).lean();
      return d!.seq - n + 1;
    } catch (err) {
      // Two first-ever upserts may race on the _id; the loser simply increments the winner's counter.
      if (!isDuplicateKey(err) || i > 2) throw err;
    }
  }
}
