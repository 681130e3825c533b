import type { Scenario } from '../shared/scenario';
import type { ActionView, EvalClient } from './client';
import type { ScenarioResult, SuiteReport, TrialResult } from '../shared/eval-report';
import { runTrial } from './runner';
import { summarize } from './metrics';

/** A scenario and where it came from. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

export interface SuiteOptions {
  trials: number;
  /** Trials running at once (each is one conversation). */
  concurrency: number;
  server: string;
  /** Called after every trial: done of total. */
  onTrial?: (done: number, total: number, scenario: string) => void;
  /** Called once all trials of a scenario are done (in suite order). */
  onScenario?: (r: ScenarioResult) => void;
}

const MAX_TRIALS = 100;
const MAX_CONCURRENCY = 16;

/** Runs every scenario `trials` times; trials of all scenarios share one bounded pool. */
export async function runSuite(client: EvalClient, scenarios: LoadedScenario[], opts: SuiteOptions): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  const k = Math.min(Math.max(1, opts.trials), MAX_TRIALS);
  const catalogue = new Map<string, ActionView>((await client.listActions()).map((a) => [a.name, a]));
  const results: TrialResult[][] = scenarios.map(() => []);
  const jobs = scenarios.flatMap((_, s) => Array.from({ length: k }, (_x, t) => ({ s, t })));
  const total = jobs.length;
  let next = 0;
  let done = 0;
  let reported = 0;
  const finished = scenarios.map(() => 0);

  const flush = () => {
    // Scenario lines come out in suite order even when trials finish out of order.
    while (reported < scenarios.length && finished[reported] === k) {
      opts.onScenario?.(scenarioResult(scenarios[reported]!, results[reported]!));
      reported++;
    }
  };

  const worker = async () => {
    while (next < jobs.length) {
      const { s, t } = jobs[next++]!;
      results[s]![t] = await runTrial(client, scenarios[s]!.scenario, catalogue);
      finished[s]!++;
      done++;
      opts.onTrial?.(done, total, scenarios[s]!.scenario.name);
      flush();
    }
  };
  const width = Math.min(Math.max(1, opts.concurrency), MAX_CONCURRENCY, total);
  await Promise.all(Array.from({ length: width }, worker));

  const scenarioResults = scenarios.map((sc, i) => scenarioResult(sc, results[i]!));
  return {
    version: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    server: opts.server,
    trials: k,
    scenarios: scenarioResults,
    summary: summarize(scenarioResults, k),
  };
}

function scenarioResult(sc: LoadedScenario, trials: TrialResult[]): ScenarioResult {
  const trialsPassed = trials.filter((t) => t.passed).length;
  return { name: sc.scenario.name, file: sc.file, passed: trialsPassed === trials.length, trialsPassed, trials };
}
