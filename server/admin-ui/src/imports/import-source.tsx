import { useState } from 'react';
import { Field } from '../components/field';

/** Where the document comes from; `document` is the text pasted or read from the file. */
export type ImportSource = { kind: 'paste'; document: string } | { kind: 'upload'; document: string; fileName: string } | { kind: 'url'; url: string };

/** The server's cap on a document: bigger ones are refused (413) before anything is read. */
const MAX_BYTES = 5 * 1024 * 1024;

interface Props {
  busy: boolean;
  error: string | undefined;
  onPreview: (s: ImportSource) => void;
}

/** Step 1: paste the document, upload a file, or give its URL; then Preview (saves nothing). */
export function ImportSourceStep({ busy, error, onPreview }: Props) {
  const [kind, setKind] = useState<ImportSource['kind']>('url');
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [local, setLocal] = useState<string | null>(null);

  const read = async (f: File | undefined) => {
    setLocal(null);
    setFile(null);
    if (!f) return;
    if (f.size > MAX_BYTES) return setLocal(`${f.name} is ${(f.size / 1024 / 1024).toFixed(1)} MB: the limit is 5 MB.`);
    setFile({ name: f.name, text: await f.text() });
  };
  const preview = () => {
    setLocal(null);
    if (kind === 'paste') return text.trim() ? onPreview({ kind, document: text }) : setLocal('Paste the OpenAPI or Swagger document (JSON or YAML).');
    if (kind === 'upload') return file ? onPreview({ kind, document: file.text, fileName: file.name }) : setLocal('Choose a .json or .yaml file.');
    return /^https?:\/\/\S+$/i.test(url.trim()) ? onPreview({ kind, url: url.trim() }) : setLocal('Enter the address of the document, e.g. https://api.example.com/openapi.json.');
  };
  const problem = local ?? error;
  return (
    <section className="panel" aria-labelledby="import-source-title">
      <h2 id="import-source-title">1. The document</h2>
      <p className="muted">Swagger 2.0, OpenAPI 3.0 or 3.1, JSON or YAML, up to 5 MB. The preview saves nothing.</p>
      <fieldset className="source-choice">
        <legend className="visually-hidden">Where the document comes from</legend>
        {(
          [
            ['url', 'From a URL'],
            ['paste', 'Paste'],
            ['upload', 'Upload a file'],
          ] as const
        ).map(([k, label]) => (
          <label key={k}>
            <input type="radio" name="import-source" value={k} checked={kind === k} onChange={() => setKind(k)} /> {label}
          </label>
        ))}
      </fieldset>
      {kind === 'url' ? (
        <Field id="import-url" label="Document URL" hint="Fetched by the server through its network guard (https, or http to an allowed private host)." error={problem}>
          {(a) => <input {...a} value={url} inputMode="url" spellCheck={false} placeholder="https://petstore3.swagger.io/api/v3/openapi.json" onChange={(e) => setUrl(e.target.value)} />}
        </Field>
      ) : kind === 'paste' ? (
        <Field id="import-document" label="Document" error={problem}>
          {(a) => <textarea {...a} rows={12} spellCheck={false} className="code" value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
      ) : (
        <Field id="import-file" label="Document file" hint={file ? `${file.name}: ${file.text.length.toLocaleString()} characters read.` : '.json, .yaml or .yml'} error={problem}>
          {(a) => <input {...a} type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" onChange={(e) => void read(e.target.files?.[0])} />}
        </Field>
      )}
      <div className="button-row">
        <button type="button" className="button primary" disabled={busy} onClick={preview}>
          {busy ? 'Reading the document…' : 'Preview operations'}
        </button>
      </div>
    </section>
  );
}
