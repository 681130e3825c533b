import { CheckboxField, Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { KeyValueEditor } from '../components/key-value-editor';
import { mockBodyValue, WRITE_METHODS } from './draft';
import type { TabProps } from './endpoint-tab';

/** Words on the body typed: whether it is JSON (sent as is) or text. */
function bodyNote(text: string): string {
  if (text.trim() === '') return 'No body: the mock answers with an empty body.';
  return typeof mockBodyValue(text) === 'string' && !/^\s*"/.test(text) ? 'Not JSON: sent as text. Check the syntax if you meant JSON.' : 'Valid JSON.';
}

/** Mock: the canned answer sandbox conversations (the playground) get instead of calling the API. */
export function MockTab({ draft: d, set, issues }: TabProps) {
  const write = WRITE_METHODS.has(d.method);
  return (
    <div className="form-grid">
      <p className="hint">
        In sandbox conversations (the playground's default, and scenario runs) this answer stands in for your API: nothing is sent.{' '}
        {write ? `Without a mock, a ${d.method} in the sandbox is a dry run: the request is shown, not sent.` : 'Without a mock, a GET in the sandbox calls the API.'}
      </p>
      <CheckboxField id={fieldId('mock')} label="Answer with a mock in the sandbox" checked={d.mockOn} onChange={(mockOn) => set({ mockOn })} error={issueAt(issues, 'mock')} />
      {d.mockOn ? (
        <>
          <div className="two-col">
            <Field id={fieldId('mock.status')} label="Status" hint="The HTTP status of the answer, 100 to 599." error={issueAt(issues, 'mock.status')}>
              {(a) => <input {...a} inputMode="numeric" value={d.mockStatus} onChange={(e) => set({ mockStatus: e.target.value })} />}
            </Field>
          </div>
          <KeyValueEditor legend="Headers" path="mock.headers" rows={d.mockHeaders} issues={issues} onChange={(mockHeaders) => set({ mockHeaders })} addLabel="Add mock header" />
          <Field id={fieldId('mock.body')} label="Body (JSON)" hint={bodyNote(d.mockBody)} error={issueAt(issues, 'mock.body')}>
            {(a) => <textarea {...a} rows={10} spellCheck={false} className="code" value={d.mockBody} onChange={(e) => set({ mockBody: e.target.value })} />}
          </Field>
        </>
      ) : null}
    </div>
  );
}
