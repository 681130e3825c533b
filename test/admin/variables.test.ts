import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { startAdminHarness, type AdminHarness } from './harness';

let h: AdminHarness;
let page: Page;

beforeAll(async () => {
  h = await startAdminHarness();
  page = await h.newPage();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const selectedTab = () => page.locator('[role=tab][aria-selected=true]').innerText();
const undeclared = () => page.getByRole('region', { name: 'Undeclared variables' });

describe('placeholders are declared in one click, without leaving the tab (issue 16, finding 2)', () => {
  test('a {{variable}} typed in the URL is offered for declaration on the Endpoint tab', async () => {
    await page.getByRole('link', { name: 'New action' }).click();
    await page.fill('#f-name', 'order_status');
    await page.fill('#f-description', 'Look up an order when the customer asks where it is');
    await page.fill('#f-url', `${h.customer.url}/orders/{{order_number}}?by={{contact.email}}`);
    const offer = undeclared();
    await offer.waitFor();
    // Context variables need no declaration; only order_number is offered.
    expect(await offer.innerText()).toContain('{{order_number}}');
    expect(await offer.innerText()).not.toContain('contact.email');
    await offer.getByRole('button', { name: 'Declare order_number as string' }).click();
    expect(await selectedTab()).toBe('Endpoint');
    expect(await page.getByRole('status').filter({ hasText: 'Declared {{order_number}}' }).count()).toBe(1);
    expect(await offer.getByRole('button', { name: /^Declare/ }).count()).toBe(0);
  });

  test('headers, query and body placeholders get a type guessed from the name, editable after', async () => {
    await page.getByRole('tab', { name: 'Parameters' }).click();
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.fill('#f-headers-0-key', 'X-Customer');
    await page.fill('#f-headers-0-value', '{{customer_email}}');
    await page.getByRole('button', { name: 'Add query parameter' }).click();
    await page.fill('#f-query-0-key', 'country');
    await page.fill('#f-query-0-value', '{{country}}');
    await page.fill('#f-body', '{"when": "{{delivery_date}}", "items": {{item_count}}, "n": {{quantity}}, "ref": "{{shipment_id}}"}');
    const offer = undeclared();
    for (const [name, type] of [
      ['customer_email', 'email'],
      ['country', 'string'],
      ['delivery_date', 'date'],
      ['item_count', 'integer'],
      ['quantity', 'integer'],
      ['shipment_id', 'string'],
    ]) {
      expect(await offer.getByRole('button', { name: `Declare ${name} as ${type}` }).count()).toBe(1);
    }
    await offer.getByRole('button', { name: 'Declare all 6' }).click();
    expect(await selectedTab()).toBe('Parameters');
    expect(await text('#f-body-live')).toContain('Valid JSON');

    await page.getByRole('tab', { name: 'Variables' }).click();
    const types = await page.$$eval('[id^=f-variables-][id$=-type]', (els) => els.map((e) => (e as HTMLSelectElement).value));
    const names = await page.$$eval('[id^=f-variables-][id$=-name]', (els) => els.map((e) => (e as HTMLInputElement).value));
    expect(Object.fromEntries(names.map((n, i) => [n, types[i]]))).toEqual({
      order_number: 'string',
      customer_email: 'email',
      country: 'string',
      delivery_date: 'date',
      item_count: 'integer',
      quantity: 'integer',
      shipment_id: 'string',
    });
    // A guess is only a start: the type stays editable.
    await page.selectOption('#f-variables-6-type', 'integer');

    await page.getByRole('button', { name: 'Create action' }).click();
    await page.getByText('Action order_status created.').waitFor();
    const list = await api(h.srv.url, h.srv.token, 'GET', '/v1/actions');
    const saved = list.body.actions[0];
    expect(saved.variables.map((v: { name: string; type: string; required: boolean }) => [v.name, v.type, v.required])).toEqual([
      ['order_number', 'string', true],
      ['customer_email', 'email', true],
      ['country', 'string', true],
      ['delivery_date', 'date', true],
      ['item_count', 'integer', true],
      ['quantity', 'integer', true],
      ['shipment_id', 'integer', true],
    ]);
    expect(saved.variables[0].description).toBe('Order number');
    expect(h.pageErrors).toEqual([]);
  });
});

const text = (sel: string) => page.locator(sel).innerText();
