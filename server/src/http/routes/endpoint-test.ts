import { randomUUID } from 'node:crypto';
import { WRITE_METHODS, type ActionContext } from '../../../../shared/action';
import type { Connection } from '../../../../shared/connection';
import type { CallRecord } from '../../../../shared/conversation';
import type { Endpoint, ExecResult } from '../../actions';
import type { AppContext } from '../context';

/** The answer of a test-before-saving call. */
export interface EndpointTestResult {
  ok: boolean;
  request: ExecResult['request'];
  response: ExecResult['response'] | null;
  durationMs: number;
  error?: { type: string; message: string };
  /** What the model would see, shaped and capped. */
  modelView: string | null;
  /** True for write methods: the test really performed the call. */
  performed: boolean;
  warning?: string;
}

/** Runs an endpoint once with sample values, logs the call, and returns the masked echo. */
export async function runEndpointTest(
  ctx: AppContext,
  tenantId: string,
  endpoint: Endpoint & { name?: string },
  variables: Record<string, unknown>,
  contact: ActionContext['contact'] | undefined,
  label = endpoint.name ?? 'test',
  opts: { connection?: Connection | null; verified?: boolean } = {},
): Promise<EndpointTestResult> {
  const context: ActionContext = {
    contact: contact ?? {},
    channel: 'test',
    current_datetime: new Date().toISOString(),
    tenant_id: tenantId,
    verified: opts.verified ?? false,
  };
  const r = await ctx.executor.execute(endpoint, variables, context, { connection: opts.connection ?? null });
  ctx.metrics.recordCall(r.ok, r.error?.type, r.durationMs);
  const call: CallRecord = {
    id: randomUUID(),
    conversationId: null,
    turnId: null,
    action: label,
    method: r.request.method,
    url: r.request.url,
    status: r.status ?? null,
    ok: r.ok,
    durationMs: r.durationMs,
    errorType: r.error?.type,
    errorMessage: r.error?.message,
    requestHeaders: r.request.headers,
    responseExcerpt: (r.modelText ?? '').slice(0, 500),
    at: new Date().toISOString(),
    // A test run from the admin page: logged, but kept out of the action statistics.
    test: true,
  };
  await ctx.store.addCalls(tenantId, [call]);
  const write = WRITE_METHODS.has(endpoint.method);
  const performed = write && r.error?.type !== 'missing_variables' && r.error?.type !== 'blocked';
  return {
    ok: r.ok,
    request: r.request,
    response: r.response ?? null,
    durationMs: r.durationMs,
    ...(r.error ? { error: r.error } : {}),
    modelView: r.modelText ?? null,
    performed,
    ...(write ? { warning: `This test really sent a ${endpoint.method} request to the API${performed ? '' : ' (it was not sent: see the error)'}.` } : {}),
  };
}
