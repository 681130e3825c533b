import type { Action, UserDataApi } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import type { Settings } from '../../../shared/settings';
import type { Redactor } from '../secrets';
import type { Store } from '../store';
import { defaultSettings } from './context';
import { tenantScrubber } from './scrub';
import { ToolIndex } from './tool-selection';
import { toolFor, visibleTools, type ActionTool, type VisibleTools } from './tools';

/** A tenant's configuration as a turn needs it, derived once per configuration version. */
export interface TenantConfig {
  version: number;
  settings: Settings;
  actions: readonly Action[];
  userDataApi: UserDataApi | null;
  /** Connections by id (base URL and auth shared by actions). */
  connections: ReadonlyMap<string, Connection>;
  /** Every secret of the tenant, masked in whatever leaves a turn. */
  scrub: Redactor;
  /** Enabled actions as tools, by name (built once per action version). */
  tools: ReadonlyMap<string, ActionTool>;
  /** Retrieval over the enabled actions, built on first use (only large tenants need it). */
  index(): ToolIndex;
  /** The tools a verified (or unverified) customer may use: derived once per version, not per turn. */
  visibleTo(verified: boolean): VisibleTools;
}

/**
 * Caches each tenant's decrypted configuration, keyed by the store's configuration version:
 * one cheap version read per turn instead of reading, cloning and decrypting every action.
 * Another instance's change bumps the version in the store, so every instance sees it on
 * its next turn. Least recently used tenants are dropped past `maxTenants`.
 */
export class TenantConfigCache {
  private readonly entries = new Map<string, TenantConfig>();

  constructor(
    private readonly store: Store,
    private readonly maxTenants = 500,
  ) {}

  async get(tenantId: string): Promise<TenantConfig> {
    const version = await this.store.configVersion(tenantId);
    const hit = this.entries.get(tenantId);
    if (hit && hit.version === version) {
      this.entries.delete(tenantId);
      this.entries.set(tenantId, hit);
      return hit;
    }
    const [settings, actions, userDataApi, connections] = await Promise.all([
      this.store.getSettings(tenantId),
      this.store.listActions(tenantId),
      this.store.getUserDataApi(tenantId),
      this.store.listConnections(tenantId),
    ]);
    const s = settings ?? defaultSettings();
    const tools = new Map<string, ActionTool>();
    for (const a of actions) if (a.enabled) tools.set(a.name, toolFor(a));
    let index: ToolIndex | undefined;
    const visible: Partial<Record<'true' | 'false', VisibleTools>> = {};
    const connectionsById = new Map(connections.map((c) => [c.id, c]));
    const entry: TenantConfig = {
      version,
      settings: s,
      actions,
      userDataApi,
      connections: connectionsById,
      scrub: tenantScrubber(actions, userDataApi, s, connections),
      tools,
      index: () => (index ??= ToolIndex.build([...tools.values()].map((t) => t.action))),
      visibleTo: (verified) => (visible[`${verified}`] ??= visibleTools(tools.values(), connectionsById, verified)),
    };
    // A write between the version read and the loads would be cached under the old number
    // and refreshed on the next turn: at worst one turn sees the newer configuration early.
    this.entries.delete(tenantId);
    this.entries.set(tenantId, entry);
    while (this.entries.size > this.maxTenants) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
