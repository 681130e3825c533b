import { useEffect, useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { useApi } from '../api/context';
import type { SuiteReport } from '../api/scenario-types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { formatTime } from '../format';
import { FromConversation } from './from-conversation-editor';
import { ScenarioResults } from './scenario-results';
import { fileProblem, loadFiles, saveFiles, type ScenarioFile } from './scenario-store';
import { summarize, type FileSummary } from './yaml';
import { ScenarioUpload } from './scenario-upload';

/** The Scenarios section: a suite kept in this browser, run on the server, results per scenario. */
export function ScenariosPage() {
  const api = useApi();
  const [files, setFiles] = useState<ScenarioFile[]>(loadFiles);
  const [summaries, setSummaries] = useState<Record<string, FileSummary>>({});
  const [trials, setTrials] = useState('1');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<SuiteReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  // From the address (?fromConversation=<id>: the playground and the conversation page link here); cleared once saved.
  const [fromConversation, setFromConversation] = useState(() => new URLSearchParams(window.location.search).get('fromConversation'));

  useEffect(() => {
    let live = true;
    Promise.all(files.map(async (f) => [f.name, await summarize(f.name, f.text)] as const)).then((pairs) => live && setSummaries(Object.fromEntries(pairs)));
    return () => {
      live = false;
    };
  }, [files]);

  const store = (next: ScenarioFile[], message: string): string | null => {
    const problem = saveFiles(next);
    if (problem) {
      setError(problem);
      return problem;
    }
    setFiles(next);
    setNote(message);
    setError(null);
    return null;
  };
  /** Adds files (or replaces one of the same name when `replace`); returns a problem in words or null. */
  const add = (added: { name: string; text: string }[], replace = false): string | null => {
    let next = [...files];
    for (const f of added) {
      const problem = fileProblem(next, f.name, f.text, replace ? f.name : undefined);
      if (problem) return `${f.name}: ${problem}`;
      next = [...next.filter((x) => x.name !== f.name), { name: f.name, text: f.text, savedAt: new Date().toISOString() }];
    }
    return store(next, added.length === 1 ? `${added[0]!.name} saved in this browser.` : `${added.length} files saved in this browser.`);
  };

  const run = async () => {
    setRunning(true);
    setError(null);
    setReport(null);
    try {
      const n = Number(trials);
      const r = await api.post<SuiteReport>('/v1/scenarios/run', { files: files.map((f) => ({ name: f.name, text: f.text })), ...(Number.isInteger(n) && n > 1 ? { trials: n } : {}) });
      setReport(r);
    } catch (err) {
      // A file that does not fit the schema comes back as 400 naming the file and field.
      const details = err instanceof ApiError && err.details.length ? ` ${err.details.map((d) => `${d.path}: ${d.message}`).join('; ')}` : '';
      setError(`${describeError(err)}${details}`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Scenarios</h1>
          <p className="muted">
            Scripted conversations and what must hold after each turn: which actions are called, with which arguments, what waits for confirmation, what the reply says.
            They run in the sandbox (mocks instead of your APIs; writes without a mock are dry runs). The same files run with <code>npm run eval</code>.
          </p>
        </div>
      </div>
      {fromConversation ? <FromConversation conversationId={fromConversation} existing={files} onSave={(f) => add([f])} onDone={() => setFromConversation(null)} /> : null}
      {note ? <Notice tone="success">{note}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}

      <section className="panel" aria-labelledby="files-title">
        <h2 id="files-title">Scenario files in this browser</h2>
        {files.length ? (
          <ul className="scenario-files">
            {files.map((f) => {
              const s = summaries[f.name];
              return (
                <li key={f.name} className="scenario-file" aria-label={f.name}>
                  <div>
                    <strong>{f.name}</strong>
                    <div className="muted small">
                      {s?.problem ? <span className="field-error">{s.problem}</span> : s ? `${s.title ?? '(no name)'} · ${s.turns ?? 0} turn${s.turns === 1 ? '' : 's'}` : '…'} · saved {formatTime(f.savedAt)}
                    </div>
                  </div>
                  {removing === f.name ? (
                    <ConfirmDialog
                      title={`Remove ${f.name}?`}
                      confirmLabel={`Remove ${f.name}`}
                      danger
                      onConfirm={() => {
                        store(
                          files.filter((x) => x.name !== f.name),
                          `${f.name} removed.`,
                        );
                        setRemoving(null);
                      }}
                      onCancel={() => setRemoving(null)}
                    >
                      <p>It is kept only in this browser: download it first if you need it.</p>
                    </ConfirmDialog>
                  ) : (
                    <div className="button-row">
                      <a className="button subtle small" download={f.name} href={`data:text/plain;charset=utf-8,${encodeURIComponent(f.text)}`}>
                        Download<span className="visually-hidden"> {f.name}</span>
                      </a>
                      <button type="button" className="button subtle small" onClick={() => setRemoving(f.name)}>
                        Remove<span className="visually-hidden"> {f.name}</span>
                      </button>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="muted">No scenario yet. Paste or upload one below, or save a conversation as a scenario from its page.</p>
        )}
        <div className="inline-form">
          <Field id="scenario-trials" label="Trials per scenario" hint="Several trials show how steady a real model is (pass^k).">
            {(a) => <input {...a} type="number" min={1} max={20} value={trials} onChange={(e) => setTrials(e.target.value)} />}
          </Field>
          <button type="button" className="button primary" disabled={running || files.length === 0} onClick={run}>
            {running ? 'Running…' : `Run all (${files.length})`}
          </button>
        </div>
      </section>
      <div aria-live="polite">{report ? <ScenarioResults report={report} /> : null}</div>
      <ScenarioUpload onAdd={add} />
    </div>
  );
}
