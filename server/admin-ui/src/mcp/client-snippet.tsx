import { CopyButton } from '../components/copy-button';

/** What the snippets put where the token goes until one is created on this page. */
export const TOKEN_PLACEHOLDER = 'hmt_… (your MCP token)';

/** The configuration of a desktop MCP client: VS Code/Cursor (remote with headers) and Claude Desktop (mcp-remote bridge). */
export function ClientSnippet({ endpoint, token }: { endpoint: string; token: string | null }) {
  const t = token ?? TOKEN_PLACEHOLDER;
  const remote = JSON.stringify({ servers: { 'helpdesk-actions': { type: 'http', url: endpoint, headers: { Authorization: `Bearer ${t}` } } } }, null, 2);
  const claude = JSON.stringify(
    { mcpServers: { 'helpdesk-actions': { command: 'npx', args: ['-y', 'mcp-remote', endpoint, '--header', 'Authorization:${MCP_TOKEN}'], env: { MCP_TOKEN: `Bearer ${t}` } } } },
    null,
    2,
  );
  return (
    <section className="panel" aria-labelledby="mcp-snippet-title">
      <h2 id="mcp-snippet-title">Connect a desktop MCP client</h2>
      <p className="muted">{token ? 'With the token you just created (it is in the snippets only on this page, now).' : 'Create a token above and it is filled in here; or put yours in place of the placeholder.'}</p>
      <h3>VS Code (mcp.json), Cursor and other clients that take a remote server with headers</h3>
      <pre className="excerpt snippet" data-testid="snippet-remote">
        {remote}
      </pre>
      <div className="copy-row">
        <CopyButton text={remote} label="Copy the mcp.json snippet" what="the mcp.json snippet" />
      </div>
      <h3>Claude Desktop (claude_desktop_config.json), through the mcp-remote bridge</h3>
      <pre className="excerpt snippet" data-testid="snippet-claude">
        {claude}
      </pre>
      <div className="copy-row">
        <CopyButton text={claude} label="Copy the Claude Desktop snippet" what="the Claude Desktop snippet" />
      </div>
    </section>
  );
}
