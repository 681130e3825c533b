import fs from 'node:fs';
import path from 'node:path';

/**
 * Offline check of a Zendesk app directory against Zendesk's published app rules
 * (developer.zendesk.com manifest reference, and the checks in zendesk/zendesk_apps_support,
 * the validator behind `zcli apps:validate`, which needs a live account).
 * Where Zendesk only warns (a secret-looking setting that is not secure, a secure setting
 * without `scopes` or with a default), this validator fails: the app must not ship that way.
 */

/** Read access to the files of an app, by path relative to the app root ("assets/x.png"). */
export interface AppFiles {
  has(rel: string): boolean;
  read(rel: string): Buffer | null;
  list(): string[];
}

/** Outcome of a validation: errors make the app invalid, warnings do not. */
export interface ValidationResult {
  errors: string[];
  warnings: string[];
}

const KNOWN_TOP_LEVEL_KEYS = new Set([
  'name', 'author', 'defaultLocale', 'private', 'location', 'version', 'frameworkVersion',
  'singleInstall', 'signedUrls', 'parameters', 'domainWhitelist', 'requirementsOnly', 'marketingOnly',
  'oauth', 'remoteInstallationURL', 'termsConditionsURL', 'gaID', 'experiments', 'noTemplate',
]);
const BOOLEAN_KEYS = ['private', 'singleInstall', 'signedUrls', 'requirementsOnly', 'marketingOnly'];
/** Framework versions a new or updated iframe app may target. */
const SUPPORTED_FRAMEWORK_VERSIONS = ['2.0'];
const HOST_LOCATIONS: Record<string, string[]> = {
  support: [
    'ticket_sidebar', 'new_ticket_sidebar', 'user_sidebar', 'organization_sidebar', 'top_bar', 'nav_bar',
    'ticket_editor', 'background', 'modal', 'system_top_bar',
  ],
  chat: ['chat_sidebar', 'background'],
  sell: [
    'deal_card', 'lead_card', 'person_card', 'company_card', 'top_bar', 'note_editor', 'call_log_editor',
    'email_editor', 'background', 'modal',
  ],
};
/** Locations that show an icon in Zendesk's chrome and read it from assets/icon_<location>.svg. */
const ICON_LOCATIONS = new Set(['top_bar', 'nav_bar', 'system_top_bar']);
const LOCATION_OPTION_KEYS = new Set(['url', 'flexible', 'autoLoad', 'autoHide', 'signed', 'size']);
const PARAMETER_TYPES = ['text', 'password', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth'];
const PARAMETER_KEYS = new Set(['name', 'type', 'required', 'secure', 'default', 'scopes']);
/** Zendesk's own list is token|key|pwd|password; "secret" is added here on purpose. */
const SECRET_NAME = /token|secret|key|pwd|password/i;
const VALID_LOCALE = /^[a-z]{2}(-\w{2,3})?$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOGOS: Array<[string, number]> = [['assets/logo.png', 320], ['assets/logo-small.png', 128]];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(buf: Buffer | null): { width: number; height: number } | null {
  if (!buf || buf.length < 24 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (buf.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** The files of an app directory on disk (tmp/ left out: zcli writes packages there). */
export function dirFiles(root: string): AppFiles {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'tmp' && dir === root ? [] : walk(full);
      return [path.relative(root, full).split(path.sep).join('/')];
    });
  return {
    has: (rel) => fs.existsSync(path.join(root, rel)) && fs.statSync(path.join(root, rel)).isFile(),
    read: (rel) => (fs.existsSync(path.join(root, rel)) ? fs.readFileSync(path.join(root, rel)) : null),
    list: () => walk(root),
  };
}

/** `base` with some files replaced (a Buffer) or removed (null): for checking broken copies. */
export function overlayFiles(base: AppFiles, changes: Record<string, Buffer | null>): AppFiles {
  const changed = (rel: string): boolean => Object.prototype.hasOwnProperty.call(changes, rel);
  return {
    has: (rel) => (changed(rel) ? changes[rel] !== null : base.has(rel)),
    read: (rel) => (changed(rel) ? (changes[rel] ?? null) : base.read(rel)),
    list: () => {
      const names = new Set(base.list());
      for (const [rel, content] of Object.entries(changes)) {
        if (content === null) names.delete(rel);
        else names.add(rel);
      }
      return [...names];
    },
  };
}

function checkAuthor(m: Json, errors: string[]): void {
  const author = m.author;
  if (!isObject(author)) {
    errors.push('Missing required field in manifest: author');
    return;
  }
  if (!isNonEmptyString(author.name)) errors.push('author.name is required');
  if (!isNonEmptyString(author.email) || !EMAIL.test(author.email)) errors.push('author.email must be an email address');
  if (author.url !== undefined) {
    if (typeof author.url !== 'string' || !/^https?:\/\//.test(author.url) || !URL.canParse(author.url)) {
      errors.push(`author url must be a valid URL, got "${String(author.url)}"`);
    }
  }
}

function checkLocationUrl(url: string, where: string, files: AppFiles, errors: string[]): void {
  if (url.includes('{{setting.')) return;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (!parsed || !(parsed.protocol === 'https:' || parsed.hostname === 'localhost')) {
      errors.push(`${where}: ${url} is an invalid location URI or does not use HTTPS`);
    }
    return;
  }
  const filePath = url.split(/[?#]/)[0] ?? '';
  if (!filePath.startsWith('assets/') || !files.has(filePath)) {
    errors.push(`${where}: ${url} refers to a missing asset (relative URLs must point into assets/)`);
  }
}

function checkLocations(m: Json, files: AppFiles, result: ValidationResult): void {
  const { errors, warnings } = result;
  const location = m.location;
  if (!isObject(location) || Object.keys(location).length === 0) {
    errors.push('Missing required field in manifest: location');
    return;
  }
  for (const [host, locs] of Object.entries(location)) {
    const known = HOST_LOCATIONS[host];
    if (!known) {
      errors.push(`${host} is an invalid host for apps`);
      continue;
    }
    if (!isObject(locs) || Object.keys(locs).length === 0) {
      errors.push(`location.${host} must name at least one location`);
      continue;
    }
    for (const [name, value] of Object.entries(locs)) {
      const where = `location.${host}.${name}`;
      if (!known.includes(name)) errors.push(`${name} is an invalid location in ${host}`);
      if (ICON_LOCATIONS.has(name) && !files.has(`assets/icon_${name}.svg`)) {
        warnings.push(`${where}: assets/icon_${name}.svg is missing, Zendesk will show a default icon`);
      }
      if (typeof value === 'string') {
        checkLocationUrl(value, where, files, errors);
        continue;
      }
      if (!isObject(value)) {
        errors.push(`${where} must be a URL or an object`);
        continue;
      }
      for (const key of Object.keys(value)) {
        if (!LOCATION_OPTION_KEYS.has(key)) errors.push(`${where}: unknown option "${key}"`);
      }
      for (const key of ['flexible', 'autoLoad', 'autoHide', 'signed']) {
        if (value[key] !== undefined && typeof value[key] !== 'boolean') errors.push(`${where}.${key} must be a boolean`);
      }
      if (typeof value.url === 'string' && value.url.length > 0) checkLocationUrl(value.url, where, files, errors);
      else if (value.url !== undefined) errors.push(`${where}.url must be a non-empty string`);
      else if (value.autoLoad !== false) errors.push(`${where} location does not specify a URI`);
    }
  }
}

function checkParameters(m: Json, result: ValidationResult): void {
  const { errors } = result;
  const params = m.parameters;
  if (params === undefined) return;
  if (!Array.isArray(params)) {
    errors.push('App parameters must be an array');
    return;
  }
  const names: string[] = [];
  let oauthCount = 0;
  let secureCount = 0;
  params.forEach((p: unknown, i) => {
    if (!isObject(p) || !isNonEmptyString(p.name)) {
      errors.push(`parameters[${i}] must be an object with a name`);
      return;
    }
    const name = p.name;
    const where = `parameters.${name}`;
    names.push(name);
    const type = p.type === undefined ? 'text' : p.type;
    for (const key of Object.keys(p)) {
      if (!PARAMETER_KEYS.has(key)) errors.push(`${where}: unknown key "${key}" (labels and help text belong in translations)`);
    }
    if (name === 'name') errors.push("Can't call a parameter 'name'");
    if (typeof type !== 'string' || !PARAMETER_TYPES.includes(type)) errors.push(`${String(type)} is an invalid parameter type`);
    for (const key of ['required', 'secure']) {
      if (p[key] !== undefined && typeof p[key] !== 'boolean') errors.push(`${where}.${key} must be a boolean value`);
    }
    const secure = p.secure === true;
    if (type === 'hidden' && p.required === true) errors.push(`${name} is set to hidden and cannot be required`);
    if (type === 'oauth') {
      oauthCount += 1;
      if (secure) errors.push('oauth parameter cannot be set to be secure');
    } else if (SECRET_NAME.test(name) && !secure) {
      errors.push(`${where} looks like a secret: set "secure": true`);
    }
    if (secure) {
      secureCount += 1;
      if ('default' in p) errors.push(`${where}: secure parameters must not have a default (defaults are not stored securely)`);
      const scopes = p.scopes;
      if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isNonEmptyString)) {
        errors.push(`${where}: secure parameters need a non-empty "scopes" list (e.g. ["header"]) or the token may be exposed`);
      }
    } else if (p.scopes !== undefined) {
      errors.push(`${where}: "scopes" only applies to secure parameters`);
    }
  });
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length) errors.push(`Duplicate app parameters defined: ${[...new Set(duplicates)].join(', ')}`);
  if (oauthCount > 1) errors.push("Too many parameters with type 'oauth': one permitted");
  if (oauthCount > 0 && !isObject(m.oauth)) errors.push('An oauth parameter needs the manifest oauth block');
  checkDomainWhitelist(m, secureCount, errors);
}

function checkDomainWhitelist(m: Json, secureCount: number, errors: string[]): void {
  const list = m.domainWhitelist;
  if (list !== undefined) {
    if (!Array.isArray(list) || !list.every((d) => typeof d === 'string')) {
      errors.push('The manifest field domainWhitelist needs to be an array containing strings');
      return;
    }
    for (const domain of list as string[]) {
      if (!HOSTNAME.test(domain)) errors.push(`domainWhitelist: "${domain}" must be a bare host name (no scheme, port or path)`);
    }
  }
  // Zendesk puts secure settings only into requests to whitelisted domains.
  if (secureCount > 0 && (!Array.isArray(list) || list.length === 0)) {
    errors.push('Secure parameters need a domainWhitelist naming the hosts they may be sent to');
  }
}

function parseJson(buf: Buffer | null): unknown {
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return Symbol.for('invalid-json');
  }
}

function checkTranslations(m: Json, files: AppFiles, errors: string[]): void {
  for (const rel of files.list()) {
    const match = /^translations\/(.*)\.json$/.exec(rel);
    if (!match) continue;
    if (!VALID_LOCALE.test(match[1] ?? '')) errors.push(`${rel} is not a valid locale`);
    const json = parseJson(files.read(rel));
    if (!isObject(json)) errors.push(`${rel} is not a valid JSON object`);
  }
  const locale = m.defaultLocale;
  if (!isNonEmptyString(locale)) {
    errors.push('Missing required field in manifest: defaultLocale');
    return;
  }
  if (!VALID_LOCALE.test(locale)) {
    errors.push(`${locale} is not a valid default locale`);
    return;
  }
  const rel = `translations/${locale}.json`;
  const json = parseJson(files.read(rel));
  if (json === undefined) {
    errors.push(`Missing translation file for locale '${locale}'`);
    return;
  }
  if (!isObject(json)) return;
  const app = isObject(json.app) ? json.app : {};
  const required = m.private === false
    ? ['name', 'short_description', 'long_description', 'installation_instructions']
    : ['name'];
  for (const key of required) {
    const value = key === 'short_description' ? (app.short_description ?? app.description) : app[key];
    if (!isNonEmptyString(value)) errors.push(`Missing required key from ${rel}: app.${key}`);
  }
  const labels = isObject(app.parameters) ? app.parameters : {};
  for (const [param, node] of Object.entries(labels)) {
    if (!isObject(node) || !isNonEmptyString(node.label)) errors.push(`Missing required key label on leaf ${param} from ${rel}`);
  }
  const params = Array.isArray(m.parameters) ? m.parameters : [];
  for (const p of params) {
    if (isObject(p) && typeof p.name === 'string' && p.type !== 'hidden' && !isObject(labels[p.name])) {
      errors.push(`${rel} has no app.parameters.${p.name}.label: admins would see a bare setting name`);
    }
  }
}

function checkLogos(files: AppFiles, errors: string[]): void {
  for (const [rel, size] of LOGOS) {
    if (!files.has(rel)) {
      errors.push(`${rel} is missing`);
      continue;
    }
    const dims = pngSize(files.read(rel));
    if (!dims) errors.push(`${rel} is not a PNG file`);
    else if (dims.width !== size || dims.height !== size) {
      errors.push(`${rel} must be ${size}x${size}px, got ${dims.width}x${dims.height}`);
    }
  }
  const svg = files.read('assets/logo.svg')?.toString('utf8');
  if (svg === undefined) errors.push('assets/logo.svg is missing');
  else if (!/<svg[\s>]/.test(svg)) errors.push('assets/logo.svg is not an SVG');
  else if (/<(image|script)[\s>]/i.test(svg)) errors.push('assets/logo.svg must not embed bitmaps or scripts');
}

/** Checks a parsed manifest and the app's files; returns every problem found. */
export function validateApp(manifest: unknown, files: AppFiles): ValidationResult {
  const result: ValidationResult = { errors: [], warnings: [] };
  const { errors } = result;
  if (!isObject(manifest)) {
    errors.push('manifest is not a JSON object');
    return result;
  }
  const m = manifest;
  for (const key of Object.keys(m)) {
    if (!KNOWN_TOP_LEVEL_KEYS.has(key)) errors.push(`Unknown manifest key: ${key}`);
  }
  if (!isNonEmptyString(m.name)) errors.push('Missing required field in manifest: name');
  checkAuthor(m, errors);
  for (const key of BOOLEAN_KEYS) {
    if (m[key] !== undefined && typeof m[key] !== 'boolean') errors.push(`${key} must be a boolean value`);
  }
  for (const key of ['version', 'frameworkVersion', 'defaultLocale']) {
    if (m[key] !== undefined && typeof m[key] !== 'string') errors.push(`${key} must be a string`);
  }
  if (m.requirementsOnly === true || m.marketingOnly === true) {
    if (m.location !== undefined) errors.push("Locations can't be defined when you specify requirements only");
    if (m.frameworkVersion !== undefined) errors.push("Framework versions can't be set when you specify requirements only");
  } else {
    if (!isNonEmptyString(m.version)) errors.push('Missing required field in manifest: version');
    if (m.frameworkVersion === undefined) errors.push('Missing required field in manifest: frameworkVersion');
    else if (!SUPPORTED_FRAMEWORK_VERSIONS.includes(String(m.frameworkVersion))) {
      errors.push(`${String(m.frameworkVersion)} is not a valid framework version. Available versions are: ${SUPPORTED_FRAMEWORK_VERSIONS.join(', ')}`);
    }
    checkLocations(m, files, result);
  }
  checkParameters(m, result);
  checkTranslations(m, files, errors);
  checkLogos(files, errors);
  return result;
}

/** Loads `<root>/manifest.json` and validates the directory. */
export function validateAppDir(root: string): ValidationResult {
  const files = dirFiles(root);
  const manifest = parseJson(files.read('manifest.json'));
  if (manifest === undefined) return { errors: ['Could not find manifest.json'], warnings: [] };
  return validateApp(manifest, files);
}
