import { useMemo, useState } from 'react';
import { Field } from '../components/field';
import { MethodBadge } from '../components/status-badge';
import type { ImportedOperation } from '../../../../shared/openapi-import';

interface Props {
  operations: ImportedOperation[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}

/** The document's operations: search, a method filter, select-all of what is shown; each with its variables and warnings. */
export function OperationList({ operations, selected, onChange }: Props) {
  const [query, setQuery] = useState('');
  const [method, setMethod] = useState('');
  const methods = useMemo(() => [...new Set(operations.map((o) => o.method))], [operations]);
  const q = query.trim().toLowerCase();
  const shown = operations.filter((o) => (!method || o.method === method) && (!q || `${o.key} ${o.name} ${o.description}`.toLowerCase().includes(q)));
  const allShown = shown.length > 0 && shown.every((o) => selected.has(o.key));
  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    onChange(next);
  };
  const toggleShown = () => {
    const next = new Set(selected);
    for (const o of shown) {
      if (allShown) next.delete(o.key);
      else next.add(o.key);
    }
    onChange(next);
  };
  return (
    <div>
      <div className="op-toolbar">
        <Field id="import-search" label="Search operations" className="grow">
          {(a) => <input {...a} type="search" value={query} placeholder="name, path or description" onChange={(e) => setQuery(e.target.value)} />}
        </Field>
        <Field id="import-method" label="Method">
          {(a) => (
            <select {...a} value={method} onChange={(e) => setMethod(e.target.value)}>
              <option value="">All methods</option>
              {methods.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          )}
        </Field>
        <div className="checkbox-row">
          <input id="import-select-all" type="checkbox" checked={allShown} disabled={!shown.length} onChange={toggleShown} />
          <label htmlFor="import-select-all">Select all shown ({shown.length})</label>
        </div>
      </div>
      <p className="muted" aria-live="polite" data-testid="import-count">
        {selected.size} of {operations.length} operations selected{shown.length !== operations.length ? `; ${shown.length} shown` : ''}.
      </p>
      {shown.length === 0 ? <p className="muted">No operation matches.</p> : null}
      <ul className="op-list" aria-label="Operations">
        {shown.map((o) => {
          const id = `op-${o.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
          return (
            <li key={o.key} className="op-item" data-testid="operation">
              <div className="op-head">
                <input id={id} type="checkbox" checked={selected.has(o.key)} onChange={() => toggle(o.key)} aria-describedby={`${id}-desc`} />
                <label htmlFor={id}>
                  <MethodBadge method={o.method} /> <code className="url">{o.path}</code> <span>{o.name}</span>
                </label>
                {o.confirm ? <span className="badge badge-warning">asks to confirm</span> : null}
              </div>
              <p id={`${id}-desc`} className="op-desc muted small">
                {o.description}
              </p>
              {o.variables.length ? (
                <ul className="op-vars" aria-label={`Variables of ${o.name}`}>
                  {o.variables.map((v) => (
                    <li key={v.name}>
                      {v.name}: {v.type}
                      {v.isArray ? ' list' : ''}
                      {v.required ? '' : ' (optional)'}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="op-desc muted small">No variables.</p>
              )}
              {o.warnings.length ? (
                <ul className="op-warnings" aria-label={`Warnings of ${o.name}`}>
                  {o.warnings.map((w) => (
                    <li key={w}>⚠ {w}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
