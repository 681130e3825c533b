import type { Settings } from '../../../shared/settings';
import type { Store } from '../store';

/** Tenants kept; past this the least recently used is dropped (a busy server sees few tenants). */
const MAX_TENANTS = 1000;

interface Entry {
  version: number;
  settings: Settings | null;
}

/**
 * A tenant's settings, read and decrypted once per configuration version. Every webhook
 * delivery and every inbox item needs the helpdesk credentials: reading the settings document
 * and decrypting each of its secrets per delivery cost more than the rest of the intake path.
 * A settings change bumps the store's configuration version (also another instance's), so one
 * small version read per use is enough to notice it. The settings returned are shared: callers
 * read them and never change them.
 */
export class SettingsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: Pick<Store, 'configVersion' | 'getSettings'>,
    private readonly maxTenants = MAX_TENANTS,
  ) {}

  async get(tenantId: string): Promise<Settings | null> {
    const version = await this.store.configVersion(tenantId);
    const hit = this.entries.get(tenantId);
    // Re-inserted on a hit, so the Map's order is least recently used first.
    this.entries.delete(tenantId);
    if (hit && hit.version === version) {
      this.entries.set(tenantId, hit);
      return hit.settings;
    }
    // A write between the version read and this one is cached under the older number and read
    // again on the next use: at worst one delivery sees the newer settings early.
    const settings = await this.store.getSettings(tenantId);
    this.entries.set(tenantId, { version, settings });
    while (this.entries.size > this.maxTenants) this.entries.delete(this.entries.keys().next().value!);
    return settings;
  }
}
