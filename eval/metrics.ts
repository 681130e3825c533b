import type { ScenarioResult, Summary } from '../shared/eval-report';

export function summarize(results: ScenarioResult[], k: number): Summary {
  const passHat: Record<string, number> = {};
  for (let j = 1; j <= k; j++) {
    const per = results.map((r) => choose(r.trialsPassed, j) / choose(r.trials.length, j));
    passHat[String(j)] = round(mean(per) ?? 0);
  }
  const tc = { expected: 0, made: 0, matched: 0 };
  const args = { checked: 0, matched: 0 };
  const latencies: number[] = [];
  const violations: Summary['violations']['list'] = [];
  for (const r of results) {
    r.trials.forEach((t, i) => {
      for (const v of t.violations) violations.push({ scenario: r.name, trial: i + 1, ...v });
      for (const turn of t.turns) {
        if (turn.latencyMs !== null) latencies.push(turn.latencyMs);
        if (turn.tally.scored) {
          tc.expected += turn.tally.expected;
          tc.made += turn.tally.made;
          tc.matched += turn.tally.matched;
        }
        args.checked += turn.tally.argsChecked;
        args.matched += turn.tally.argsMatched;
      }
    });
  }
  const passed = results.filter((r) => r.passed).length;
  return {
    scenarios: results.length,
    passed,
    failed: results.length - passed,
    passHat,
    toolCalls: { ...tc, precision: ratio(tc.matched, tc.made), recall: ratio(tc.matched, tc.expected) },
    arguments: { ...args, rate: ratio(args.matched, args.checked) },
    violations: { count: violations.length, list: violations },
    latencyMs: { n: latencies.length, p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
  };
}

/** Nearest-rank percentile; null for no samples. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Binomial coefficient for the small numbers of trials used here. */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : round(a / b);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
