import fs from 'node:fs';
import path from 'node:path';

/**
 * The dependency rule of server/src (docs/ARCHITECTURE.md): data flows
 * `http -> channels -> agent -> actions -> net`; `store`, `inbox`, `secrets`, `net` and
 * `shared` import nothing from above them; `imports/` is beside `agent`, used by `http` only;
 * `app/` is the composition root and only
 * `main.ts` imports it; undici is imported only in `net/`; another folder is entered
 * through its index only.
 */
const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'server', 'src');
const SHARED = path.join(ROOT, 'shared');

/** Folders by layer: a folder may import folders of a lower rank (and the base files). */
const RANK: Record<string, number> = { app: 7, http: 6, channels: 5, agent: 4, imports: 4, actions: 3, inbox: 2, store: 2, secrets: 1, net: 1 };
/** Who may import whom, beyond rank: store and inbox are beside the chain, not below http only. */
const FORBIDDEN: Record<string, string[]> = {
  net: ['actions', 'agent', 'channels', 'http', 'app', 'store', 'inbox', 'secrets'],
  secrets: ['actions', 'agent', 'channels', 'http', 'app', 'store', 'inbox', 'net'],
  store: ['actions', 'agent', 'channels', 'http', 'app', 'inbox', 'net'],
  inbox: ['actions', 'agent', 'channels', 'http', 'app', 'net'],
  // The OpenAPI import is used by the HTTP routes only, and may use actions, net, secrets and shared.
  imports: ['agent', 'channels', 'http', 'app', 'inbox', 'store'],
  channels: ['imports'],
};

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The top folder of a file under server/src ('' for the base files such as config.ts). */
function folderOf(abs: string): string {
  const rel = path.relative(SRC, abs);
  return rel.includes(path.sep) ? rel.split(path.sep)[0]! : '';
}

interface Edge {
  from: string;
  spec: string;
  target: string | null;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const f of [...files(SRC), ...files(SHARED)]) {
    for (const spec of imports(f)) {
      const target = spec.startsWith('.') ? path.resolve(path.dirname(f), spec) : null;
      out.push({ from: f, spec, target });
    }
  }
  return out;
}

const all = edges();
const rel = (p: string) => path.relative(ROOT, p);

describe('the dependency rule of server/src', () => {
  test('no folder imports a folder above it', () => {
    const bad: string[] = [];
    for (const e of all) {
      if (!e.target || !e.from.startsWith(SRC) || !e.target.startsWith(SRC)) continue;
      const a = folderOf(e.from);
      const b = folderOf(e.target);
      if (!a || !b || a === b) continue;
      const up = (RANK[b] ?? 0) >= (RANK[a] ?? 0) && !(a === 'http' && b === 'inbox');
      if (up || FORBIDDEN[a]?.includes(b)) bad.push(`${rel(e.from)} -> ${e.spec}`);
    }
    expect(bad).toEqual([]);
  });

  test('the base files (config, errors, logger, metrics, paths) import no folder', () => {
    const bad = all.filter((e) => e.from.startsWith(SRC) && !folderOf(e.from) && !e.from.endsWith('main.ts') && e.target?.startsWith(SRC) && folderOf(e.target));
    expect(bad.map((e) => `${rel(e.from)} -> ${e.spec}`)).toEqual([]);
  });

  test('app/ is imported only by main.ts', () => {
    const bad = all.filter((e) => e.target?.startsWith(path.join(SRC, 'app')) && e.from.startsWith(SRC) && folderOf(e.from) !== 'app' && !e.from.endsWith('main.ts'));
    expect(bad.map((e) => `${rel(e.from)} -> ${e.spec}`)).toEqual([]);
  });

  test('shared/ imports nothing from the server', () => {
    const bad = all.filter((e) => e.from.startsWith(SHARED) && e.target && !e.target.startsWith(SHARED));
    expect(bad.map((e) => `${rel(e.from)} -> ${e.spec}`)).toEqual([]);
  });

  test('undici is imported only in net/', () => {
    const bad = all.filter((e) => (e.spec === 'undici' || e.spec.startsWith('undici/')) && !e.from.startsWith(path.join(SRC, 'net')));
    expect(bad.map((e) => rel(e.from))).toEqual([]);
  });

  test('another folder is entered through its index only', () => {
    const bad: string[] = [];
    for (const e of all) {
      if (!e.target || !e.from.startsWith(SRC) || !e.target.startsWith(SRC)) continue;
      const a = folderOf(e.from);
      const b = folderOf(e.target);
      if (!b || a === b) continue;
      const inner = path.relative(path.join(SRC, b), e.target);
      // `store/port` is the port's own module: importing its types is the point of a port.
      const isDir = fs.existsSync(e.target) && fs.statSync(e.target).isDirectory();
      if (inner !== '' && inner !== 'index' && !isDir && !(b === 'store' && inner === 'port')) bad.push(`${rel(e.from)} -> ${e.spec}`);
    }
    expect(bad).toEqual([]);
  });

  test('the rule itself sees the imports (a guard against a broken parser)', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((e) => e.spec === '../net' || e.spec.endsWith('/net'))).toBe(true);
  });
});
