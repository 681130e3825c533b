import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';
import { AppError, ConfigError } from '../errors';

/** One resolved address, as `dns.lookup(..., {all: true})` gives it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name once; injectable so tests can make a name resolve anywhere. */
export type Resolver = (hostname: string, family?: number) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, /etc/hosts included), every address at once. */
export const systemResolver: Resolver = (hostname, family) =>
  dns.promises.lookup(hostname, { all: true, family: family === 4 || family === 6 ? family : 0 });

/** Thrown (or passed to undici's connect callback) when the guard refuses a destination. */
export class BlockedError extends AppError {
  constructor(message: string) {
    super('blocked', message, 400);
    this.name = 'BlockedError';
  }
}

/** True when `err` or one of its causes is a {@link BlockedError}. */
export function isBlockedError(err: unknown): err is BlockedError {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BlockedError) return true;
  }
  return false;
}

export interface NetworkGuardOptions {
  /** Host names (`localhost`, `*.corp.internal`), IPs and CIDRs exempt from the guard and allowed over plain http. */
  allowedPrivateHosts: readonly string[];
  /** Name resolution; the system resolver by default. */
  resolve?: Resolver;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** 64:ff9b::/96, the well-known NAT64 prefix: the last 32 bits are an IPv4 address. */
const NAT64: Cidr = [ipaddr.IPv6.parse('64:ff9b::'), 96];
/** ::/96, deprecated IPv4-compatible addresses (and the rest of ::/8 is reserved). */
const ZERO_PREFIX: Cidr = [ipaddr.IPv6.parse('::'), 8];

function embeddedIPv4(addr: ipaddr.IPv6, high: number, low: number): ipaddr.IPv4 {
  const p = addr.parts;
  return new ipaddr.IPv4([p[high]! >> 8, p[high]! & 0xff, p[low]! >> 8, p[low]! & 0xff]);
}

/** Strips the brackets URL.hostname keeps around an IPv6 literal. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * The private-network guard. Refuses loopback, private, link-local (cloud metadata),
 * CGNAT, multicast, unspecified, broadcast and reserved addresses, IPv4 and IPv6, with
 * IPv4-mapped, NAT64 and 6to4 addresses judged by the IPv4 address inside. The check runs
 * on the address actually connected to: its agent resolves a name once, checks every
 * address and connects only to them, so a second DNS answer cannot swap in another.
 */
export class NetworkGuard {
  private readonly hostnames = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly cidrs: Cidr[] = [];
  private readonly resolve: Resolver;
  /** checkUrl verdicts by scheme and host: the list never changes, so neither do they. */
  private readonly verdicts = new Map<string, string | null>();

  constructor(opts: NetworkGuardOptions) {
    this.resolve = opts.resolve ?? systemResolver;
    for (const raw of opts.allowedPrivateHosts) {
      const entry = bareHost(raw.trim().toLowerCase());
      if (!entry) continue;
      if (entry.includes('/')) {
        if (!ipaddr.isValidCIDR(entry)) throw new ConfigError(`ALLOWED_PRIVATE_HOSTS: ${raw} is not a valid CIDR`);
        this.cidrs.push(ipaddr.parseCIDR(entry));
      } else if (net.isIP(entry)) {
        const addr = ipaddr.parse(entry);
        this.cidrs.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
      } else if (entry.startsWith('*.')) {
        this.suffixes.push(entry.slice(1));
      } else {
        this.hostnames.add(entry.replace(/\.$/, ''));
      }
    }
  }

  /** Whether a host name is on the allowed list (exactly, or under a `*.` entry). */
  isAllowedHostname(hostname: string): boolean {
    const h = hostname.toLowerCase().replace(/\.$/, '');
    return this.hostnames.has(h) || this.suffixes.some((s) => h.endsWith(s));
  }

  /** Whether an IP address falls in an allowed IP or CIDR. */
  isAllowedAddress(ip: string): boolean {
    if (this.cidrs.length === 0 || !net.isIP(ip)) return false;
    let addr = ipaddr.parse(ip);
    if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress()) addr = addr.toIPv4Address();
    return this.cidrs.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
  }

  /** Why an address is refused, or null when it may be connected to (public, or allowed). */
  blockedReason(ip: string): string | null {
    if (!net.isIP(ip)) return `${ip} is not an IP address`;
    if (this.isAllowedAddress(ip)) return null;
    const addr = ipaddr.parse(ip);
    if (addr instanceof ipaddr.IPv6) {
      let inner: ipaddr.IPv4 | undefined;
      if (addr.isIPv4MappedAddress()) inner = addr.toIPv4Address();
      else if (addr.match(NAT64)) inner = embeddedIPv4(addr, 6, 7);
      else if (addr.range() === '6to4') inner = embeddedIPv4(addr, 1, 2);
      else if (addr.range() === 'rfc6145') inner = embeddedIPv4(addr, 6, 7);
      if (inner) {
        const reason = this.blockedReason(inner.toString());
        return reason ? `${ip} embeds ${reason}` : null;
      }
      if (addr.match(ZERO_PREFIX)) return `${ip} is a reserved address`;
    }
    const range = addr.range();
    return range === 'unicast' ? null : `${ip} is a ${range} address`;
  }

  /**
   * Checks a URL before any connection: scheme, credentials in the URL, IP-literal hosts
   * (Node never resolves those, so the connect-time check would not see them otherwise),
   * and plain http. Returns why it is refused, or null.
   */
  checkUrl(input: URL | string): string | null {
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
    } catch {
      return 'not a valid URL';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${url.protocol} URLs are not allowed: use https`;
    if (url.username || url.password) return 'credentials in the URL are not allowed';
    const key = url.protocol + url.hostname;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = this.judgeHost(url.protocol, bareHost(url.hostname));
      if (this.verdicts.size >= 1000) this.verdicts.clear();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private judgeHost(protocol: string, host: string): string | null {
    if (this.isAllowedHostname(host)) return null;
    if (net.isIP(host)) {
      const reason = this.blockedReason(host);
      if (reason) return reason;
      if (protocol === 'http:' && !this.isAllowedAddress(host)) return plainHttpRefused(host);
      return null;
    }
    // A name over plain http can only be allowed by its addresses, checked at connect time.
    if (protocol === 'http:' && this.cidrs.length === 0) return plainHttpRefused(host);
    return null;
  }

  /** Checks the addresses a name resolved to; throws BlockedError. */
  checkAddresses(hostname: string, protocol: string, addresses: readonly ResolvedAddress[]): void {
    if (this.isAllowedHostname(hostname)) return;
    for (const a of addresses) {
      const reason = this.blockedReason(a.address);
      if (reason) throw new BlockedError(`${hostname} resolves to a blocked address: ${reason}`);
      if (protocol === 'http:' && !this.isAllowedAddress(a.address)) throw new BlockedError(plainHttpRefused(hostname));
    }
  }

  /** A `net.connect` lookup for one protocol: resolve once, check all, hand back only those. */
  private lookupFor(protocol: string): net.LookupFunction {
    return (hostname, options, callback) => {
      const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : undefined;
      this.resolve(hostname, family)
        .then((addresses) => {
          if (addresses.length === 0) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
          this.checkAddresses(hostname, protocol, addresses);
          if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        })
        .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
    };
  }

  /**
   * An undici connector enforcing the guard: IP literals checked here, names resolved once
   * through the guarded lookup and connected to exactly the checked addresses.
   */
  connector(options: buildConnector.BuildOptions = {}): buildConnector.connector {
    const https = buildConnector({ ...options, lookup: this.lookupFor('https:') });
    const http = buildConnector({ ...options, lookup: this.lookupFor('http:') });
    return (opts, callback) => {
      const host = bareHost(opts.hostname);
      if (net.isIP(host) && !this.isAllowedHostname(host)) {
        const reason = this.blockedReason(host) ?? (opts.protocol === 'http:' && !this.isAllowedAddress(host) ? plainHttpRefused(host) : null);
        if (reason) {
          process.nextTick(callback, new BlockedError(reason), null);
          return;
        }
      }
      (opts.protocol === 'https:' ? https : http)(opts, callback);
    };
  }

  /** A keep-alive undici Agent (pooled per origin) whose every connection passes the guard. */
  createAgent(options: Omit<Agent.Options, 'connect'> & { connect?: buildConnector.BuildOptions } = {}): Agent {
    const { connect, ...rest } = options;
    return new Agent({ ...rest, connect: this.connector(connect) });
  }
}

function plainHttpRefused(host: string): string {
  return `plain http to ${host} is not allowed: use https, or add the host to ALLOWED_PRIVATE_HOSTS`;
}

/** Shorthand for the helpdesk API clients: a guarded Agent from the allowed list. */
export function createGuardedAgent(allowedPrivateHosts: readonly string[], options: Omit<Agent.Options, 'connect'> = {}): Agent {
  return new NetworkGuard({ allowedPrivateHosts }).createAgent(options);
}
