import { useEffect, useState } from 'react';
import { ApiError, describeError, type FieldIssue } from './api/client';
import { useApi } from './api/context';
import { formIssues, withoutChanged } from './components/field-labels';

/** A config document edited as a draft: loaded once, saved with PUT, field errors kept for display. */
export interface ConfigDoc<D> {
  draft: D | null;
  loadError: string | null;
  issues: FieldIssue[];
  message: string | null;
  saved: string | null;
  saving: boolean;
  /** Unsaved edits since the last load or save. */
  dirty: boolean;
  /** Bumped on each failed save, so the error summary takes focus again. */
  attempt: number;
  set(patch: Partial<D>): void;
  save(): Promise<void>;
  /** Shows errors found elsewhere (a test run) at the fields, as a save's would be. */
  showIssues(message: string, issues: FieldIssue[]): void;
}

/** The load/edit/save cycle the settings and User Data API pages share. */
export function useConfigDoc<A, D>(path: string, fromApi: (a: A) => D, toPayload: (d: D) => unknown, savedText: string): ConfigDoc<D> {
  const api = useApi();
  const [draft, setDraft] = useState<D | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    api.get<A>(path).then(
      (a) => setDraft(fromApi(a)),
      (e: unknown) => setLoadError(describeError(e)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, path]);

  const set = (patch: Partial<D>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setDirty(true);
    setSaved(null);
    if (draft && issues.length) {
      // A field the admin changed no longer has the error it was sent with.
      const left = withoutChanged(issues, toPayload(draft), toPayload({ ...draft, ...patch }));
      setIssues(left);
      if (!left.length) setMessage(null);
    }
  };
  const showIssues = (msg: string, list: FieldIssue[]) => {
    setIssues(draft ? formIssues(list, toPayload(draft)) : list);
    setMessage(msg);
    setAttempt((n) => n + 1);
  };
  const save = async () => {
    if (!draft) return;
    setSaving(true);
    try {
      const a = await api.put<A>(path, toPayload(draft));
      setDraft(fromApi(a));
      setIssues([]);
      setMessage(null);
      setDirty(false);
      setSaved(savedText);
    } catch (err) {
      setIssues(err instanceof ApiError ? formIssues(err.details, toPayload(draft)) : []);
      setMessage(describeError(err));
      setAttempt((n) => n + 1);
    } finally {
      setSaving(false);
    }
  };
  return { draft, loadError, issues, message, saved, saving, dirty, attempt, set, save, showIssues };
}
