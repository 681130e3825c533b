import type { FieldIssue } from '../api/client';
import { CheckboxField, Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { METHODS, type ActionDraft } from './draft';
import { BaseUrlPrefix, ConnectionPicker, useConnections } from '../connections/connection-picker';

interface TabProps {
  draft: ActionDraft;
  set: (patch: Partial<ActionDraft>) => void;
  issues: readonly FieldIssue[];
}

/** Endpoint: name, when to use it, method and URL. */
export function EndpointTab({ draft: d, set, issues }: TabProps) {
  const names = d.variables.map((v) => v.name).filter(Boolean);
  // Connections: with one picked, the URL is a path shown after the connection's base URL.
  const connections = useConnections().data?.connections ?? [];
  const connection = connections.find((c) => c.id === d.connectionId) ?? null;
  return (
    <div className="form-grid">
      <Field id={fieldId('name')} label="Name" hint="The tool name the AI sees: letters, digits, _ and -, starting with a letter. Example: lookup_order." error={issueAt(issues, 'name')}>
        {(a) => <input {...a} value={d.name} spellCheck={false} autoComplete="off" onChange={(e) => set({ name: e.target.value })} />}
      </Field>
      <Field
        id={fieldId('description')}
        label="When to use it"
        hint={`Tells the AI when to call this action (10 to 200 characters; ${d.description.length} typed).`}
        error={issueAt(issues, 'description')}
      >
        {(a) => <textarea {...a} rows={3} value={d.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
      <ConnectionPicker draft={d} set={set} issues={issues} connections={connections} />
      <div className="method-url">
        <Field id={fieldId('method')} label="Method" error={issueAt(issues, 'method')} className="method-field">
          {(a) => (
            <select {...a} value={d.method} onChange={(e) => set({ method: e.target.value as ActionDraft['method'] })}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id={fieldId('url')}
          label={d.connectionId ? 'Path' : 'URL'}
          hint={
            <>
              Use <code>{'{{variable}}'}</code> for values the AI collects{names.length ? <> (declared: {names.map((n) => `{{${n}}}`).join(', ')})</> : null} or context such as <code>{'{{contact.email}}'}</code>.{d.connectionId ? ' Starts with /: it is added to the base URL.' : ' https:// is added when no scheme is given.'}
            </>
          }
          error={issueAt(issues, 'url')}
          className="grow"
        >
          {(a) => (
            <BaseUrlPrefix connection={connection}>
              <input {...a} value={d.url} spellCheck={false} autoComplete="off" inputMode="url" placeholder={d.connectionId ? '/orders/{{order_number}}' : 'https://api.example.com/orders/{{order_number}}'} onChange={(e) => set({ url: e.target.value })} />
            </BaseUrlPrefix>
          )}
        </Field>
      </div>
      <CheckboxField id={fieldId('enabled')} label="Enabled: the AI may use this action" checked={d.enabled} onChange={(enabled) => set({ enabled })} error={issueAt(issues, 'enabled')} />
    </div>
  );
}

export type { TabProps };
