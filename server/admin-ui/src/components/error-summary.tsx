import { useEffect, useRef } from 'react';
import type { FieldIssue } from '../api/client';
import { labelOf } from './field-labels';
import { fieldId, issueAt } from './issues';

interface ErrorSummaryProps {
  message: string;
  issues: readonly FieldIssue[];
  /** Shows the field of a path (switching tabs if needed) before it is focused. */
  onJump?: (path: string) => void;
  /** Names of the variables, so "variables.1.name" reads "Variable 2 (order_number) name". */
  variableNames?: readonly string[];
}

/**
 * The API's error at the top of a form, each field issue a link to its field. Focused when it
 * mounts only (give it a new `key` per attempt), so fixing fields does not steal focus.
 */
export function ErrorSummary({ message, issues, onJump, variableNames }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  // One line per field, its messages together (as under the field itself).
  const byField = [...new Set(issues.map((i) => i.path))].map((path) => ({ path, message: issueAt(issues, path)! }));
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} className="notice notice-error error-summary" role="alert" tabIndex={-1}>
      <strong className="notice-title">{message}</strong>
      {byField.length ? (
        <ul>
          {byField.map((i) => (
            <li key={i.path}>
              <a
                href={`#${fieldId(i.path)}`}
                onClick={(e) => {
                  e.preventDefault();
                  onJump?.(i.path);
                  // The field may sit in a tab that only now became visible.
                  requestAnimationFrame(() => document.getElementById(fieldId(i.path))?.focus());
                }}
              >
                {labelOf(i.path, variableNames)}
              </a>
              : {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
