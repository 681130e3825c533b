import { useEffect, useRef } from 'react';
import type { FieldIssue } from '../api/client';
import { fieldId } from './issues';

interface ErrorSummaryProps {
  message: string;
  issues: readonly FieldIssue[];
  /** Shows the field of a path (switching tabs if needed) before it is focused. */
  onJump?: (path: string) => void;
}

/**
 * The API's error at the top of a form, each field issue a link to its field. Focused when it
 * mounts only (give it a new `key` per attempt), so fixing fields does not steal focus.
 */
export function ErrorSummary({ message, issues, onJump }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} className="notice notice-error error-summary" role="alert" tabIndex={-1}>
      <strong className="notice-title">{message}</strong>
      {issues.length ? (
        <ul>
          {issues.map((i, n) => (
            <li key={`${i.path}-${n}`}>
              <a
                href={`#${fieldId(i.path)}`}
                onClick={(e) => {
                  e.preventDefault();
                  onJump?.(i.path);
                  // The field may sit in a tab that only now became visible.
                  requestAnimationFrame(() => document.getElementById(fieldId(i.path))?.focus());
                }}
              >
                {i.path || 'request'}
              </a>
              : {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
