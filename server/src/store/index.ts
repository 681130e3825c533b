import type { Config } from '../config';
import { SecretBox, loadOrCreateKey } from './crypto';
import type { Store } from './port';
import { openSqliteStore } from './sqlite';

export type { Store, Tenant, AuditEntry, AuditInput, InboxItem, CallFilter, StoredProposal, ProposalStatus, ScopedToken, TokenScope, ActionVersion } from './port';
export { FINISHED_PROPOSAL_STATUSES } from './port';
export { SecretBox } from './crypto';

/** Opens the store the configuration names: MongoDB when MONGODB_URI is set, else the embedded file. */
export async function openStore(config: Pick<Config, 'DATA_DIR' | 'MONGODB_URI' | 'ENCRYPTION_KEY'>): Promise<Store> {
  if (config.MONGODB_URI) {
    // Loaded only when used: the embedded default never pays for mongoose.
    const { MongoStore } = await import('./mongo');
    const box = new SecretBox(Buffer.from(config.ENCRYPTION_KEY!, 'base64'));
    return MongoStore.connect(config.MONGODB_URI, box);
  }
  const box = new SecretBox(loadOrCreateKey(config.DATA_DIR, config.ENCRYPTION_KEY));
  return openSqliteStore(config.DATA_DIR, box);
}
