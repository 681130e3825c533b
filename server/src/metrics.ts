import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server instance (own registry: several instances may share a process in tests). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly actionCalls = new Counter({
    name: 'action_calls_total',
    help: 'Outbound action calls by result (ok or error type)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly actionDuration = new Histogram({
    name: 'action_call_duration_seconds',
    help: 'Outbound action call latency',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });
  readonly llmCalls = new Counter({
    name: 'llm_calls_total',
    help: 'Model calls by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  recordCall(ok: boolean, errorType: string | undefined, durationMs: number): void {
    this.actionCalls.inc({ result: ok ? 'ok' : (errorType ?? 'error') });
    this.actionDuration.observe(durationMs / 1000);
  }
}
