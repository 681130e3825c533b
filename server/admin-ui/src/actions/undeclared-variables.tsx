import { useState } from 'react';
import type { ActionDraft } from './draft';
import { declaredVariable, undeclaredVariables } from './undeclared';

interface Props {
  draft: ActionDraft;
  set: (patch: Partial<ActionDraft>) => void;
  /** Opens the Variables tab (to edit what was declared). */
  onShowVariables: () => void;
}

/**
 * Placeholders the request uses but nobody declared, each with a one-click declaration
 * (type guessed from the name), so the admin need not leave the tab they are typing in.
 */
export function UndeclaredVariables({ draft, set, onShowVariables }: Props) {
  const [declared, setDeclared] = useState<string[]>([]);
  const missing = undeclaredVariables(draft);
  const stillThere = declared.filter((n) => draft.variables.some((v) => v.name === n));
  if (!missing.length && !stillThere.length) return null;
  const declare = (names: string[]) => {
    const added = missing.filter((m) => names.includes(m.name));
    set({ variables: [...draft.variables, ...added.map(declaredVariable)] });
    setDeclared([...stillThere, ...added.map((a) => a.name)]);
  };
  return (
    <div className="undeclared" aria-label="Undeclared variables" role="region">
      {missing.length ? (
        <div className="notice notice-warning">
          <strong className="notice-title">
            {missing.length === 1 ? 'A placeholder is not declared yet' : `${missing.length} placeholders are not declared yet`}
          </strong>
          <p className="hint">The AI can only fill a placeholder it knows. Declare it here; you can change its type and description under Variables.</p>
          <ul className="undeclared-list">
            {missing.map((m) => (
              <li key={m.name}>
                <code>{`{{${m.name}}}`}</code> <span className="muted">in {m.places.join(', ')}</span>{' '}
                <button type="button" className="button secondary small" aria-label={`Declare ${m.name} as ${m.type}`} onClick={() => declare([m.name])}>
                  Declare as {m.type}
                </button>
              </li>
            ))}
          </ul>
          {missing.length > 1 ? (
            <button type="button" className="button secondary small" onClick={() => declare(missing.map((m) => m.name))}>
              Declare all {missing.length}
            </button>
          ) : null}
        </div>
      ) : null}
      {stillThere.length ? (
        <p className="notice notice-success" role="status">
          Declared {stillThere.map((n) => `{{${n}}}`).join(', ')}.{' '}
          <button type="button" className="link-button" onClick={onShowVariables}>
            Review under Variables
          </button>
        </p>
      ) : null}
    </div>
  );
}
