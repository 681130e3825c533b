import { request, type Dispatcher } from 'undici';
import { readCapped } from './body';
import { webHeaders } from './send';

/** Statuses whose Response must not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** A model answer larger than this is refused (a completion is a few KiB). */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * The `fetch` the OpenAI client uses: undici's `request` on the given keep-alive pool, the
 * whole answer read (capped) into a standard `Response`. It does what the SDK needs
 * (method, headers, string body, abort signal) at a fraction of the cost of the global
 * WHATWG fetch, whose web streams were the largest single cost of a turn in the benchmark.
 * Anything it does not handle (a streamed or form body) goes to the global fetch unchanged.
 */
export function createLlmFetch(pool: Dispatcher): typeof globalThis.fetch {
  const llmFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    if ((typeof input !== 'string' && !(input instanceof URL)) || (body != null && typeof body !== 'string' && !(body instanceof Uint8Array))) {
      return globalThis.fetch(input, init);
    }
    const res = await request(input, {
      dispatcher: pool,
      method: (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod,
      headers: flatHeaders(init.headers),
      body: body ?? null,
      signal: init.signal ?? undefined,
    });
    const bytes = await readCapped(res.body, MAX_RESPONSE_BYTES);
    return new BufferedResponse(res.statusCode, webHeaders(res.headers), NULL_BODY.has(res.statusCode) ? Buffer.alloc(0) : bytes, String(input)) as unknown as Response;
  };
  return llmFetch as typeof globalThis.fetch;
}

/**
 * The part of `Response` the OpenAI SDK reads from a non-streamed answer (status, headers, url,
 * `json()` / `text()`, a `body` it may cancel), over bytes already read. A WHATWG `Response`
 * wraps them in a web stream only to read them back: ~25 us a model call, twice a turn.
 * Streamed completions are not used; a caller that needs a real stream gets the global fetch.
 */
class BufferedResponse {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'basic';
  /** Already read: nothing to cancel. */
  readonly body = null;
  bodyUsed = false;

  constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly bytes: Buffer,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.bytes.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    return new Uint8Array(this.bytes).buffer;
  }
}

/** Any HeadersInit as the flat name/value list undici takes. */
function flatHeaders(h: HeadersInit | undefined): string[] {
  const out: string[] = [];
  if (!h) return out;
  const entries = h instanceof Headers || Array.isArray(h) ? h : Object.entries(h);
  for (const [name, value] of entries as Iterable<[string, string]>) out.push(name, value);
  return out;
}
