import { Agent } from 'undici';
import { DEFAULT_MAX_RESPONSE_BYTES } from './body';
import { NetworkGuard, type Resolver } from './guard';
import { createLlmFetch } from './llm-fetch';
import { send, type NetRequest, type NetResult } from './send';

/** Which pool a call goes through. */
export type PoolName =
  /** Customer APIs, helpdesk APIs, MCP servers: every connection passes the network guard. */
  | 'guarded'
  /** The LLM endpoint, which the operator configures (often a model on loopback): not guarded. */
  | 'llm';

export interface OutboundOptions {
  /** ALLOWED_PRIVATE_HOSTS: names, IPs and CIDRs exempt from the guard and allowed over plain http. */
  allowedPrivateHosts: readonly string[];
  /** First retry delay (tests make it short). Default 100 ms. */
  retryBaseMs?: number;
  /** Name resolution used by the guard (tests make names resolve to chosen addresses). */
  resolve?: Resolver;
}

/**
 * The one outbound HTTP stack. The composition root owns one instance: its keep-alive
 * pools (per origin inside each undici Agent), the guard, and the retry settings; every
 * module that calls out goes through {@link Outbound.send} or {@link Outbound.llmFetch}.
 */
export class Outbound {
  readonly guard: NetworkGuard;
  private readonly pools: Record<PoolName, Agent>;
  private readonly retryBaseMs: number;
  /** The `fetch` the OpenAI SDK uses, on the llm pool. */
  readonly llmFetch: typeof globalThis.fetch;

  constructor(opts: OutboundOptions) {
    this.guard = new NetworkGuard({ allowedPrivateHosts: opts.allowedPrivateHosts, ...(opts.resolve ? { resolve: opts.resolve } : {}) });
    this.pools = {
      guarded: this.guard.createAgent({ keepAliveTimeout: 10_000, connections: 64, connect: { timeout: 10_000 } }),
      llm: new Agent({ connections: 128, keepAliveTimeout: 30_000 }),
    };
    this.retryBaseMs = opts.retryBaseMs ?? 100;
    this.llmFetch = createLlmFetch(this.pools.llm);
  }

  /** One call through a pool, with the guard's URL check first for the guarded pool. */
  send(pool: PoolName, req: NetRequest): Promise<NetResult> {
    if (pool === 'guarded') {
      const refusal = this.guard.checkUrl(req.origin + req.path);
      if (refusal) return Promise.resolve({ ok: false, error: { type: 'blocked', message: refusal }, attempts: 0, durationMs: 0 });
    }
    return send(this.pools[pool], req, { retryBaseMs: this.retryBaseMs });
  }

  /** Closes every pool (the composition root calls it on shutdown). */
  async close(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((p) => p.close()));
  }
}

export { DEFAULT_MAX_RESPONSE_BYTES };
