import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError, EvalClient } from './client';
import { applyExport, loadExportFile } from './export-file';
import { Progress, scenarioLine, summaryLines } from './format';
import { InputError, loadScenarios } from './load';
import { startLocalServer, type LocalServer } from './local-server';
import { runSuite } from './suite';

const USAGE = `Usage: npm run eval -- <scenario files or folders...> [options]

  --server URL        run against a running server (default: an in-process one on a temporary store)
  --token T           its admin token (or the EVAL_TOKEN environment variable)
  --actions FILE      an actions export ({actions, userDataApi?, settings?}) to create first;
                      \${NAME} in it is replaced by the environment variable NAME
  --trials K          run each scenario K times (default 1): pass^1 and pass^K
  --concurrency N     trials running at once (default 1)
  --json FILE         write the full report as JSON
  --timeout MS        deadline of one API request (default 180000)
  -h, --help          this text

Exit code: 0 when every scenario passed every trial, 1 when one failed, 2 on bad input.`;

function int(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      actions: { type: 'string' },
      trials: { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new InputError('name at least one scenario file or folder');
  const trials = int('trials', values.trials, 1, 1, 100);
  const concurrency = int('concurrency', values.concurrency, 1, 1, 16);
  const timeoutMs = int('timeout', values.timeout, 180_000, 1000, 3_600_000);
  const token = values.token ?? process.env.EVAL_TOKEN;
  if (values.server && !token) throw new InputError('--server needs --token (or EVAL_TOKEN)');
  if (values.server && !/^https?:\/\//.test(values.server)) throw new InputError(`--server must be an http(s) URL, got ${JSON.stringify(values.server)}`);

  const scenarios = loadScenarios(positionals);
  const doc = values.actions ? loadExportFile(values.actions) : null;

  let local: LocalServer | null = null;
  let failed = true;
  const stop = () => {
    void (local?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (!values.server) local = await startLocalServer();
    const client = new EvalClient(values.server ?? local!.url, values.server ? token! : local!.token, { timeoutMs });
    if (doc) for (const note of await applyExport(client, doc, values.actions!, local !== null)) process.stderr.write(`note: ${note}\n`);

    const progress = new Progress();
    let bar = { done: 0, total: scenarios.length * trials, label: '' };
    progress.update(0, bar.total, 'starting');
    const report = await runSuite(client, scenarios, {
      trials,
      concurrency,
      server: values.server ?? 'in-process',
      onTrial: (done, total, label) => {
        bar = { done, total, label };
        progress.update(done, total, label);
      },
      onScenario: (r) => {
        progress.clear();
        process.stdout.write(scenarioLine(r) + '\n');
        if (bar.done < bar.total) progress.update(bar.done, bar.total, bar.label);
      },
    });
    progress.clear();
    if (values.json) {
      fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
      fs.writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
    }
    process.stdout.write(summaryLines(report.summary, report.trials).join('\n') + '\n');
    failed = report.summary.failed > 0;
    if (failed && local) process.stderr.write(`server log of this run: ${local.logFile}\n`);
    return failed ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await local?.close(failed);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof InputError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`eval: ${(err as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    // The server failing to answer is a failed run, not a crash of the eval.
    process.stderr.write(`eval: ${err instanceof ApiError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exitCode = 1;
  },
);
