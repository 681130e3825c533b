import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { startAdminHarness, type AdminHarness } from './harness';

let h: AdminHarness;
let page: Page;

beforeAll(async () => {
  h = await startAdminHarness();
  page = await h.newPage();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'User Data API' }).click();
  await page.getByRole('heading', { level: 1, name: 'User Data API' }).waitFor();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('User Data API page: fixed fields lose their error; the draft is tested before saving (issue 16, finding 9)', () => {
  test('an error goes from under its field once the field is fixed', async () => {
    await page.check('#f-enabled');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#f-url-error').waitFor();
    expect(await page.locator('#f-url-error').innerText()).toContain('URL is required');
    await page.fill('#f-url', `${h.customer.url}/customers?email={{contact.email}}`);
    expect(await page.locator('#f-url-error').count()).toBe(0);
    expect(await page.getAttribute('#f-url', 'aria-invalid')).toBeNull();
    expect(await page.locator('.error-summary').count()).toBe(0);
  });

  test('the test runs the configuration as typed, without saving it first', async () => {
    const before = h.customer.received.length;
    await page.fill('#ud-test-email', 'grace@example.com');
    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.locator('.test-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('Pro yearly');
    expect(await page.locator('body').innerText()).not.toContain('has no URL yet');
    expect(h.customer.received.length).toBe(before + 1);
    expect(h.customer.last()!.url).toBe('/customers?email=grace%40example.com');
    // Tested, not saved: the stored configuration is unchanged.
    const stored = await api(h.srv.url, h.srv.token, 'GET', '/v1/user-data-api');
    expect(stored.body.url).toBe('');
  });

  test('with no URL typed the test says so at the URL field and calls nothing', async () => {
    await page.fill('#f-url', '');
    const before = h.customer.received.length;
    await page.getByRole('button', { name: 'Run test' }).click();
    await page.locator('#f-url-error').waitFor();
    expect(await page.locator('#f-url-error').innerText()).toContain('URL is required');
    expect(await page.locator('.error-summary').innerText()).toContain('The test needs a URL.');
    expect(h.customer.received.length).toBe(before);
    expect(h.pageErrors).toEqual([]);
  });
});
