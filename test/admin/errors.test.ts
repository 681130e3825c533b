import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { focusedId, startAdminHarness, type AdminHarness } from './harness';

let h: AdminHarness;
let page: Page;

beforeAll(async () => {
  h = await startAdminHarness();
  page = await h.newPage();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const summary = () => page.locator('.error-summary');
/** Waits until the field has focus (summary links focus it on the next frame, after a tab switch). */
const focusOn = async (id: string) => {
  await page.waitForFunction((want) => document.activeElement?.id === want, id);
  expect(await focusedId(page)).toBe(id);
};

describe('errors speak the form, not the API (issue 16, finding 8)', () => {
  test('empty fields say "<label> is required"; the summary names fields by label and focuses them', async () => {
    await page.getByRole('link', { name: 'New action' }).click();
    await page.fill('#f-description', 'Orders');
    await page.getByRole('tab', { name: 'Variables' }).click();
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByRole('tab', { name: 'Endpoint' }).click();
    await page.getByRole('button', { name: 'Create action' }).click();
    await summary().waitFor();

    const text = await summary().innerText();
    expect(text).not.toMatch(/invalid request body/i);
    expect(text).toMatch(/fields need attention/);
    for (const key of ['variables.0.name', 'variables.0.description', 'Invalid input']) expect(text).not.toContain(key);
    const links = await summary().getByRole('link').allInnerTexts();
    expect(links).toEqual(expect.arrayContaining(['Name', 'When to use it', 'URL', 'Variable 1 name', 'Variable 1 description']));

    expect(await page.locator('#f-name-error').innerText()).toContain('Name is required');
    expect(await page.locator('#f-url-error').innerText()).toContain('URL is required');
    expect(await page.locator('#f-description-error').innerText()).toContain('must be at least 10 characters');
    expect(await page.locator('body').innerText()).not.toContain('must start with a letter');

    // Each summary link focuses its field, switching tab when the field sits on another.
    await summary().getByRole('link', { name: 'URL' }).click();
    await focusOn('f-url');
    await summary().getByRole('link', { name: 'Variable 1 name' }).click();
    expect(await page.getByRole('tab', { name: /Variables/ }).getAttribute('aria-selected')).toBe('true');
    await focusOn('f-variables-0-name');
    expect(await page.locator('#f-variables-0-name-error').innerText()).toContain('Name is required');
    expect(await page.locator('#f-variables-0-description-error').innerText()).toContain('Description is required');
  });

  test('a duplicate name (409) is shown on the name field', async () => {
    const taken = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
      name: 'taken_name',
      description: 'Look up an order when the customer asks where it is',
      method: 'GET',
      url: `${h.customer.url}/orders/1`,
    });
    expect(taken.status).toBe(201);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Actions' }).click();
    const leave = page.getByRole('alertdialog', { name: 'Leave without saving?' });
    await leave.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('link', { name: 'New action' }).click();
    await page.fill('#f-name', 'taken_name');
    await page.fill('#f-description', 'Another action with a name that is already in use');
    await page.fill('#f-url', `${h.customer.url}/orders/2`);
    await page.getByRole('button', { name: 'Create action' }).click();
    await summary().waitFor();
    expect(await summary().innerText()).toContain('This name is already taken.');
    expect(await summary().innerText()).not.toContain('Conflict:');
    expect(await page.locator('#f-name-error').innerText()).toContain('another action is already named taken_name');
    expect(await page.getAttribute('#f-name', 'aria-invalid')).toBe('true');
    await summary().getByRole('link', { name: 'Name' }).click();
    await focusOn('f-name');
    expect(h.pageErrors).toEqual([]);
  });
});
