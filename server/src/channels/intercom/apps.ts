import type { Settings } from '../../../../shared/settings';
import type { Store } from '../../store';
import { SettingsCache } from '../settings-cache';

/** App ids remembered; past this the least recently used is dropped. */
const MAX_APPS = 1000;

/** The tenant an Intercom workspace belongs to, with the settings its notifications are checked with. */
export interface IntercomApp {
  tenantId: string;
  settings: Settings;
}

/**
 * Which tenant owns an Intercom app id, for the webhook intake. The owner is remembered and
 * confirmed on each delivery against its current settings (one version read while they are
 * unchanged): the app id column and the settings document are written in one transaction and
 * the column is unique, so a tenant whose current settings name the app id owns it. A changed
 * or removed app id fails that check and the owner is looked up again.
 */
export class IntercomApps {
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly store: Pick<Store, 'tenantByIntercomAppId'>,
    private readonly settings: SettingsCache,
  ) {}

  async find(appId: string): Promise<IntercomApp | null> {
    const known = this.owners.get(appId);
    if (known) {
      const settings = await this.settings.get(known);
      if (settings?.intercom.appId === appId) return { tenantId: known, settings };
      this.owners.delete(appId);
    }
    const tenant = await this.store.tenantByIntercomAppId(appId);
    if (!tenant) return null;
    const settings = await this.settings.get(tenant.id);
    if (!settings || settings.intercom.appId !== appId) return null;
    this.owners.set(appId, tenant.id);
    // Unknown ids are not remembered (nothing to grow from a sender's guesses); known ones are bounded.
    while (this.owners.size > MAX_APPS) this.owners.delete(this.owners.keys().next().value!);
    return { tenantId: tenant.id, settings };
  }
}
