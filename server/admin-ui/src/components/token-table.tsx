import type { ReactNode } from 'react';
import type { ScopedToken } from '../api/setup-types';
import { formatTime } from '../format';
import { ConfirmDialog } from './confirm-dialog';

/**
 * The masked list of one scope's tokens with Revoke behind a confirmation (sidebar and MCP
 * tokens). The parent owns which token is being revoked and what revoking does; the table
 * gives focus back to the Revoke button when the dialog is cancelled (it is rendered again).
 */
export function TokenTable({
  tokens,
  caption,
  revoking,
  busy,
  onAsk,
  onCancel,
  onConfirm,
  children,
}: {
  tokens: ScopedToken[];
  caption: string;
  revoking: ScopedToken | null;
  busy?: boolean;
  onAsk: (t: ScopedToken) => void;
  onCancel: () => void;
  onConfirm: (t: ScopedToken) => void;
  /** What revoking does to whoever uses the token (the dialog's text). */
  children: ReactNode;
}) {
  const cancel = (t: ScopedToken) => {
    onCancel();
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-revoke="${t.id}"]`)?.focus());
  };
  return (
    <table className="data-table tokens-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Token</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span className="visually-hidden">Revoke</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => (
          <tr key={t.id}>
            <th scope="row" data-label="Name">
              {t.name}
            </th>
            <td data-label="Token">
              <code>{t.token}</code>
            </td>
            <td data-label="Created">{formatTime(t.createdAt)}</td>
            <td data-label="Last used">{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never'}</td>
            <td>
              {revoking?.id === t.id ? (
                <ConfirmDialog title={`Revoke ${t.name}?`} confirmLabel={`Revoke ${t.name}`} danger busy={busy} onConfirm={() => onConfirm(t)} onCancel={() => cancel(t)}>
                  <p>{children}</p>
                </ConfirmDialog>
              ) : (
                <button type="button" className="button danger-subtle small" aria-label={`Revoke ${t.name}`} data-revoke={t.id} onClick={() => onAsk(t)}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
