/**
 * Browser side: boots the Intercom Messenger for whoever is signed in on the customer's site.
 *
 * The identity (and its `user_hash` or `intercom_user_jwt`) comes from the site's own backend,
 * never from page code, so a visitor can't claim someone else's `user_id`: Intercom checks
 * the hash or the JWT against a secret only that backend holds.
 */
import Intercom, { boot, shutdown } from '@intercom/messenger-js-sdk';

/** The settings object the SDK takes (`window.intercomSettings`). */
export type MessengerSettings = Parameters<typeof Intercom>[0];

/** Where Intercom hosts the workspace; picks the Messenger's `api_base`. */
export type IntercomRegion = 'us' | 'eu' | 'ap';

/** Options for {@link bootMessenger}. */
export interface BootOptions {
  /** The Intercom workspace (app) id. */
  appId: string;
  /** The site's endpoint returning the signed-in user's identity JSON (see README). */
  identityUrl: string;
  /** Workspace region; default `'us'`. */
  region?: IntercomRegion;
  /** Overrides the Messenger's `api_base` (e.g. a proxy); wins over `region`. */
  apiBase?: string;
  /** Extra Messenger attributes (launcher, colours...); user fields here are ignored. */
  extra?: Record<string, unknown>;
}

/** What {@link bootMessenger} did. */
export interface BootResult {
  /** True when booted for a verified user, false when booted as an anonymous visitor. */
  identified: boolean;
  /** The settings the Messenger was booted with. */
  settings: MessengerSettings;
  /** Why the identity could not be read, when the boot fell back to anonymous. */
  error?: string;
}

/** The identity fields the backend may send; anything else in its JSON is ignored. */
interface Identity {
  user_id: string;
  email?: string;
  name?: string;
  user_hash?: string;
  intercom_user_jwt?: string;
}

// Fields that identify a user: only the backend's answer may set them.
const USER_FIELDS = ['user_id', 'email', 'name', 'user_hash', 'intercom_user_jwt'] as const;

/**
 * Fetches the signed-in user's identity from `identityUrl` (with the site's cookies) and boots
 * the Messenger with it; boots an anonymous visitor when the backend answers 401/204 or a body
 * without `user_id`, or when the identity can't be read.
 */
export async function bootMessenger(opts: BootOptions): Promise<BootResult> {
  if (!opts.appId) throw new Error('bootMessenger: appId is required');
  let identity: Identity | null = null;
  let error: string | undefined;
  try {
    identity = await fetchIdentity(opts.identityUrl);
  } catch (e) {
    // A broken identity endpoint must not take the Messenger down with it: visitors still get help.
    error = e instanceof Error ? e.message : String(e);
    console.warn('[AppMessenger] identity unavailable, booting anonymously:', error);
  }

  const settings: MessengerSettings = { ...withoutUserFields(opts.extra), app_id: opts.appId };
  if (identity) {
    for (const key of USER_FIELDS) {
      const value = identity[key];
      if (typeof value === 'string' && value !== '') settings[key] = value;
    }
  }
  startMessenger(settings, opts);
  const result: BootResult = { identified: identity !== null, settings };
  if (error !== undefined) result.error = error;
  return result;
}

/**
 * Ends the Messenger session on sign-out, so the next person on this browser doesn't see the
 * previous user's conversations (Intercom keeps them for a week otherwise).
 */
export function logoutMessenger(): void {
  if (typeof window.Intercom === 'function') shutdown();
}

async function fetchIdentity(url: string): Promise<Identity | null> {
  const res = await fetch(url, { credentials: 'include', headers: { accept: 'application/json' }, cache: 'no-store' });
  if (res.status === 401 || res.status === 204) return null;
  if (!res.ok) throw new Error(`identity endpoint answered HTTP ${res.status}`);
  const body: unknown = await res.json();
  if (body === null || typeof body !== 'object') return null;
  const userId = (body as Record<string, unknown>).user_id;
  if (typeof userId !== 'string' || userId === '') return null;
  return body as Identity;
}

function startMessenger(settings: MessengerSettings, opts: BootOptions): void {
  if (opts.apiBase) settings.api_base = opts.apiBase;
  if (typeof window.Intercom === 'function') {
    // Already loaded on this page (e.g. after logoutMessenger): the SDK's Intercom() would
    // only send "update", which doesn't start a session after a shutdown; "boot" does.
    window.intercomSettings = settings;
    boot(settings);
    return;
  }
  Intercom({ ...settings, region: opts.region ?? 'us' });
  // Intercom() derives api_base from the region and drops ours; the widget reads it on load.
  if (opts.apiBase && window.intercomSettings) window.intercomSettings.api_base = opts.apiBase;
}

function withoutUserFields(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...extra };
  for (const key of USER_FIELDS) delete out[key];
  delete out.app_id;
  return out;
}
