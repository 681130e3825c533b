import { useState } from 'react';
import { ApiError, describeError, type Api } from '../api/client';
import type { SetupState } from '../api/setup-types';
import { useApi } from '../api/context';
import { Notice } from '../components/notice';
import type { IdentityInfo } from '../connections/identity-panel';
import { useLoad } from '../use-load';
import { ClientSnippet } from './client-snippet';
import { CopyButton } from '../components/copy-button';
import { JwtSecret } from './jwt-secret';
import { McpTokens } from './mcp-tokens';
import '../connections/connections.css';

/** The tenant id from the identity issuer, which ends with it (`<public URL>/identity/<tenant id>`). */
function tenantIdOf(info: IdentityInfo): string | null {
  return /\/identity\/([^/]+)$/.exec(info.issuer)?.[1] ?? null;
}

/** `GET /v1/setup` names the tenant; a server without that route still tells it through the identity issuer. */
async function loadTenantId(api: Api): Promise<string | null> {
  try {
    return (await api.get<Pick<SetupState, 'tenantId'>>('/v1/setup')).tenantId;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    return tenantIdOf(await api.get<IdentityInfo>('/v1/identity'));
  }
}

/** The MCP section: the endpoint, MCP tokens, the user-JWT secret, a desktop client's configuration. */
export function McpPage() {
  const api = useApi();
  const tenant = useLoad(() => loadTenantId(api), []);
  const tenantId = tenant.data ?? null;
  // The page's own origin: the address the admin reached this server at.
  const endpoint = `${window.location.origin}/mcp/${tenantId ?? '<tenant id>'}`;
  const [fresh, setFresh] = useState<string | null>(null);
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>MCP</h1>
          <p className="muted">Your actions as tools of any MCP client (Streamable HTTP), under the same rules as a conversation: audience, verify-first, confirmation, the call log.</p>
        </div>
      </div>
      <section className="panel" aria-labelledby="mcp-endpoint-title">
        <h2 id="mcp-endpoint-title">Endpoint</h2>
        {tenant.error ? <Notice tone="error">The tenant id could not be loaded: {describeError(tenant.error)}</Notice> : null}
        <div className="copy-row">
          <code className="url" data-testid="mcp-endpoint">
            {endpoint}
          </code>
          {tenantId ? <CopyButton text={endpoint} label="Copy the endpoint URL" what="the endpoint URL" /> : null}
        </div>
        <p className="hint">Every request carries Authorization: Bearer with an MCP token or a user JWT signed by your backend. The admin token does not open it.</p>
      </section>
      <McpTokens onCreated={setFresh} />
      <JwtSecret />
      <ClientSnippet endpoint={endpoint} token={fresh} />
    </div>
  );
}
