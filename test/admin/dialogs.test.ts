import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { expectFocusOn, startAdminHarness, type AdminHarness } from './harness';

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
});

async function createAction(name: string, method = 'GET'): Promise<string> {
  const r = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
    name,
    description: 'Look up an order when the customer asks where it is',
    method,
    url: `${h.customer.url}/orders/{{order_number}}`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-1' }],
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function openEditor(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name: `Edit ${name}` }).waitFor();
}

describe('destructive dialogs: the safe choice has focus, Escape closes them (issue 16, finding 10)', () => {
  test('the delete dialog focuses Cancel; Escape closes it and deletes nothing', async () => {
    await createAction('dialog_delete');
    const page = await h.newPage();
    try {
      await openEditor(page, 'dialog_delete');
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('alertdialog', { name: /Delete dialog_delete\?/ });
      await dialog.waitFor();
      await expectFocusOn(page, 'Cancel');
      // Enter on arrival takes the focused, safe choice.
      await page.keyboard.press('Enter');
      expect(await dialog.count()).toBe(0);
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      expect(await dialog.count()).toBe(0);
      await expectFocusOn(page, 'Delete');
      const list = await api(h.srv.url, h.srv.token, 'GET', '/v1/actions');
      expect(list.body.actions.map((a: { name: string }) => a.name)).toContain('dialog_delete');
    } finally {
      await page.context().close();
    }
  });

  test('the POST test warning focuses Cancel; Escape closes it and sends nothing', async () => {
    await createAction('dialog_post', 'POST');
    const page = await h.newPage();
    try {
      await openEditor(page, 'dialog_post');
      const before = h.customer.received.length;
      await page.getByRole('button', { name: 'Run test' }).click();
      const warning = page.getByRole('alertdialog', { name: 'This really sends a POST request' });
      await warning.waitFor();
      await expectFocusOn(page, 'Cancel');
      await page.keyboard.press('Escape');
      expect(await warning.count()).toBe(0);
      await expectFocusOn(page, 'Run test');
      expect(h.customer.received.length).toBe(before);
    } finally {
      await page.context().close();
    }
  });
});
