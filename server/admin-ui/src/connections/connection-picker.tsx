import type { ReactNode } from 'react';
import type { FieldIssue } from '../api/client';
import { authDraftFrom, type AuthDraft } from '../components/auth-draft';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { href, onLinkClick } from '../router';
import { authLabel, type Connection } from './connection-draft';
import { pathOf, useConnections } from './use-connections';
import './connections.css';

/** What the picker reads and changes of an action draft. */
interface EndpointDraft {
  url: string;
  connectionId: string | null;
  auth: AuthDraft;
}

interface PickerProps {
  draft: EndpointDraft;
  set: (patch: Partial<EndpointDraft>) => void;
  issues: readonly FieldIssue[];
  connections: Connection[];
}

/**
 * The Endpoint tab's choice: own URL and authentication, or a connection (then the URL is a
 * path under its base URL). Switching keeps what was typed where it still fits.
 */
export function ConnectionPicker({ draft: d, set, issues, connections }: PickerProps) {
  const current = connections.find((c) => c.id === d.connectionId) ?? null;
  const pick = (id: string) => {
    const next = connections.find((c) => c.id === id) ?? null;
    if (next) {
      const url = d.url.trim();
      const path = url.startsWith(next.baseUrl) ? url.slice(next.baseUrl.length) || '/' : url === '' ? '' : url.startsWith('/') ? url : pathOf(url);
      // The connection's auth is used: the action's own goes.
      set({ connectionId: next.id, url: path, auth: authDraftFrom(undefined) });
    } else {
      const url = current && d.url.trim().startsWith('/') ? current.baseUrl + d.url.trim() : d.url;
      set({ connectionId: null, url });
    }
  };
  return (
    <Field
      id={fieldId('connectionId')}
      label="Connection"
      hint={
        current ? (
          <>
            Base URL, authentication, headers and timeout come from{' '}
            <a href={href(`connections/${current.id}`)} onClick={onLinkClick(`connections/${current.id}`)}>
              {current.name}
            </a>
            .
          </>
        ) : (
          'A connection shares the base URL and authentication of one API between actions.'
        )
      }
      error={issueAt(issues, 'connectionId')}
    >
      {(a) => (
        <select {...a} value={d.connectionId ?? ''} onChange={(e) => pick(e.target.value)}>
          <option value="">Own URL and authentication</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.baseUrl})
            </option>
          ))}
          {d.connectionId && !current ? <option value={d.connectionId}>Connection {d.connectionId}</option> : null}
        </select>
      )}
    </Field>
  );
}

/** The URL input, with the connection's base URL shown before the path. */
export function BaseUrlPrefix({ connection, children }: { connection: Connection | null; children: ReactNode }) {
  if (!connection) return <>{children}</>;
  return (
    <div className="base-prefix">
      <span className="prefix" title={connection.baseUrl} data-testid="base-url-prefix">
        {connection.baseUrl}
      </span>
      {children}
    </div>
  );
}

/** The Authentication tab on a connection: the connection's auth is used. */
export function ConnectionAuthNote({ connection }: { connection: Connection | null }) {
  return (
    <div className="notice notice-info" data-testid="connection-auth-note">
      <p>
        This action uses the authentication of the connection{' '}
        {connection ? (
          <>
            <a href={href(`connections/${connection.id}`)} onClick={onLinkClick(`connections/${connection.id}`)}>
              {connection.name}
            </a>{' '}
            ({authLabel(connection.auth.type)})
          </>
        ) : (
          'it is on'
        )}
        . Change it there: every action on the connection follows.
      </p>
    </div>
  );
}

export { useConnections };
