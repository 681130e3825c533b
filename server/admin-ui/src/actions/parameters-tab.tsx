import { isContextVariable } from '../../../../shared/template';
import { issueAt, fieldId } from '../components/issues';
import { JsonBodyField } from '../components/json-body-field';
import { KeyValueEditor } from '../components/key-value-editor';
import { Notice } from '../components/notice';
import type { TabProps } from './endpoint-tab';

/** Parameters: headers, query string and the JSON body template. */
export function ParametersTab({ draft: d, set, issues }: TabProps) {
  const declared = new Set(d.variables.map((v) => v.name));
  const known = (n: string) => declared.has(n) || isContextVariable(n);
  return (
    <div className="form-grid">
      <KeyValueEditor legend="Headers" addLabel="Add header" path="headers" rows={d.headers} issues={issues} onChange={(headers) => set({ headers })} secretsByName hint="Values may use {{variables}}. Values of credential headers are masked after saving." />
      <KeyValueEditor legend="Query parameters" addLabel="Add query parameter" path="query" rows={d.query} issues={issues} onChange={(query) => set({ query })} secretsByName hint="Added to the URL, percent-encoded. Values of credential parameters are masked after saving." />
      {d.method === 'GET' && d.body.trim() === '' ? (
        <Notice tone="info">GET requests usually have no body. Leave it empty unless your API expects one.</Notice>
      ) : null}
      <JsonBodyField id={fieldId('body')} value={d.body} onChange={(body) => set({ body })} known={known} error={issueAt(issues, 'body')} />
    </div>
  );
}
