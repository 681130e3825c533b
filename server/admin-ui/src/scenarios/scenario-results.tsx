import type { ScenarioReport, SuiteReport, TurnReport } from '../api/scenario-types';
import { href, onLinkClick } from '../router';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);

/** The run's figures, then each scenario with its failing expectations highlighted. */
export function ScenarioResults({ report }: { report: SuiteReport }) {
  const s = report.summary;
  const k = String(report.trials);
  return (
    <section className="panel" aria-labelledby="results-title">
      <h2 id="results-title">Results</h2>
      <p className={s.failed ? 'notice notice-error' : 'notice notice-success'} role="status">
        <strong>
          {s.passed} passed, {s.failed} failed
        </strong>
        {report.trials > 1 ? ` over ${report.trials} trials each` : ''}.
      </p>
      <dl className="facts summary-figures">
        <div>
          <dt>pass^1</dt>
          <dd>{pct(s.passHat['1'])}</dd>
        </div>
        {report.trials > 1 ? (
          <div>
            <dt>pass^{k}</dt>
            <dd>{pct(s.passHat[k])}</dd>
          </div>
        ) : null}
        <div>
          <dt>Tool-call precision / recall</dt>
          <dd>
            {pct(s.toolCalls.precision)} / {pct(s.toolCalls.recall)}
          </dd>
        </div>
        <div>
          <dt>Arguments matched</dt>
          <dd>{pct(s.arguments.rate)}</dd>
        </div>
        <div>
          <dt>Policy violations</dt>
          <dd>{s.violations.count}</dd>
        </div>
        <div>
          <dt>Latency p50 / p95</dt>
          <dd>
            {s.latencyMs.p50 ?? '—'} / {s.latencyMs.p95 ?? '—'} ms
          </dd>
        </div>
      </dl>
      {report.scenarios.map((r) => (
        <ScenarioResult key={`${r.file}:${r.name}`} r={r} trials={report.trials} />
      ))}
    </section>
  );
}

function ScenarioResult({ r, trials }: { r: ScenarioReport; trials: number }) {
  // The first failing trial explains the failure; a passing scenario shows its first trial.
  const shown = r.trials.find((t) => !t.passed) ?? r.trials[0];
  return (
    <article className={`panel scenario-result ${r.passed ? 'passed' : 'failed'}`} aria-label={`Scenario ${r.name}`}>
      <h3>
        <span className={`badge ${r.passed ? 'badge-ok' : 'badge-error'}`}>{r.passed ? 'passed' : 'failed'}</span> {r.name}
      </h3>
      <p className="muted small">
        {r.file}
        {trials > 1 ? ` · ${r.trialsPassed} of ${r.trials.length} trials passed` : ''}
        {shown?.conversationId ? (
          <>
            {' · '}
            <a href={href(`conversations/${shown.conversationId}`)} onClick={onLinkClick(`conversations/${shown.conversationId}`)}>
              the conversation
            </a>
          </>
        ) : null}
      </p>
      {shown ? (
        <>
          <ol className="turn-list">
            {shown.turns.map((t) => (
              <TurnLine key={t.turn} t={t} />
            ))}
          </ol>
          {/* Failures outside any turn (a run that stopped, a policy violation). */}
          {shown.failures
            .filter((f) => !shown.turns.some((t) => t.failures.some((tf) => f.endsWith(tf))))
            .map((f, i) => (
              <mark key={i} className="failing-expectation">
                {f}
              </mark>
            ))}
          {shown.violations.map((v, i) => (
            <mark key={`v${i}`} className="failing-expectation">
              Policy violation, turn {v.turn}: {v.message}
            </mark>
          ))}
        </>
      ) : null}
    </article>
  );
}

function TurnLine({ t }: { t: TurnReport }) {
  const calls = t.calls.map((c) => `${c.action} (${c.ok ? c.status ?? 'ok' : c.errorType ?? c.status ?? 'error'})`).join(', ');
  return (
    <li className={t.failures.length ? 'turn-failed' : 'turn-passed'}>
      <div>
        <strong>{t.kind === 'say' ? `Customer: ${t.input}` : `${t.kind === 'confirm' ? 'Confirms' : 'Declines'} ${t.input}`}</strong>
      </div>
      <div className="muted small">
        Calls: {calls || 'none'}
        {t.pending.length ? ` · waiting for confirmation: ${t.pending.map((p) => p.action).join(', ')}` : ''}
      </div>
      <div className="small">AI: {t.reply || '(no reply)'}</div>
      {t.failures.map((f, i) => (
        <mark key={i} className="failing-expectation">
          <span className="visually-hidden">Failing expectation: </span>
          {f}
        </mark>
      ))}
    </li>
  );
}
