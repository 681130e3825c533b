import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import type { ModelTestResult } from '../../../../shared/admin-api';
import type { AppContext } from '../context';

/** Where requests go without OPENAI_BASE_URL (the SDK's default). */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** A model test waits this long at most: long enough for a cold local model, short for a page. */
const TEST_TIMEOUT_MS = 30_000;

/** Whether the server has a model endpoint at all: a key (OpenAI) or an address (a local model needs no key). */
export function modelConfigured(config: AppContext['config']): boolean {
  return config.OPENAI_API_KEY !== '' || config.OPENAI_BASE_URL !== undefined;
}

/**
 * One tiny chat completion through the server's model endpoint, built as the agent builds its
 * client (same fetch, key and address), with the failure in words an admin can act on.
 */
export async function testModel(ctx: AppContext, model: string): Promise<ModelTestResult> {
  const { config } = ctx;
  const baseUrl = (config.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const started = performance.now();
  const done = (ok: boolean, message: string): ModelTestResult => ({ ok, model, baseUrl, message, latencyMs: Math.round(performance.now() - started) });
  if (!modelConfigured(config)) {
    return done(false, 'no model is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a provider other than OpenAI, e.g. http://localhost:11434/v1 for Ollama) and restart the server');
  }
  const llm = new OpenAI({
    fetch: ctx.outbound.llmFetch,
    apiKey: config.OPENAI_API_KEY || 'not-configured',
    baseURL: config.OPENAI_BASE_URL,
    timeout: Math.min(config.OPENAI_TIMEOUT_MS, TEST_TIMEOUT_MS),
    maxRetries: 0,
    logLevel: 'off',
  });
  try {
    const r = await llm.chat.completions.create({ model, messages: [{ role: 'user', content: 'Reply with the single word OK.' }] });
    const text = r.choices?.[0]?.message?.content;
    if (typeof text !== 'string' && !r.choices?.[0]?.message) return done(false, `${baseUrl} answered, but not with a chat completion: is it an OpenAI-compatible endpoint?`);
    return done(true, `the model ${model} answered${text ? `: “${text.trim().slice(0, 60)}”` : ''}`);
  } catch (err) {
    return done(false, failureText(err, model, baseUrl));
  }
}

function failureText(err: unknown, model: string, baseUrl: string): string {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return `no answer from ${baseUrl} within ${Math.round(TEST_TIMEOUT_MS / 1000)} s`;
  if (err instanceof OpenAI.APIConnectionError) {
    const code = causeCode(err);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of ${baseUrl} is not found (DNS): check OPENAI_BASE_URL`;
    if (code === 'ECONNREFUSED') return `nothing answers at ${baseUrl} (connection refused): is the model server running?`;
    return `nothing answers at ${baseUrl}${code ? ` (${code})` : ''}`;
  }
  if (err instanceof OpenAI.APIError) {
    const detail = providerMessage(err);
    if (err.status === 401) return `the API key was refused by ${baseUrl}${detail}: check OPENAI_API_KEY`;
    if (err.status === 403) return `the API key may not use the model ${model}${detail}`;
    if (err.status === 404) {
      return /model/i.test(detail) || err.code === 'model_not_found'
        ? `the model ${model} does not exist there${detail}`
        : `the model ${model} does not exist there, or ${baseUrl} is not an OpenAI-compatible endpoint (404 on /chat/completions)${detail}`;
    }
    if (err.status === 429) return `${baseUrl} is rate limiting or out of quota${detail}`;
    if (err.status === 400) return `${baseUrl} refused the request for ${model}${detail}`;
    return `${baseUrl} answered HTTP ${err.status ?? '?'}${detail}`;
  }
  return `the test failed: ${(err as Error).message}`;
}

/** The provider's own error message, short. */
function providerMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const e = err.error as { message?: unknown } | undefined;
  const m = typeof e?.message === 'string' ? e.message : '';
  return m ? ` (“${m.slice(0, 200)}”)` : '';
}

/** The system error code (ECONNREFUSED...) of a connection failure: its `code`, else the one its message names (the SDK may re-wrap the cause with its message only). */
function causeCode(err: unknown): string | undefined {
  let e = err as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
  for (let i = 0; i < 5 && e; i++) {
    if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
    const named = typeof e.message === 'string' ? /\b(E[A-Z]{4,}(?:_[A-Z]+)?)\b/.exec(e.message) : null;
    if (named) return named[1];
    e = e.cause as typeof e;
  }
  return undefined;
}
