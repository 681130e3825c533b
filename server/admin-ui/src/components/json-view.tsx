import type { ReactNode } from 'react';

interface JsonViewProps {
  value: unknown;
  /** When given, each object key is a button that picks its dot path (array indices skipped). */
  onPick?: (path: string) => void;
  picked?: ReadonlySet<string>;
}

const MAX_ITEMS = 25;

/** A JSON value as an indented tree; keys can be clicked to choose response fields. */
export function JsonView({ value, onPick, picked }: JsonViewProps) {
  return <div className="json-view">{render(value, '', 0, onPick, picked)}</div>;
}

function render(v: unknown, path: string, depth: number, onPick?: (p: string) => void, picked?: ReadonlySet<string>): ReactNode {
  if (v === null || typeof v !== 'object') return <span className={`json-${v === null ? 'null' : typeof v}`}>{JSON.stringify(v)}</span>;
  if (depth > 8) return <span className="muted">…</span>;
  if (Array.isArray(v)) {
    if (v.length === 0) return <span>[]</span>;
    return (
      <>
        [
        <ul className="json-children">
          {v.slice(0, MAX_ITEMS).map((x, i) => (
            <li key={i}>
              {render(x, path, depth + 1, onPick, picked)}
              {i < v.length - 1 ? ',' : ''}
            </li>
          ))}
          {v.length > MAX_ITEMS ? <li className="muted">… {v.length - MAX_ITEMS} more</li> : null}
        </ul>
        ]
      </>
    );
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return <span>{'{}'}</span>;
  return (
    <>
      {'{'}
      <ul className="json-children">
        {entries.slice(0, MAX_ITEMS * 4).map(([k, x], i) => {
          const p = path ? `${path}.${k}` : k;
          const on = picked?.has(p);
          return (
            <li key={k}>
              {onPick && /^[^.\s]+$/.test(k) ? (
                <button type="button" className={`json-key${on ? ' picked' : ''}`} aria-pressed={on} title={on ? `${p} is a response field` : `Let the AI see ${p}`} onClick={() => onPick(p)}>
                  "{k}"
                </button>
              ) : (
                <span className="json-key-text">"{k}"</span>
              )}
              : {render(x, p, depth + 1, onPick, picked)}
              {i < entries.length - 1 ? ',' : ''}
            </li>
          );
        })}
      </ul>
      {'}'}
    </>
  );
}
