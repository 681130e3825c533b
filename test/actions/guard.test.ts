import { request } from 'undici';
import { ActionExecutor } from '../../server/src/actions';
import { BlockedError, NetworkGuard, createGuardedAgent, type Resolver } from '../../server/src/net';
import { action, context, json, standIn, type StandIn } from './helpers';

let api: StandIn;
/** No private host allowed: the production default. */
let strict: ActionExecutor;

beforeAll(async () => {
  api = await standIn((req, res) => json(res, 200, { ok: true }));
  strict = new ActionExecutor({ allowedPrivateHosts: [] });
});
afterAll(async () => {
  await strict.close();
  await api.close();
});
beforeEach(() => {
  api.seen.length = 0;
});

/** A resolver that answers from a table, counting calls per name. */
function table(entries: Record<string, string[] | (() => string[])>): Resolver & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const resolve = (async (hostname: string) => {
    calls.set(hostname, (calls.get(hostname) ?? 0) + 1);
    const entry = Object.hasOwn(entries, hostname) ? entries[hostname] : undefined;
    if (!entry) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    const list = typeof entry === 'function' ? entry() : entry;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }) as Resolver & { calls: Map<string, number> };
  resolve.calls = calls;
  return resolve;
}

describe('private addresses are refused', () => {
  const literals = [
    'https://127.0.0.1:PORT/',
    'http://127.0.0.1:PORT/',
    'https://10.0.0.1/',
    'https://172.16.5.4/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'https://240.0.0.1/',
    'https://[::1]:PORT/',
    'https://[::]/',
    'https://[::ffff:127.0.0.1]:PORT/',
    'https://[::ffff:169.254.169.254]/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://[ff02::1]/',
    'https://[64:ff9b::7f00:1]/',
    'https://[2002:a00:1::]/',
    'https://[::127.0.0.1]/',
    'http://2130706433:PORT/',
    'http://0x7f.1:PORT/',
    'https://0177.0.0.1:PORT/',
  ];
  it.each(literals)('%s', async (template) => {
    const url = template.replace('PORT', String(api.port));
    const r = await strict.execute(action({ url }), {}, context);
    expect(r.error?.type).toBe('blocked');
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(0);
    expect(api.seen).toHaveLength(0);
  });

  it('normalises numeric hosts before judging them', () => {
    expect(new URL('http://2130706433/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0x7f.1/').hostname).toBe('127.0.0.1');
  });

  it('refuses a host name that resolves to loopback (checked on the address connected to)', async () => {
    const r = await strict.execute(action({ url: `https://localhost:${api.port}/` }), {}, context);
    expect(r.error?.type).toBe('blocked');
    expect(r.error?.message).toMatch(/localhost resolves to a blocked address/);
    expect(r.attempts).toBe(1);
    expect(api.seen).toHaveLength(0);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const exec = new ActionExecutor({ allowedPrivateHosts: [], resolve: table({ 'inside.test': ['10.1.2.3'], 'mixed.test': ['93.184.215.14', '127.0.0.1'] }) });
    try {
      for (const host of ['inside.test', 'mixed.test']) {
        const r = await exec.execute(action({ url: `https://${host}/` }), {}, context);
        expect(r.error?.type).toBe('blocked');
      }
    } finally {
      await exec.close();
    }
  });

  it('refuses plain http to a host that is not allowed', async () => {
    const before = await strict.execute(action({ url: 'http://example.com/' }), {}, context);
    expect(before.error?.type).toBe('blocked');
    expect(before.error?.message).toMatch(/plain http/);
    expect(before.attempts).toBe(0);

    const literal = await strict.execute(action({ url: 'http://93.184.215.14/' }), {}, context);
    expect(literal.error?.type).toBe('blocked');

    // With CIDRs allowed, a name over http is judged by the address it resolves to.
    const exec = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'], resolve: table({ 'public.test': ['93.184.215.14'] }) });
    try {
      const r = await exec.execute(action({ url: 'http://public.test/' }), {}, context);
      expect(r.error?.type).toBe('blocked');
      expect(r.error?.message).toMatch(/plain http/);
    } finally {
      await exec.close();
    }
  });
});

describe('allowed private hosts', () => {
  it('an allowed IP or CIDR may be called over http', async () => {
    for (const allowed of [['127.0.0.1'], ['127.0.0.0/8'], ['127.0.0.1/32']]) {
      const exec = new ActionExecutor({ allowedPrivateHosts: allowed });
      try {
        const r = await exec.execute(action({ url: `${api.base}/ok` }), {}, context);
        expect(r.ok).toBe(true);
      } finally {
        await exec.close();
      }
    }
    expect(api.seen).toHaveLength(3);
  });

  it('an allowed host name may be called', async () => {
    const exec = new ActionExecutor({ allowedPrivateHosts: ['localhost'] });
    try {
      const r = await exec.execute(action({ url: `http://localhost:${api.port}/named` }), {}, context);
      expect(r.ok).toBe(true);
      expect(api.seen[0]!.url).toBe('/named');
    } finally {
      await exec.close();
    }
  });

  it('connects to the address resolved once, never resolving again for that connection', async () => {
    let n = 0;
    // A rebinding resolver: allowed address first, then the metadata service.
    const resolve = table({ 'rebind.test': () => (n++ === 0 ? ['127.0.0.1'] : ['169.254.169.254']) });
    const exec = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'], resolve });
    try {
      const r = await exec.execute(action({ url: `http://rebind.test:${api.port}/r` }), {}, context);
      expect(r.ok).toBe(true);
      expect(resolve.calls.get('rebind.test')).toBe(1);
      expect(api.seen[0]!.headers.host).toBe(`rebind.test:${api.port}`);
    } finally {
      await exec.close();
    }
  });

  it('does not let an allowed CIDR open other private ranges', async () => {
    const exec = new ActionExecutor({ allowedPrivateHosts: ['10.0.0.0/8'] });
    try {
      const r = await exec.execute(action({ url: `http://127.0.0.1:${api.port}/` }), {}, context);
      expect(r.error?.type).toBe('blocked');
      expect(api.seen).toHaveLength(0);
    } finally {
      await exec.close();
    }
  });
});

describe('the guard as a library', () => {
  it('classifies addresses', () => {
    const g = new NetworkGuard({ allowedPrivateHosts: ['10.0.0.0/8', 'internal.example', '*.corp.example'] });
    expect(g.blockedReason('8.8.8.8')).toBeNull();
    expect(g.blockedReason('2606:4700::1111')).toBeNull();
    expect(g.blockedReason('10.9.9.9')).toBeNull();
    expect(g.blockedReason('::ffff:10.1.1.1')).toBeNull();
    expect(g.blockedReason('192.168.0.1')).toMatch(/private/);
    expect(g.blockedReason('::ffff:8.8.8.8')).toBeNull();
    expect(g.blockedReason('64:ff9b::808:808')).toBeNull();
    expect(g.blockedReason('64:ff9b::a9fe:a9fe')).toMatch(/linkLocal/);
    expect(g.isAllowedHostname('internal.example')).toBe(true);
    expect(g.isAllowedHostname('api.corp.example')).toBe(true);
    expect(g.isAllowedHostname('corp.example.evil.test')).toBe(false);
    expect(g.checkUrl('ftp://example.com/')).toMatch(/ftp/);
    expect(g.checkUrl('https://user:pw@example.com/')).toMatch(/credentials/);
    expect(g.checkUrl('https://example.com/')).toBeNull();
  });

  it('guards a plain undici request made through its agent (helpdesk clients)', async () => {
    const agent = createGuardedAgent([]);
    try {
      await expect(request(`${api.base}/x`, { dispatcher: agent })).rejects.toBeInstanceOf(BlockedError);
      await expect(request(`http://localhost:${api.port}/x`, { dispatcher: agent })).rejects.toThrow(/blocked|plain http/);
      expect(api.seen).toHaveLength(0);
    } finally {
      await agent.close();
    }
  });
});
