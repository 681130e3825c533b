import type { Model, Schema } from 'mongoose';

/** What index syncing needs of a model (any of the store's models fits). */
type IndexedModel = { schema: Pick<Schema, 'indexes'>; collection: Model<unknown>['collection']; createCollection(): Promise<unknown> };

/** MongoDB error codes of an index that exists under the same name or key with another definition. */
const INDEX_CONFLICT = new Set([85, 86]); // IndexOptionsConflict, IndexKeySpecsConflict
const INDEX_NOT_FOUND = 27;

/** The options that make two indexes on the same key differ. */
const OPTION_KEYS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds'] as const;

type IndexInfo = { name?: string; key: Record<string, unknown> } & Record<string, unknown>;

/** The server's default index name: `field_direction` pairs joined with `_`. */
function indexName(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

function sameDefinition(have: IndexInfo, key: Record<string, unknown>, opts: Record<string, unknown>): boolean {
  if (JSON.stringify(Object.entries(have.key)) !== JSON.stringify(Object.entries(key))) return false;
  return OPTION_KEYS.every((o) => JSON.stringify(normal(have[o], o)) === JSON.stringify(normal(opts[o], o)));
}
function normal(v: unknown, o: (typeof OPTION_KEYS)[number]): unknown {
  if (o === 'unique' || o === 'sparse') return v === true;
  return v ?? null;
}

/**
 * Creates the collection and the schema's indexes. An index whose definition changed since it
 * was built (same name or same key, other options) is dropped by name and built again, instead
 * of failing the boot as createIndexes() does. Indexes the schema no longer names are left
 * alone: an older instance still running during a rolling deploy may use them.
 */
export async function syncIndexesSafely(model: IndexedModel): Promise<void> {
  await model.createCollection();
  const coll = model.collection;
  let existing = (await coll.indexes()) as IndexInfo[];
  for (const [key, rawOpts] of model.schema.indexes()) {
    const opts = { ...(rawOpts as Record<string, unknown>) };
    delete opts.background;
    const name = (opts.name as string | undefined) ?? indexName(key);
    const stale = existing.filter(
      (i) => i.name !== '_id_' && (i.name === name || JSON.stringify(Object.entries(i.key)) === JSON.stringify(Object.entries(key))) && !sameDefinition(i, key, opts),
    );
    for (const i of stale) await dropIndex(model, i.name!);
    if (stale.length) existing = (await coll.indexes()) as IndexInfo[];
    if (existing.some((i) => !stale.includes(i) && sameDefinition(i, key, opts))) continue; // built already (maybe under another name)
    try {
      await coll.createIndex(key as Record<string, 1 | -1>, { ...opts, name });
    } catch (err) {
      // Another instance booting at the same time may have rebuilt it between our read and our create.
      if (!INDEX_CONFLICT.has((err as { code?: number }).code ?? 0)) throw err;
      await dropIndex(model, name);
      await coll.createIndex(key as Record<string, 1 | -1>, { ...opts, name });
    }
  }
}

async function dropIndex(model: IndexedModel, name: string): Promise<void> {
  try {
    await model.collection.dropIndex(name);
  } catch (err) {
    if ((err as { code?: number }).code !== INDEX_NOT_FOUND) throw err;
  }
}
