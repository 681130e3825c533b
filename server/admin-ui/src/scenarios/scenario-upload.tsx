import { useState } from 'react';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { MAX_CHARS } from './scenario-store';

/** Paste a scenario or upload files (YAML or JSON); they are kept in this browser. */
export function ScenarioUpload({ onAdd }: { onAdd: (files: { name: string; text: string }[]) => string | null }) {
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const paste = () => {
    const p = onAdd([{ name: name.trim(), text }]);
    setProblem(p);
    if (!p) {
      setName('');
      setText('');
    }
  };
  const upload = async (list: FileList | null) => {
    if (!list?.length) return;
    const files = await Promise.all(
      [...list].slice(0, 50).map(async (f) => ({ name: f.name, text: f.size > MAX_CHARS * 4 ? '' : await f.text() })),
    );
    setProblem(onAdd(files));
  };

  return (
    <section className="panel scenario-editor" aria-labelledby="add-title">
      <h2 id="add-title">Add scenarios</h2>
      <Field id="scenario-upload" label="Upload files" hint="YAML (.yaml, .yml) or JSON (.json), one scenario per file.">
        {(a) => <input {...a} type="file" multiple accept=".yaml,.yml,.json,application/json,text/yaml" onChange={(e) => void upload(e.target.files)} />}
      </Field>
      <h3>Or paste one</h3>
      <Field id="scenario-name" label="File name" hint="e.g. cancel-order.yaml">
        {(a) => <input {...a} spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id="scenario-text" label="Scenario (YAML or JSON)">
        {(a) => <textarea {...a} rows={12} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      {problem ? <Notice tone="error">{problem}</Notice> : null}
      <button type="button" className="button secondary" onClick={paste}>
        Save the pasted scenario
      </button>
    </section>
  );
}
