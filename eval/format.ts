import type { ScenarioResult, Summary } from '../shared/eval-report';

/** One line per scenario: verdict, trials passed, and the first failing expectation. */
export function scenarioLine(r: ScenarioResult): string {
  const head = `${r.passed ? 'PASS' : 'FAIL'}  ${r.name}  ${r.trialsPassed}/${r.trials.length}`;
  if (r.passed) return head;
  const i = r.trials.findIndex((t) => !t.passed);
  const first = r.trials[i]?.failures[0] ?? 'failed';
  return `${head}  trial ${i + 1}, ${first}`;
}

const pct = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const ms = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x)} ms`);

/** The summary block; its last line is exactly `N passed, M failed`. */
export function summaryLines(s: Summary, k: number): string[] {
  const lines: string[] = [''];
  const hats = k === 1 ? `pass^1 ${pct(s.passHat['1'] ?? 0)}` : `pass^1 ${pct(s.passHat['1'] ?? 0)}   pass^${k} ${pct(s.passHat[String(k)] ?? 0)}`;
  lines.push(`${hats}   (${s.scenarios} scenario${s.scenarios === 1 ? '' : 's'} x ${k} trial${k === 1 ? '' : 's'})`);
  const t = s.toolCalls;
  lines.push(`tool calls: precision ${pct(t.precision)}, recall ${pct(t.recall)}   (expected ${t.expected}, made ${t.made}, matched ${t.matched})`);
  lines.push(`arguments: match rate ${pct(s.arguments.rate)}   (${s.arguments.matched}/${s.arguments.checked})`);
  lines.push(`policy violations: ${s.violations.count}`);
  for (const v of s.violations.list.slice(0, 20)) lines.push(`  - ${v.scenario}, trial ${v.trial}, turn ${v.turn}: [${v.kind}] ${v.message}`);
  if (s.violations.count > 20) lines.push(`  … and ${s.violations.count - 20} more (see --json)`);
  lines.push(`latency per turn: p50 ${ms(s.latencyMs.p50)}, p95 ${ms(s.latencyMs.p95)}   (${s.latencyMs.n} turns)`);
  lines.push(`${s.passed} passed, ${s.failed} failed`);
  return lines;
}

/** A one-line progress bar on stderr, redrawn in place; only for a terminal. */
export class Progress {
  private last = '';
  constructor(private readonly stream: NodeJS.WriteStream & { isTTY?: boolean } = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(done: number, total: number, label: string): void {
    if (!this.enabled) return;
    const width = 24;
    const filled = total ? Math.round((done / total) * width) : width;
    const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} trials  ${label}`.slice(0, (this.stream.columns || 80) - 1);
    this.stream.write(`\r${text}${' '.repeat(Math.max(0, this.last.length - text.length))}`);
    this.last = text;
  }

  /** Clears the bar so that a line can be printed over it. */
  clear(): void {
    if (!this.enabled || !this.last) return;
    this.stream.write(`\r${' '.repeat(this.last.length)}\r`);
    this.last = '';
  }
}
