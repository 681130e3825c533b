import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { expectFocusOn, startAdminHarness, type AdminHarness } from './harness';
import { startIntercomStandIn, startZendeskStandIn } from './helpdesk-standins';
import { screenshot } from './screenshot';

/** Zendesk and Intercom set up from the Settings page alone, against local stand-ins of their APIs (issue 16). */

const ZD_EMAIL = 'agent@acme.test';
const ZD_TOKEN = 'zd_token_right_0042';
const IC_TOKEN = 'ic_token_right_7f3a';
const IC_APP = 'acmeapp1';

let h: AdminHarness;
let zendesk: Awaited<ReturnType<typeof startZendeskStandIn>>;
let intercom: Awaited<ReturnType<typeof startIntercomStandIn>>;

beforeAll(async () => {
  [h, zendesk, intercom] = await Promise.all([startAdminHarness(), startZendeskStandIn(ZD_EMAIL, ZD_TOKEN), startIntercomStandIn(IC_TOKEN, IC_APP)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([h?.close(), zendesk?.close(), intercom?.close()]);
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
});

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
}

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

describe('Zendesk setup panel', () => {
  test('Test connection uses the typed credentials before saving and names the API user; a wrong token is said in words', async () => {
    const page = await h.newPage();
    try {
      await openSettings(page);
      const panel = page.getByRole('group', { name: 'Zendesk' });
      await page.fill('#f-zendesk-subdomain', 'acme');
      await page.fill('#f-zendesk-email', ZD_EMAIL);
      await page.fill('#f-zendesk-apiToken', 'zd_token_wrong_9999');
      await page.fill('#f-zendesk-baseUrl', zendesk.url);
      await panel.getByRole('button', { name: 'Test Zendesk connection' }).click();
      await panel.getByText('Not connected').waitFor();
      expect(zendesk.seen.at(-1)!.url).toBe('/api/v2/users/me.json');

      await page.fill('#f-zendesk-apiToken', ZD_TOKEN);
      await panel.getByRole('button', { name: 'Test Zendesk connection' }).click();
      await panel.getByText('Signed in as').waitFor();
      expect(await panel.locator('.connection-test').innerText()).toContain('Agent Smith');
      expect(zendesk.seen.at(-1)!.authorization).toBe(`Basic ${Buffer.from(`${ZD_EMAIL}/token:${ZD_TOKEN}`).toString('base64')}`);
      // Nothing was saved by the test.
      expect((await api(h.srv.url, h.srv.token, 'GET', '/v1/settings')).body.zendesk.subdomain).toBeNull();
    } finally {
      await page.context().close();
    }
  });

  test('the webhook URL carries the tenant id; it and the trigger JSON copy in one click', async () => {
    const setup = (await api(h.srv.url, h.srv.token, 'GET', '/v1/setup')).body;
    const page = await h.newPage();
    try {
      await openSettings(page);
      const url = await page.inputValue('#zendesk-webhook-url');
      expect(url).toBe(setup.zendesk.webhookUrl);
      expect(url).toContain(setup.tenantId);
      await page.getByRole('button', { name: 'Copy webhook URL' }).click();
      await page.getByRole('group', { name: 'Zendesk' }).getByText('Copied').first().waitFor();
      expect(await clipboard(page)).toBe(url);

      await page.getByRole('button', { name: 'Copy trigger JSON body' }).click();
      const copied = await clipboard(page);
      expect(JSON.parse(copied)).toEqual(setup.zendesk.triggerJson);
    } finally {
      await page.context().close();
    }
  });

  test('a sidebar token is shown once with Copy, listed masked, and revoked after a confirmation that focuses Cancel', async () => {
    const page = await h.newPage();
    try {
      await openSettings(page);
      await page.fill('#sidebar-token-name', 'Zendesk sidebar (test)');
      await page.getByRole('button', { name: 'Create sidebar token' }).click();
      const shown = page.locator('#sidebar-token-new');
      await shown.waitFor();
      const token = await shown.inputValue();
      expect(token.length).toBeGreaterThan(20);
      await page.getByRole('button', { name: 'Copy new sidebar token' }).click();
      expect(await clipboard(page)).toBe(token);
      // The token reaches the sidebar routes (not 401/403), and not the admin API.
      const sidebar = await api(h.srv.url, token, 'GET', '/zendesk/tickets/1/draft');
      expect([401, 403]).not.toContain(sidebar.status);
      expect((await api(h.srv.url, token, 'GET', '/v1/actions')).status).toBe(403);

      const row = page.getByRole('row', { name: /Zendesk sidebar \(test\)/ });
      await row.waitFor();
      expect(await row.innerText()).toContain('••••');
      expect(await row.innerText()).not.toContain(token);
      await screenshot(page, 'admin-zendesk-setup.png', '#zendesk');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await row.waitFor();
      expect(await page.content()).not.toContain(token);

      await row.getByRole('button', { name: /Revoke/ }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Revoke Zendesk sidebar (test)?' });
      await dialog.waitFor();
      await expectFocusOn(page, 'Cancel');
      await page.keyboard.press('Escape');
      expect(await dialog.count()).toBe(0);
      expect((await api(h.srv.url, h.srv.token, 'GET', '/v1/tokens')).body.tokens).toHaveLength(1);
      await row.getByRole('button', { name: /Revoke/ }).click();
      await dialog.getByRole('button', { name: 'Revoke Zendesk sidebar (test)' }).click();
      await page.getByText('No sidebar token yet.').waitFor();
      expect((await api(h.srv.url, h.srv.token, 'GET', '/v1/tokens')).body.tokens).toHaveLength(0);
      expect((await api(h.srv.url, token, 'GET', '/zendesk/tickets/1/draft')).status).toBe(401);
    } finally {
      await page.context().close();
    }
  });
});

describe('Intercom setup panel', () => {
  test('Test connection proves the app id and fills the admin picker; the webhook URL and topics copy', async () => {
    const setup = (await api(h.srv.url, h.srv.token, 'GET', '/v1/setup')).body;
    const page = await h.newPage();
    try {
      await openSettings(page);
      const panel = page.getByRole('group', { name: 'Intercom' });
      await page.fill('#f-intercom-appId', 'wrongapp');
      await page.fill('#f-intercom-accessToken', IC_TOKEN);
      await page.fill('#f-intercom-baseUrl', intercom.url);
      await panel.getByRole('button', { name: 'Test Intercom connection' }).click();
      // The token proves the workspace: a wrong app id is named, and the right one offered in one click.
      await panel.getByText('Not connected', { exact: true }).waitFor();
      expect(await panel.locator('.connection-test').innerText()).toContain(`belongs to workspace ${IC_APP}, not wrongapp`);
      await panel.getByRole('button', { name: `Use workspace ${IC_APP}` }).click();
      expect(await page.inputValue('#f-intercom-appId')).toBe(IC_APP);
      await panel.getByRole('button', { name: 'Test Intercom connection' }).click();
      await panel.getByText('Connected', { exact: true }).waitFor();
      // The picker lists the workspace's admins.
      const picker = page.locator('select#f-intercom-adminId');
      await picker.waitFor();
      expect(await picker.locator('option').allInnerTexts()).toEqual(['Choose an admin', 'Ada Support (ada@acme.test)', 'Grace Billing (grace@acme.test)']);
      await picker.selectOption('5002');
      await page.fill('#f-intercom-clientSecret', 'ic_client_secret_1234');
      await page.check('#f-intercom-identityVerification');
      await page.getByRole('button', { name: 'Save settings' }).first().click();
      await page.getByText('Settings saved.').waitFor();
      const saved = (await api(h.srv.url, h.srv.token, 'GET', '/v1/settings')).body.intercom;
      expect(saved).toMatchObject({ appId: IC_APP, adminId: '5002', identityVerification: true, accessToken: '••••7f3a' });

      expect(await page.inputValue('#intercom-webhook-url')).toBe(setup.intercom.webhookUrl);
      await page.getByRole('button', { name: 'Copy topics' }).click();
      expect((await clipboard(page)).split('\n')).toEqual(setup.intercom.topics);
      await screenshot(page, 'admin-intercom-setup.png', '#intercom');
    } finally {
      await page.context().close();
    }
  });

  test('API addresses accept https only: ftp:// and plain http to another host are refused in words, nothing is saved or sent', async () => {
    const page = await h.newPage();
    try {
      await openSettings(page);
      const before = (await api(h.srv.url, h.srv.token, 'GET', '/v1/settings')).body;
      await page.fill('#f-intercom-baseUrl', 'ftp://nope');
      await page.getByRole('button', { name: 'Save settings' }).first().click();
      expect(await page.locator('#f-intercom-baseUrl-error').innerText()).toContain('must start with https://, not ftp://');
      expect(await page.locator('.error-summary').innerText()).toContain('Intercom API address override');
      const seen = intercom.seen.length;
      await page.getByRole('group', { name: 'Intercom' }).getByRole('button', { name: 'Test Intercom connection' }).click();
      await page.getByRole('group', { name: 'Intercom' }).getByText('The test could not run').waitFor();
      expect(intercom.seen.length).toBe(seen);

      await page.fill('#f-zendesk-baseUrl', 'http://zendesk.example.com');
      await page.fill('#f-intercom-baseUrl', 'https://api.intercom.io');
      await page.getByRole('button', { name: 'Save settings' }).first().click();
      expect(await page.locator('#f-zendesk-baseUrl-error').innerText()).toContain('must start with https://');
      expect((await api(h.srv.url, h.srv.token, 'GET', '/v1/settings')).body).toEqual(before);
      // The server refuses it too, for any client.
      const direct = await api(h.srv.url, h.srv.token, 'PUT', '/v1/settings', { ...before, intercom: { ...before.intercom, baseUrl: 'ftp://nope' } });
      expect(direct.status).toBe(400);
    } finally {
      await page.context().close();
    }
  });
});
