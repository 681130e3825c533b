/** Latency figures of one measured run. */
export interface Stats {
  p50: number;
  p99: number;
  perSec: number;
}

export interface Sample {
  times: number[];
  elapsedMs: number;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `n` calls of `fn` with `concurrency` workers pulling from one counter. */
export async function load(fn: () => Promise<void>, n: number, concurrency: number): Promise<Sample> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
    }),
  );
  return { times, elapsedMs: performance.now() - started };
}

export function stats(samples: Sample[]): Stats {
  const times = samples.flatMap((s) => s.times).sort((a, b) => a - b);
  const elapsed = samples.reduce((t, s) => t + s.elapsedMs, 0);
  return { p50: percentile(times, 50), p99: percentile(times, 99), perSec: (times.length / elapsed) * 1000 };
}

/** Prints rows as an aligned table (first column left, the others right). */
export function table(head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  for (const r of cells) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

export const ms = (x: number) => x.toFixed(2);
