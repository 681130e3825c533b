// Placeholder replaced by the MongoDB adapter (see the store contract suite).
import type { SecretBox } from './crypto';
import type { Store } from './port';
export class MongoStore {
  static async connect(_uri: string, _box: SecretBox): Promise<Store> {
    throw new Error('MongoDB adapter not built yet');
  }
}
