import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { startAdminHarness, type AdminHarness } from './harness';

let h: AdminHarness;
let page: Page;

beforeAll(async () => {
  h = await startAdminHarness();
  const r = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
    name: 'cancel_order',
    description: 'Cancel an order when the customer asks to cancel it',
    method: 'POST',
    url: `${h.customer.url}/orders/{{order_number}}/cancel`,
    body: '{"requested_by": "{{contact.email}}", "reason": "{{reason}}"}',
    variables: [
      { name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-9' },
      { name: 'reason', type: 'string', description: 'Why the customer cancels', required: false },
    ],
  });
  expect(r.status).toBe(201);
  page = await h.newPage();
  await page.getByRole('link', { name: 'cancel_order' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit cancel_order' }).waitFor();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const requestTitle = () => page.locator('.test-result h4').first().textContent();
const label = (forId: string) => page.locator(`label[for="${forId}"]`).innerText();

async function runPostTest(): Promise<string> {
  await page.getByRole('button', { name: 'Run test' }).click();
  await page.getByRole('alertdialog', { name: 'This really sends a POST request' }).getByRole('button', { name: 'Send the POST request' }).click();
  const result = page.locator('.test-result');
  await result.waitFor();
  return result.innerText();
}

describe('test results in plain words, with the rendered request (issue 16, finding 5)', () => {
  test('values the request uses are labelled required, unused ones optional', async () => {
    // The body needs {{contact.email}}: its field must not say optional.
    expect(await label('test-contact-email')).toContain('(required)');
    expect(await label('test-contact-email')).not.toContain('optional');
    expect(await page.locator('#test-contact-email-hint').innerText()).toContain('used in the body');
    expect(await label('test-contact-first-name')).toContain('(optional)');
    expect(await label('test-var-order_number')).toContain('(required)');
    // Declared optional, but the body uses it.
    expect(await label('test-var-reason')).toContain('(required)');
    expect(await page.locator('#test-var-reason-hint').innerText()).toContain('used in the body');
  });

  test('a POST that could not be sent says so and why, without claiming it was sent', async () => {
    const before = h.customer.received.length;
    const text = await runPostTest();
    expect(h.customer.received.length).toBe(before);
    expect(text).toContain('Not sent.');
    expect(text).toContain('Nothing reached your API');
    expect(text).toContain('{{contact.email}} has no value');
    expect(text).not.toMatch(/really sent/i);
    expect(await requestTitle()).toContain('Request not sent (placeholders as written');
  });

  test('a POST that was sent shows the request as the server rendered it', async () => {
    await page.fill('#test-contact-email', 'ada@example.com');
    await page.fill('#test-var-reason', 'changed my mind');
    const text = await runPostTest();
    expect(text).toContain('Sent. Your API answered 200');
    expect(text).toContain('This was a real POST request');
    expect(await requestTitle()).toBe('Request sent (secrets masked)');
    expect(text).toContain(`${h.customer.url}/orders/ORD-9/cancel`);
    expect(await page.locator('.test-result .request-body').innerText()).toContain('"requested_by": "ada@example.com"');
    expect(text).not.toContain('{{');
    expect(JSON.parse(h.customer.last()!.body)).toEqual({ requested_by: 'ada@example.com', reason: 'changed my mind' });
    expect(h.pageErrors).toEqual([]);
  });
});
