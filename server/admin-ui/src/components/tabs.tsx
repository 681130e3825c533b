import { useRef, type KeyboardEvent, type ReactNode } from 'react';

/** One tab: its id, its label, and how many errors its fields have. */
export interface TabDef {
  id: string;
  label: string;
  errors?: number;
}

interface TabsProps {
  /** Accessible name of the tab list. */
  label: string;
  idPrefix: string;
  tabs: TabDef[];
  selected: string;
  onSelect: (id: string) => void;
  children: (id: string) => ReactNode;
}

/**
 * WAI-ARIA tabs: arrow keys, Home and End move between tabs (automatic activation), Tab
 * moves into the panel. Every panel stays mounted so field state and errors survive.
 */
export function Tabs({ label, idPrefix, tabs, selected, onSelect, children }: TabsProps) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const move = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let next = -1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (index + 1) % tabs.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (index - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const id = tabs[next]!.id;
    onSelect(id);
    refs.current[id]?.focus();
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tablist">
        {tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${t.id}`}
            aria-selected={t.id === selected}
            aria-controls={`${idPrefix}-panel-${t.id}`}
            tabIndex={t.id === selected ? 0 : -1}
            className="tab"
            onClick={() => onSelect(t.id)}
            onKeyDown={(e) => move(e, i)}
          >
            {t.label}
            {t.errors ? (
              <span className="tab-errors" aria-label={`${t.errors} ${t.errors === 1 ? 'error' : 'errors'}`}>
                {t.errors}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`${idPrefix}-panel-${t.id}`}
          aria-labelledby={`${idPrefix}-tab-${t.id}`}
          hidden={t.id !== selected}
          tabIndex={0}
          className="tabpanel"
        >
          {children(t.id)}
        </div>
      ))}
    </div>
  );
}
