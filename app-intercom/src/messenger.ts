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

/**
 * Where Intercom hosts the workspace; picks the Messenger's `api_base`. The same names as the
 * backend's `intercom.region` setting: `au` is Australia.
 */
export type IntercomRegion = 'us' | 'eu' | 'au';

/** The SDK's own name of each region (it calls Australia `ap`); used only when calling the SDK. */
const SDK_REGION: Record<IntercomRegion, 'us' | 'eu' | 'ap'> = { us: 'us', eu: 'eu', au: 'ap' };

/** How long {@link bootMessenger} waits for the Messenger to load and boot, by default. */
export const DEFAULT_BOOT_TIMEOUT_MS = 10_000;
/** How often the wait looks at `window.Intercom`. */
const POLL_MS = 50;
/** The id the SDK gives the widget's script element. */
const LOADER_ID = '_intercom_npm_loader';

/** Options for {@link bootMessenger}. */
export interface BootOptions {
  /** The Intercom workspace (app) id. */
  appId: string;
  /** The site's endpoint returning the signed-in user's identity JSON (see README). */
  identityUrl: string;
  /** Workspace region: `us` (default), `eu` or `au`. */
  region?: IntercomRegion;
  /** Longest wait for the Messenger to load and boot before reporting that it did not. */
  timeoutMs?: number;
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
  /** True once the Messenger's script ran (it replaced the SDK's queue with its own API). */
  loaded: boolean;
  /** True once the Messenger acknowledged the boot (`window.Intercom.booted`). */
  booted: boolean;
  /** Why the Messenger is not running, when `booted` is false. */
  problem?: string;
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
  const region = opts.region ?? 'us';
  if (!Object.prototype.hasOwnProperty.call(SDK_REGION, region)) throw new Error(`bootMessenger: region must be us, eu or au (got ${String(region)})`);
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
  startMessenger(settings, opts.apiBase, SDK_REGION[region]);
  const state = await waitForMessenger(opts.timeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS);
  const result: BootResult = { identified: identity !== null, settings, loaded: state.loaded, booted: state.booted };
  if (error !== undefined) result.error = error;
  if (state.problem !== undefined) {
    result.problem = state.problem;
    console.warn('[AppMessenger] the Messenger is not running:', state.problem);
  }
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

function startMessenger(settings: MessengerSettings, apiBase: string | undefined, sdkRegion: 'us' | 'eu' | 'ap'): void {
  if (apiBase) settings.api_base = apiBase;
  if (typeof window.Intercom === 'function') {
    // Already loaded on this page (e.g. after logoutMessenger): the SDK's Intercom() would
    // only send "update", which doesn't start a session after a shutdown; "boot" does.
    window.intercomSettings = settings;
    boot(settings);
    return;
  }
  Intercom({ ...settings, region: sdkRegion });
  // Intercom() derives api_base from the region and drops ours; the widget reads it on load.
  if (apiBase && window.intercomSettings) window.intercomSettings.api_base = apiBase;
}

/** `window.Intercom` as the page sees it: the SDK's queue until the widget replaces it. */
type IntercomApi = ((...args: unknown[]) => unknown) & { booted?: boolean; q?: unknown; loaderQueue?: unknown };

function intercomApi(): IntercomApi | undefined {
  const ic = window.Intercom as unknown;
  return typeof ic === 'function' ? (ic as IntercomApi) : undefined;
}

/**
 * Waits (bounded) until the Messenger says it booted, the widget script fails to load, or
 * time runs out, and says which. The SDK resolves before the widget has even been fetched,
 * so without this a blocked or misconfigured Messenger would look like a working one.
 */
async function waitForMessenger(timeoutMs: number): Promise<{ loaded: boolean; booted: boolean; problem?: string }> {
  let failedSrc: string | null = null;
  let scriptLoaded = false;
  // Script load and error events do not bubble, but a capturing listener on the document sees
  // them, even for the element the SDK only adds once the document is ready.
  const onScript = (e: Event) => {
    const el = e.target;
    if (!(el instanceof HTMLScriptElement) || el.id !== LOADER_ID) return;
    if (e.type === 'error') failedSrc = el.src || 'the widget script';
    else scriptLoaded = true;
  };
  document.addEventListener('error', onScript, true);
  document.addEventListener('load', onScript, true);
  // The SDK's queue carries q/loaderQueue; the widget's own API does not.
  const widgetApi = (ic: IntercomApi | undefined) => ic !== undefined && ic.q === undefined && ic.loaderQueue === undefined;
  const rounds = Math.max(1, Math.ceil(timeoutMs / POLL_MS));
  try {
    for (let i = 0; i <= rounds; i++) {
      if (intercomApi()?.booted === true) return { loaded: true, booted: true };
      if (failedSrc !== null) {
        return { loaded: false, booted: false, problem: `the Messenger script (${failedSrc}) could not be loaded: an ad blocker, the site's content security policy or the network stopped it` };
      }
      if (i < rounds) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    document.removeEventListener('error', onScript, true);
    document.removeEventListener('load', onScript, true);
  }
  const loaded = scriptLoaded || widgetApi(intercomApi());
  const seconds = Math.round(timeoutMs / 100) / 10;
  return loaded
    ? { loaded: true, booted: false, problem: `the Messenger script loaded but did not start within ${seconds} s: check the app id and that this site's domain is allowed in Intercom` }
    : { loaded: false, booted: false, problem: `the Messenger script did not load within ${seconds} s` };
}

function withoutUserFields(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...extra };
  for (const key of USER_FIELDS) delete out[key];
  delete out.app_id;
  return out;
}
