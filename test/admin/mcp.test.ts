import type { Page } from 'playwright-core';
import { connect, userJwt } from '../mcp/helpers';
import { api } from '../support/server';
import { expectFocusOn, startAdminHarness, type AdminHarness } from './harness';

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminHarness();
  const base = { method: 'GET', url: `${h.customer.url}/orders/{{order_number}}`, variables: [{ name: 'order_number', type: 'string', description: 'The order number' }] };
  for (const [name, audience] of [
    ['mcp_lookup', 'everyone'],
    ['mcp_private', 'verified'],
  ] as const) {
    const r = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', { ...base, name, audience, description: 'Look up an order when the customer asks where it is' });
    expect(r.status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
});

async function openMcp(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'MCP' }).click();
  await page.getByRole('heading', { level: 1, name: 'MCP' }).waitFor();
}

/** The endpoint once the tenant id is in it (it is loaded after the page shows). */
async function endpointOf(page: Page): Promise<string> {
  const el = page.getByTestId('mcp-endpoint').filter({ hasText: /\/mcp\/[0-9a-f-]{36}$/ });
  await el.waitFor();
  return el.innerText();
}

async function toolNames(endpoint: string, credential: string): Promise<string[]> {
  const client = await connect(endpoint, credential);
  try {
    return (await client.listTools()).tools.map((t) => t.name).sort();
  } finally {
    await client.close();
  }
}

describe('MCP section (issue 17, admin page)', () => {
  test('a token is created and shown once with the endpoint and snippets; an MCP client gets in with what was copied; revoking shuts it out', async () => {
    const page = await h.newPage();
    try {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.srv.url });
      await openMcp(page);
      const endpoint = await endpointOf(page);
      expect(endpoint).toMatch(new RegExp(`^${h.srv.url}/mcp/[0-9a-f-]{36}$`));
      await page.getByRole('button', { name: 'Copy the endpoint URL' }).click();
      await page.getByText('Copied the endpoint URL.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(endpoint);

      // A name is required, said at the field.
      await page.getByRole('button', { name: 'Create token' }).click();
      expect(await page.locator('#mcp-token-name-error').innerText()).toContain('name the token');
      await page.getByLabel('New token name').fill('Support desktop');
      await page.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByTestId('new-token');
      await shown.waitFor();
      const token = await shown.innerText();
      expect(token).toMatch(/^hmt_/);
      expect(await page.getByText('it is shown only this once').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Copy the new token' }).click();
      await page.getByText('Copied the new token.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

      // The snippets name the endpoint and carry the new token.
      const remote = JSON.parse(await page.getByTestId('snippet-remote').innerText());
      expect(remote.servers['helpdesk-actions']).toEqual({ type: 'http', url: endpoint, headers: { Authorization: `Bearer ${token}` } });
      const claude = JSON.parse(await page.getByTestId('snippet-claude').innerText());
      expect(claude.mcpServers['helpdesk-actions'].args).toEqual(['-y', 'mcp-remote', endpoint, '--header', 'Authorization:${MCP_TOKEN}']);
      expect(claude.mcpServers['helpdesk-actions'].env).toEqual({ MCP_TOKEN: `Bearer ${token}` });

      // What was copied works: the token is an unverified caller and sees the everyone-actions only.
      expect(await toolNames(endpoint, token)).toEqual(['mcp_lookup']);

      // Shown once: after a reload only the masked token is listed.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'MCP' }).waitFor();
      const row = page.getByRole('row', { name: /Support desktop/ });
      await row.waitFor();
      expect(await row.innerText()).toContain(`••••${token.slice(-4)}`);
      expect(await page.content()).not.toContain(token);
      expect(await page.getByTestId('snippet-remote').innerText()).toContain('hmt_… (your MCP token)');

      // Revoke: Cancel has focus, Escape closes and revokes nothing; then confirmed, the client is refused.
      await page.getByRole('button', { name: 'Revoke Support desktop' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Revoke Support desktop?' });
      await dialog.waitFor();
      await expectFocusOn(page, 'Cancel');
      await page.keyboard.press('Escape');
      expect(await dialog.count()).toBe(0);
      await expectFocusOn(page, 'Revoke');
      expect(await toolNames(endpoint, token)).toEqual(['mcp_lookup']);
      await page.getByRole('button', { name: 'Revoke Support desktop' }).click();
      await page.getByRole('button', { name: 'Revoke Support desktop' }).click();
      await page.getByText('No MCP tokens yet.').waitFor();
      await expect(toolNames(endpoint, token)).rejects.toThrow(/unauthorized/);
    } finally {
      await page.context().close();
    }
  });

  test('user JWT secret: too short is refused at the field; a generated one is saved masked and opens the endpoint for a verified user; Remove clears it', async () => {
    const page = await h.newPage();
    try {
      await openMcp(page);
      const endpoint = await endpointOf(page);
      const field = page.getByLabel('Secret', { exact: true });
      await field.fill('too-short');
      await page.getByRole('button', { name: 'Save secret' }).click();
      expect(await page.locator('#f-mcp-userJwtSecret-error').innerText()).toContain('must be at least 32 characters');
      expect((await api(h.srv.url, h.srv.token, 'GET', '/v1/settings')).body.mcp.userJwtSecret).toBeNull();

      await page.getByRole('button', { name: 'Generate' }).click();
      const secret = await field.inputValue();
      expect(secret.length).toBeGreaterThanOrEqual(64);
      await page.getByRole('button', { name: 'Save secret' }).click();
      await page.getByText('Saved. Sign user JWTs with this secret').waitFor();
      expect(await field.inputValue()).toBe('');
      const stored = (await api(h.srv.url, h.srv.token, 'GET', '/v1/settings')).body.mcp.userJwtSecret;
      expect(stored).toMatch(/^••••/);
      expect(await page.locator('#f-mcp-userJwtSecret-hint').innerText()).toContain(`A secret is stored (${stored})`);
      expect(await page.content()).not.toContain(secret);

      // The saved secret is the one the tenant's backend signs with: a verified user sees the verified-only action too.
      const jwt = await userJwt({ sub: 'user-1', email: 'ann@example.com', verified: true }, { secret, expiresIn: '5m' });
      expect(await toolNames(endpoint, jwt)).toEqual(['mcp_lookup', 'mcp_private']);

      await page.getByRole('button', { name: 'Remove secret' }).click();
      await page.getByText('Removed: user JWTs are refused').waitFor();
      expect((await api(h.srv.url, h.srv.token, 'GET', '/v1/settings')).body.mcp.userJwtSecret).toBeNull();
      await expect(toolNames(endpoint, jwt)).rejects.toThrow(/unauthorized/);
    } finally {
      await page.context().close();
    }
  });
});
