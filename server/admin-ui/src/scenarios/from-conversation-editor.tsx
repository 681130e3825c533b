import { useEffect, useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { ConversationDetail } from '../api/types';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { navigate } from '../router';
import { scenarioFromConversation } from './from-conversation';
import { fileNameOf, fileProblem, type ScenarioFile } from './scenario-store';
import { toYaml } from './yaml';

interface Props {
  conversationId: string;
  existing: ScenarioFile[];
  /** Saves the file; a problem in words or null. */
  onSave: (f: { name: string; text: string }) => string | null;
  /** The editor is done (saved or discarded). */
  onDone: () => void;
}

/** A conversation turned into a scenario: its messages the turns, its calls the expectations, editable before saving. */
export function FromConversation({ conversationId, existing, onSave, onDone }: Props) {
  const api = useApi();
  const [name, setName] = useState('');
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api
      .get<ConversationDetail>(`/v1/conversations/${encodeURIComponent(conversationId)}`)
      .then(async (c) => {
        const draft = scenarioFromConversation(c);
        const yaml = await toYaml(draft);
        if (!live) return;
        setName(fileNameOf(draft.name));
        setText(yaml);
      })
      .catch((e: unknown) => live && setError(`The conversation could not be read: ${describeError(e)}`));
    return () => {
      live = false;
    };
  }, [api, conversationId]);

  const close = () => {
    navigate('scenarios', { replace: true, force: true });
    onDone();
  };
  const save = () => {
    const problem = fileProblem(existing, name.trim(), text ?? '');
    if (problem) {
      setError(problem);
      return;
    }
    const p = onSave({ name: name.trim(), text: text ?? '' });
    if (p) setError(p);
    // Saved: the page without the conversation's editor.
    else close();
  };

  return (
    <section className="panel scenario-editor" aria-labelledby="from-conv-title">
      <h2 id="from-conv-title">New scenario from a conversation</h2>
      <p className="hint">
        Each customer message is a turn; the calls the AI made in it are what the turn expects. Edit it: loosen an argument with <code>{'{regex: "..."}'}</code> or{' '}
        <code>{'{any: true}'}</code>, add <code>reply: {'{contains: [...]}'}</code>, <code>notCalled</code> or <code>pending</code>.
      </p>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {text === null && !error ? <p className="muted">Reading the conversation…</p> : null}
      {text !== null ? (
        <>
          <Field id="from-conv-name" label="File name">
            {(a) => <input {...a} spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field id="from-conv-text" label="Scenario (YAML)">
            {(a) => <textarea {...a} rows={Math.min(30, text.split('\n').length + 2)} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />}
          </Field>
          <div className="button-row">
            <button type="button" className="button primary" onClick={save}>
              Save as a scenario
            </button>
            <button type="button" className="button secondary" onClick={close}>
              Discard
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
