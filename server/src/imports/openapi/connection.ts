import type { ImportedAuth, ImportedConnection } from '../../../../shared/openapi-import';
import type { LoadedDocument } from './load';
import { cut } from './names';
import type { Schema } from './schema';

/** The parameter the connection's auth fills in: operations must not ask the AI for it. */
export interface AuthParam {
  in: 'header' | 'query';
  name: string;
}

/** What the document says about the connection to create. */
export interface ConnectionPlan {
  connection: ImportedConnection;
  authParam?: AuthParam;
  warnings: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Operations counted when ranking security schemes: bounds the scan. */
const MAX_COUNTED = 5_000;

/** The base URL: 3.x `servers[0]` with its variables' defaults, or 2.0 schemes + host + basePath. */
function baseUrlOf(loaded: LoadedDocument, warnings: string[]): string {
  const d = loaded.doc;
  let url = '';
  if (loaded.specVersion === '2.0') {
    const schemes: string[] = Array.isArray(d.schemes) ? d.schemes : [];
    const fromSource = loaded.sourceUrl ? new URL(loaded.sourceUrl).protocol.replace(':', '') : undefined;
    const scheme = schemes.includes('https') ? 'https' : (schemes[0] ?? fromSource ?? 'https');
    const host = typeof d.host === 'string' ? d.host : loaded.sourceUrl ? new URL(loaded.sourceUrl).host : '';
    const basePath = typeof d.basePath === 'string' ? d.basePath : '';
    if (host) url = `${scheme}://${host}${basePath}`;
    else {
      url = basePath;
      warnings.push('the document names no host: set the base URL of the connection');
    }
  } else {
    const servers: Schema[] = Array.isArray(d.servers) ? d.servers.filter((s: unknown) => typeof s === 'object' && s !== null) : [];
    const first = servers[0];
    if (!first || typeof first.url !== 'string') {
      // OpenAPI's default server is "/": the origin the document was fetched from.
      if (loaded.sourceUrl) url = '/';
      else warnings.push('the document lists no servers: set the base URL of the connection');
    } else {
      url = first.url.replace(/\{([^}]+)\}/g, (whole: string, name: string) => {
        const def = first.variables?.[name]?.default;
        return def === undefined ? whole : String(def);
      });
      if (/\{[^}]+\}/.test(url)) warnings.push(`the server URL ${first.url} has variables without defaults: set the base URL`);
      if (servers.length > 1) warnings.push(`the document lists ${servers.length} servers; the first (${first.url}) is used`);
    }
  }
  if (url && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    if (loaded.sourceUrl) url = new URL(url, loaded.sourceUrl).href;
    else warnings.push(`the server URL ${url} is relative: set the base URL of the connection`);
  }
  return url.replace(/\/+$/, '');
}

/** Security schemes used by operations, most used first (global `security` counts for each). */
function rankSchemes(d: Schema, names: string[]): string[] {
  const uses = new Map<string, number>(names.map((n) => [n, 0]));
  const count = (security: unknown, weight: number) => {
    if (!Array.isArray(security)) return;
    for (const req of security) for (const n of Object.keys(req ?? {})) if (uses.has(n)) uses.set(n, uses.get(n)! + weight);
  };
  let ops = 0;
  for (const item of Object.values<Schema>(d.paths ?? {})) {
    for (const m of METHODS) {
      const op = item?.[m];
      if (!op || ++ops > MAX_COUNTED) continue;
      count(op.security ?? d.security, 1);
    }
  }
  return [...names].sort((a, b) => uses.get(b)! - uses.get(a)!);
}

type Mapped = { auth: ImportedAuth; param?: AuthParam } | { problem: string };

function mapScheme(name: string, s: Schema, baseUrl: string): Mapped {
  const type = String(s.type ?? '');
  if (type === 'apiKey') {
    if (typeof s.name !== 'string' || !s.name) return { problem: `${name}: apiKey without a name` };
    if (s.in === 'header') {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(s.name)) return { problem: `${name}: "${s.name}" is not a valid header name` };
      return { auth: { type: 'header', name: s.name, value: '' }, param: { in: 'header', name: s.name } };
    }
    if (s.in === 'query') return { auth: { type: 'query', name: s.name, value: '' }, param: { in: 'query', name: s.name } };
    return { problem: `${name}: an API key in a ${String(s.in)} is not supported` };
  }
  if (type === 'basic' || (type === 'http' && /^basic$/i.test(s.scheme))) return { auth: { type: 'basic', username: '', password: '' } };
  if (type === 'http' && /^bearer$/i.test(s.scheme)) return { auth: { type: 'bearer', token: '' } };
  if (type === 'http') return { problem: `${name}: HTTP ${String(s.scheme)} authentication is not supported` };
  if (type === 'oauth2') {
    const cc = s.flows?.clientCredentials ?? (s.flow === 'application' ? s : undefined);
    if (cc && typeof cc.tokenUrl === 'string') {
      const scopes = Object.keys(cc.scopes ?? {});
      let tokenUrl = cc.tokenUrl;
      if (baseUrl && !/^https?:\/\//i.test(tokenUrl)) tokenUrl = new URL(tokenUrl, `${baseUrl}/`).href;
      const auth: ImportedAuth = { type: 'oauth2_client_credentials', tokenUrl, clientId: '', clientSecret: '' };
      if (scopes.length > 0) auth.scope = scopes.join(' ').slice(0, 2048);
      return { auth };
    }
    const flows = s.flows ? Object.keys(s.flows).join(', ') : String(s.flow);
    return { problem: `${name}: OAuth2 ${flows} needs a user's login; only the client credentials flow is supported` };
  }
  return { problem: `${name}: ${type || 'unknown'} authentication is not supported` };
}

/** The connection the import proposes: name, base URL and auth with empty secrets. */
export function planConnection(loaded: LoadedDocument): ConnectionPlan {
  const warnings: string[] = [];
  const d = loaded.doc;
  const baseUrl = baseUrlOf(loaded, warnings);
  const schemes: Record<string, Schema> = (loaded.specVersion === '2.0' ? d.securityDefinitions : d.components?.securitySchemes) ?? {};
  const names = Object.keys(schemes).filter((n) => typeof schemes[n] === 'object' && schemes[n] !== null);
  let auth: ImportedAuth = { type: 'none' };
  let authParam: AuthParam | undefined;
  const problems: string[] = [];
  for (const n of rankSchemes(d, names)) {
    const m = mapScheme(n, schemes[n]!, baseUrl);
    if ('problem' in m) problems.push(m.problem);
    else if (auth.type === 'none') {
      auth = m.auth;
      authParam = m.param;
    } else warnings.push(`security scheme ${n} is not used: the connection takes one auth (${auth.type})`);
  }
  for (const p of problems) warnings.push(`security scheme ${p}`);
  if (auth.type === 'none' && names.length > 0) warnings.push('no security scheme could be mapped: the connection has no auth; set one before use');
  const title = typeof d.info?.title === 'string' && d.info.title.trim() ? d.info.title : 'Imported API';
  return { connection: { name: cut(title, 100), baseUrl, auth }, authParam, warnings };
}
