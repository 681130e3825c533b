import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { Action } from '../api/types';
import { Notice } from '../components/notice';
import { takeFlash } from '../flash';
import { href, onLinkClick } from '../router';
import { useLoad } from '../use-load';
import { authLabel, type Connection } from './connection-draft';
import './connections.css';

/** The connections list: name, base URL, auth type and how many actions use each. */
export function ConnectionsPage() {
  const api = useApi();
  const [flash] = useState(takeFlash);
  const list = useLoad(() => Promise.all([api.get<{ connections: Connection[] }>('/v1/connections'), api.get<{ actions: Action[] }>('/v1/actions')]), []);
  const connections = list.data?.[0].connections;
  const users = (id: string) => (list.data?.[1].actions ?? []).filter((a) => (a as Action & { connectionId?: string }).connectionId === id).length;
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Connections</h1>
          <p className="muted">What the actions of one API share: its base URL, authentication, headers and timeout. Change it once and every action on it follows.</p>
        </div>
        <div className="button-row">
          <a className="button secondary" href={href('imports/openapi')} onClick={onLinkClick('imports/openapi')}>
            Import from OpenAPI
          </a>
          <a className="button primary" href={href('connections/new')} onClick={onLinkClick('connections/new')}>
            New connection
          </a>
        </div>
      </div>
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      {list.error ? <Notice tone="error" title="The connections could not be loaded">{describeError(list.error)}</Notice> : null}
      {list.loading && !connections ? <p className="muted">Loading…</p> : null}
      {connections && connections.length === 0 ? (
        <div className="empty panel">
          <h2>No connections yet</h2>
          <p>Create one by hand, or import an OpenAPI document: it proposes the connection and one action per operation.</p>
        </div>
      ) : null}
      {connections && connections.length ? (
        <table className="data-table">
          <caption className="visually-hidden">Connections</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Base URL</th>
              <th scope="col">Authentication</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id}>
                <th scope="row" data-label="Name">
                  <a href={href(`connections/${c.id}`)} onClick={onLinkClick(`connections/${c.id}`)} className="action-link">
                    {c.name}
                  </a>
                </th>
                <td data-label="Base URL">
                  <code className="url">{c.baseUrl}</code>
                </td>
                <td data-label="Authentication">{authLabel(c.auth.type)}</td>
                <td data-label="Actions">{users(c.id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
