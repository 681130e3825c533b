import type { Dialog, Page } from 'playwright-core';
import { api } from '../support/server';
import { expectFocusOn, startAdminHarness, type AdminHarness } from './harness';

let h: AdminHarness;
let page: Page;

beforeAll(async () => {
  h = await startAdminHarness();
  const r = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
    name: 'unsaved_demo',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${h.customer.url}/orders/{{order_number}}`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  });
  expect(r.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

beforeEach(async () => {
  page = await h.newPage();
});

afterEach(async () => {
  await page.context().close();
  expect(h.pageErrors).toEqual([]);
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
const leaveDialog = () => page.getByRole('alertdialog', { name: 'Leave without saving?' });

async function openEditor(): Promise<void> {
  await page.getByRole('link', { name: 'unsaved_demo' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit unsaved_demo' }).waitFor();
}

/** Reloads the page and returns the type of the dialog the browser raised, if any (accepted). */
async function reloadAndCatchDialog(): Promise<string | null> {
  let seen: string | null = null;
  const onDialog = (d: Dialog) => {
    seen = d.type();
    void d.accept();
  };
  page.on('dialog', onDialog);
  try {
    await page.reload();
  } finally {
    page.off('dialog', onDialog);
  }
  return seen;
}

describe('unsaved edits are not lost silently (issue 16, finding 4)', () => {
  test('leaving the editor with unsaved edits asks first; Stay keeps them, Leave goes', async () => {
    await openEditor();
    await page.fill('#f-description', 'Look up an order and its tracking number for the customer');
    await nav('Settings');
    const dialog = leaveDialog();
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('unsaved changes to unsaved_demo');
    await expectFocusOn(page, 'Stay on this page');
    await dialog.getByRole('button', { name: 'Stay on this page' }).click();
    expect(await dialog.count()).toBe(0);
    expect(page.url()).toContain('/admin/actions/');
    expect(await page.inputValue('#f-description')).toBe('Look up an order and its tracking number for the customer');

    // Escape stays too; the browser's Back button is held the same way.
    await page.goBack();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(0);
    expect(page.url()).toContain('/admin/actions/');
    expect(await page.inputValue('#f-description')).toBe('Look up an order and its tracking number for the customer');

    await nav('Settings');
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const saved = await api(h.srv.url, h.srv.token, 'GET', '/v1/actions');
    expect(saved.body.actions[0].description).toBe('Look up an order when the customer asks where it is');
  });

  test('no question without edits, after saving, or after undoing the edit', async () => {
    await openEditor();
    await nav('Audit log');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();

    await nav('Actions');
    await openEditor();
    await page.fill('#f-description', 'Temporary text that is typed and then removed again');
    await page.fill('#f-description', 'Look up an order when the customer asks where it is');
    await nav('Actions');
    await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();

    await openEditor();
    await page.fill('#f-description', 'Look up an order when the customer asks where it is, then answer');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved unsaved_demo.').waitFor();
    await nav('Actions');
    await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
    expect(await leaveDialog().count()).toBe(0);
  });

  test('reloading or closing with unsaved edits gets the browser prompt (beforeunload); without edits none', async () => {
    await openEditor();
    expect(await reloadAndCatchDialog()).toBeNull();
    await page.getByRole('heading', { level: 1, name: 'Edit unsaved_demo' }).waitFor();
    await page.fill('#f-description', 'An edit that is not saved before the reload happens');
    expect(await reloadAndCatchDialog()).toBe('beforeunload');
  });

  test('the new action form and the Settings page ask too', async () => {
    await page.getByRole('link', { name: 'New action' }).click();
    await page.fill('#f-name', 'half_typed');
    await nav('Settings');
    await leaveDialog().waitFor();
    expect(await leaveDialog().innerText()).toContain('the new action');
    await leaveDialog().getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

    await page.fill('#f-instructions', 'Answer in French.');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await leaveDialog().waitFor();
    expect(await leaveDialog().innerText()).toContain('the settings');
    await page.keyboard.press('Escape');
    expect(await page.inputValue('#f-instructions')).toBe('Answer in French.');
  });
});
