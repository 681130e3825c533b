import type { Request } from 'express';
import { Router } from 'express';
import { parse as parseYaml } from 'yaml';
import { ApiError, EvalClient } from '../../../../eval/client';
import { runSuite, type LoadedScenario } from '../../../../eval/suite';
import { ScenarioRunBody } from '../../../../shared/admin-api';
import { Scenario } from '../../../../shared/scenario';
import { ConflictError, UnauthorizedError, ValidationError, type ErrorDetail } from '../../errors';
import { tenantOf, type AppContext } from '../context';
import { bearer } from '../tokens';
import { parseInput } from '../validate';

/** Trials running at once: each is a conversation with the model on this same server. */
const CONCURRENCY = 2;
/** Beyond the turn deadline, what one API request of a run may take (queueing, the confirm route). */
const REQUEST_SLACK_MS = 10_000;
/** How much later than the run's deadline one request's own timeout fires. */
const DEADLINE_MARGIN_MS = 2_000;

/** Tenants with a run in progress on this instance: one at a time each, a run holds the model for minutes. */
const running = new Set<string>();

/**
 * `POST /v1/scenarios/run`: runs a suite with the eval's runner (eval/), through this server's
 * own HTTP API as the caller (their token), and answers the eval's JSON report. Bounded: at
 * most 20 scenarios, 5 trials, one run per tenant, and a deadline after which every turn fails.
 */
export function scenarioRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/run', async (req, res) => {
    const body = parseInput(ScenarioRunBody, req.body);
    const scenarios = loadScenarios(body);
    const token = bearer(req.headers.authorization);
    if (!token) throw new UnauthorizedError('missing bearer token');
    const tenantId = tenantOf(req).id;
    if (running.has(tenantId)) throw new ConflictError('a scenario run is already going for this tenant: wait for its report');
    running.add(tenantId);
    const base = ownUrl(req);
    // A request's own timeout is past the run's deadline, so that the deadline (and its message) comes first.
    const runMs = body.timeoutSeconds * 1000;
    const client = new DeadlineClient(base, token, Date.now() + runMs, Math.min(runMs + DEADLINE_MARGIN_MS, ctx.config.TURN_DEADLINE_MS + REQUEST_SLACK_MS));
    // The caller went away: the remaining turns fail at once instead of running for nobody.
    res.on('close', () => {
      if (!res.writableFinished) client.stop('the request was cancelled');
    });
    try {
      const report = await runSuite(client, scenarios, { trials: body.trials, concurrency: CONCURRENCY, server: 'this server' });
      res.json(report);
    } finally {
      running.delete(tenantId);
    }
  });
  return r;
}

/**
 * The address this server answered the request on, as seen from the server itself: the socket's
 * local address and port. Never the Host header, which the caller chooses (a run must not send
 * the caller's token to a host they name), nor PUBLIC_URL, which may not be reachable from here.
 */
function ownUrl(req: Request): string {
  const raw = req.socket.localAddress ?? '127.0.0.1';
  const addr = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  const host = addr.includes(':') ? `[${addr}]` : addr;
  return `http://${host}:${req.socket.localPort}`;
}

/** The uploaded scenarios, validated all at once; a 400 names each file (or index) and field. */
function loadScenarios(body: ReturnType<typeof ScenarioRunBody.parse>): LoadedScenario[] {
  const problems: ErrorDetail[] = [];
  const loaded: LoadedScenario[] = [];
  const names = new Map<string, string>();
  const add = (data: unknown, file: string, at: string) => {
    const r = Scenario.safeParse(data);
    if (!r.success) {
      problems.push(...r.error.issues.map((i) => ({ path: [at, ...i.path.map(String)].join('.'), message: `${file}: ${i.message}` })));
      return;
    }
    const other = names.get(r.data.name);
    if (other) problems.push({ path: `${at}.name`, message: `${file}: the name ${JSON.stringify(r.data.name)} is already used by ${other}` });
    names.set(r.data.name, file);
    loaded.push({ file, scenario: r.data });
  };
  body.scenarios?.forEach((s, i) => add(s, `scenarios[${i}]`, `scenarios.${i}`));
  body.files?.forEach((f, i) => {
    let data: unknown;
    const json = f.name.toLowerCase().endsWith('.json');
    try {
      data = json ? JSON.parse(f.text) : parseYaml(f.text, { maxAliasCount: 100 });
    } catch (err) {
      problems.push({ path: `files.${i}.text`, message: `${f.name}: not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}` });
      return;
    }
    add(data, f.name, `files.${i}`);
  });
  if (problems.length) throw new ValidationError('invalid scenarios: nothing was run', problems);
  return loaded;
}

/** The eval's client with a deadline over the whole run: past it (or once stopped) every request, also one in flight, fails at once. */
class DeadlineClient extends EvalClient {
  private stopped: string | null = null;
  /** Rejects of the requests in flight, to end them when the run is stopped. */
  private readonly inFlight = new Set<(why: string) => void>();

  constructor(
    baseUrl: string,
    token: string,
    private readonly deadline: number,
    requestTimeoutMs: number,
  ) {
    super(baseUrl, token, { timeoutMs: requestTimeoutMs });
  }

  stop(why: string): void {
    this.stopped = why;
    for (const end of this.inFlight) end(why);
  }

  override async request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const left = this.deadline - Date.now();
    const refuse = (why: string) => new ApiError(null, 'timeout', `${method} ${path}: ${why}`);
    if (this.stopped) throw refuse(this.stopped);
    if (left <= 0) throw refuse('the run reached its time limit');
    let timer: NodeJS.Timeout | undefined;
    let end: ((why: string) => void) | undefined;
    const limit = new Promise<never>((_, reject) => {
      end = (why) => reject(refuse(why));
      this.inFlight.add(end);
      timer = setTimeout(() => end!('the run reached its time limit'), left);
    });
    try {
      return await Promise.race([super.request<T>(method, path, body), limit]);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(end!);
    }
  }
}
