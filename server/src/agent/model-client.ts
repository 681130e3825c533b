import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { webHeaders, type NetResult, type Outbound } from '../net';
import { MalformedOutput } from './context';

/** A model answer larger than this is refused (a completion is a few KiB). */
const MAX_COMPLETION_BYTES = 8 * 1024 * 1024;

/** Models whose request is remembered; tenants name their own model, so the map is bounded. */
const MAX_MODELS = 100;

/** Headers the SDK sets per attempt; the sender's own retry makes them wrong for a cached request. */
const PER_ATTEMPT = new Set(['x-stainless-retry-count', 'x-stainless-timeout', 'content-length']);

/** Where and how a chat completion is sent for one model: the SDK's own request, captured once. */
interface Wire {
  origin: string;
  path: string;
  headers: string[];
}

/**
 * Chat completions for the turn loop. The OpenAI SDK stays the source of the wire format (the
 * URL, auth and client headers its `buildRequest` makes, asked once per model) and of the error
 * classes; each request then goes through `net/`'s llm pool with the one retry policy (a
 * chat completion has no side effect: retried once on a dropped connection, a 408/429/500/502-504
 * or a stalled attempt). Skipped is the SDK's per-request machinery: header merging, log details
 * built for a logger that is off, an AbortController, a timer and a Response per call, ~9% of
 * a turn's CPU at concurrency 50 (issue 13).
 */
export class ModelClient {
  private readonly wires = new Map<string, Promise<Wire>>();

  constructor(
    private readonly llm: OpenAI,
    private readonly outbound: Outbound,
    /** One attempt's deadline (OPENAI_TIMEOUT_MS); the call, with its retry, gets twice that. */
    private readonly timeoutMs: number,
  ) {}

  /** One completion; throws the SDK's error classes (or MalformedOutput for an answer that is not JSON). */
  async complete(params: ChatCompletionCreateParamsNonStreaming, signal: AbortSignal): Promise<ChatCompletion> {
    const wire = await this.wire(params.model);
    const r = await this.outbound.send('llm', {
      origin: wire.origin,
      path: wire.path,
      method: 'POST',
      headers: wire.headers,
      body: requestBody(params),
      timeoutMs: 2 * this.timeoutMs,
      attemptTimeoutMs: this.timeoutMs,
      signal,
      maxBytes: MAX_COMPLETION_BYTES,
      // OpenAI documents a 500 as transient, as the SDK treats it.
      retry: { max: 1, idempotent: true, alsoStatuses: [500] },
    });
    if (!r.ok) throw modelError(r);
    try {
      return JSON.parse(r.body!.toString('utf8')) as ChatCompletion;
    } catch {
      throw new MalformedOutput('the model answer is not JSON');
    }
  }

  private wire(model: string): Promise<Wire> {
    let w = this.wires.get(model);
    if (!w) {
      w = this.llm.buildRequest({ method: 'post', path: '/chat/completions', body: { model } }).then(({ url, req }) => {
        const u = new URL(url);
        const headers: string[] = [];
        new Headers(req.headers).forEach((value, name) => {
          if (!PER_ATTEMPT.has(name)) headers.push(name, value);
        });
        return { origin: u.origin, path: u.pathname + u.search, headers };
      });
      // A failure is not cached: the next turn asks again.
      w.catch(() => this.wires.delete(model));
      if (this.wires.size >= MAX_MODELS) this.wires.delete(this.wires.keys().next().value!);
      this.wires.set(model, w);
    }
    return w;
  }
}

/**
 * Each tool definition serialized once: the same objects (one per action version, see `toolFor`)
 * go out in every round of every turn, up to 24 of them (~10 KB) per request.
 */
const toolJson = new WeakMap<object, string>();

/** `JSON.stringify(params)`, with the tool definitions from {@link toolJson}. */
function requestBody(params: ChatCompletionCreateParamsNonStreaming): string {
  const { tools, ...rest } = params;
  if (!tools?.length) return JSON.stringify(rest);
  const parts = tools.map((t) => {
    let json = toolJson.get(t);
    if (json === undefined) toolJson.set(t, (json = JSON.stringify(t)));
    return json;
  });
  // `rest` always has a model and messages: its JSON ends with the object's closing brace.
  return `${JSON.stringify(rest).slice(0, -1)},"tools":[${parts.join(',')}]}`;
}

/** The SDK's error for a failed call, so logs read as they did when the SDK sent it. */
function modelError(r: NetResult): Error {
  const e = r.error!;
  if (r.status === undefined || e.type === 'too_large') {
    if (e.type === 'timeout') return new OpenAI.APIConnectionTimeoutError({ message: e.message });
    return new OpenAI.APIConnectionError({ message: e.message });
  }
  const text = r.body?.toString('utf8') ?? '';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : body;
  return OpenAI.APIError.generate(r.status, error as object | undefined, text.slice(0, 300) || undefined, webHeaders(r.headers));
}
