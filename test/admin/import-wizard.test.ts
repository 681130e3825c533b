import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { startAdminHarness, type AdminHarness } from './harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'openapi');
const PETSTORE = fs.readFileSync(path.join(FIXTURES, 'openapi30-petstore.yaml'), 'utf8');
const EDGE = fs.readFileSync(path.join(FIXTURES, 'edge-cases.yaml'));
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const DOCS = path.join(__dirname, '..', '..', 'docs', 'screenshots');
const API_KEY = 'pk_import_secret_5e21c0d9';

let h: AdminHarness;
/** Serves the petstore document by URL on loopback (an allowed private host in tests). */
let docs: http.Server;
let docsUrl = '';

beforeAll(async () => {
  h = await startAdminHarness();
  docs = http.createServer((req, res) => {
    if (req.url === '/openapi.yaml') res.writeHead(200, { 'content-type': 'application/yaml' }).end(PETSTORE);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('no such document');
  });
  await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
  docsUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  docs?.closeAllConnections();
  await new Promise<void>((r) => (docs ? docs.close(() => r()) : r()));
  await h?.close();
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
});

async function openWizard(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('link', { name: 'Import from OpenAPI' }).click();
  await page.getByRole('heading', { level: 1, name: 'Import from OpenAPI' }).waitFor();
}

const shownNames = (page: Page) => page.getByTestId('operation').locator('.op-head label span:not(.method)').allInnerTexts();

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: file, fullPage: true });
  // The committed copy is refreshed on request, so a test run leaves the tree clean.
  const doc = path.join(DOCS, name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(doc)) {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, doc);
  }
}

describe('OpenAPI import wizard (issue 14, admin page)', () => {
  test('pasted petstore: search, method filter and select-all; variables and warnings shown; Import creates the connection and actions and opens the list', async () => {
    const page = await h.newPage();
    try {
      await openWizard(page);
      await page.getByLabel('Paste').check();
      await page.getByLabel('Document', { exact: true }).fill(PETSTORE);
      await page.getByRole('button', { name: 'Preview operations' }).click();
      await page.getByRole('heading', { name: '2. Operations' }).waitFor();
      expect(await page.getByText('Swagger Petstore - OpenAPI 3.0', { exact: true }).isVisible()).toBe(true);
      expect(await page.getByRole('list', { name: 'Document warnings' }).innerText()).toContain('OAuth2 implicit');
      expect(await page.getByTestId('operation').count()).toBe(19);
      expect(await page.getByTestId('import-count').innerText()).toBe('0 of 19 operations selected.');

      // Each operation shows its variables and what could not be mapped.
      const upload = page.getByTestId('operation').filter({ hasText: 'uploadFile' });
      expect(await upload.getByRole('list', { name: 'Variables of uploadFile' }).innerText()).toMatch(/petId: integer[\s\S]*additionalMetadata: string/);
      expect(await upload.getByRole('list', { name: 'Warnings of uploadFile' }).innerText()).toContain('file uploads (application/octet-stream) are not supported');

      // The method filter and select-all act on what is shown.
      await page.getByLabel('Method', { exact: true }).selectOption('DELETE');
      expect(await shownNames(page)).toEqual(['deletePet', 'deleteOrder', 'deleteUser']);
      await page.getByLabel(/Select all shown \(3\)/).check();
      expect(await page.getByTestId('import-count').innerText()).toBe('3 of 19 operations selected; 3 shown.');
      await page.getByLabel(/Select all shown/).uncheck();
      expect(await page.getByTestId('import-count').innerText()).toBe('0 of 19 operations selected; 3 shown.');

      // Search by name, path or description.
      await page.getByLabel('Method', { exact: true }).selectOption('');
      await page.getByLabel('Search operations').fill('/store/order');
      expect(await shownNames(page)).toEqual(['placeOrder', 'getOrderById', 'deleteOrder']);
      await page.getByLabel('Search operations').fill('');
      await page.getByRole('checkbox', { name: /getPetById/ }).check();
      await page.getByRole('checkbox', { name: /findPetsByStatus/ }).check();
      await page.getByRole('checkbox', { name: /addPet/ }).check();
      expect(await page.getByTestId('import-count').innerText()).toBe('3 of 19 operations selected.');

      // The proposed connection: the document's server and its API key header, the key typed here.
      expect(await page.getByLabel('Base URL').inputValue()).toBe('https://petstore3.swagger.io/api/v3');
      expect(await page.getByLabel('Authentication type').inputValue()).toBe('header');
      expect(await page.getByLabel('Header name').inputValue()).toBe('api_key');
      await page.getByLabel('API key', { exact: true }).fill(API_KEY);
      // The picture: the pet operations, three chosen, the proposed connection with its key typed.
      await page.getByLabel('Search operations').fill('pet');
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await shot(page, 'admin-import-wizard.png');
      await page.getByLabel('Search operations').fill('');
      await page.getByLabel('Base URL').fill(`${h.customer.url}/api/v3`);

      await page.getByRole('button', { name: 'Import 3 operations' }).click();
      await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
      expect(await page.getByRole('status').first().innerText()).toContain('Imported 3 actions on the new connection Swagger Petstore - OpenAPI 3.0.');
      for (const n of ['addPet', 'findPetsByStatus', 'getPetById']) await page.getByRole('link', { name: n, exact: true }).waitFor();

      const conns = (await api(h.srv.url, h.srv.token, 'GET', '/v1/connections')).body.connections;
      expect(conns).toHaveLength(1);
      expect(conns[0]).toMatchObject({ baseUrl: `${h.customer.url}/api/v3`, auth: { type: 'header', name: 'api_key' } });
      expect(conns[0].auth.value).toMatch(/^••••/);
      const actions = (await api(h.srv.url, h.srv.token, 'GET', '/v1/actions')).body.actions;
      const pet = actions.find((a: { name: string }) => a.name === 'getPetById');
      expect(pet).toMatchObject({ connectionId: conns[0].id, url: '/pet/{{petId}}', method: 'GET' });
      // The key typed in the wizard is the one the API receives.
      const t = await api(h.srv.url, h.srv.token, 'POST', `/v1/actions/${pet.id}/test`, { variables: { petId: 7 } });
      expect(t.status).toBe(200);
      const got = h.customer.last()!;
      expect(got.url).toBe('/api/v3/pet/7');
      expect(got.headers.api_key).toBe(API_KEY);
    } finally {
      await page.context().close();
    }
  });

  test('uploaded file: OAuth2 proposed with its token URL and scope; a missing client id is named at its field and nothing is created', async () => {
    const before = (await api(h.srv.url, h.srv.token, 'GET', '/v1/connections')).body.connections.length;
    const page = await h.newPage();
    try {
      await openWizard(page);
      await page.getByLabel('Upload a file').check();
      await page.getByLabel('Document file').setInputFiles({ name: 'edge-cases.yaml', mimeType: 'application/yaml', buffer: EDGE });
      await page.getByText(/edge-cases\.yaml: [\d,]+ characters read\./).waitFor();
      await page.getByRole('button', { name: 'Preview operations' }).click();
      await page.getByRole('heading', { name: '2. Operations' }).waitFor();
      expect(await page.locator('.notice-info').first().innerText()).toContain('from edge-cases.yaml');
      const find = page.getByTestId('operation').filter({ hasText: 'find_order_by_number' }).first();
      expect(await find.getByRole('list', { name: /Warnings of/ }).innerText()).toContain('cookie parameter session is not supported');

      expect(await page.getByLabel('Authentication type').inputValue()).toBe('oauth2_client_credentials');
      expect(await page.getByLabel('Token URL').inputValue()).toBe('https://eu.api.example.com/oauth/token');
      expect(await page.getByLabel('Scope').inputValue()).toBe('orders:read orders:write');
      expect(await page.getByLabel('Client id').inputValue()).toBe('');

      // Nothing chosen: said before anything is sent.
      await page.getByRole('button', { name: 'Import 0 operations' }).click();
      expect(await page.locator('.error-summary').innerText()).toContain('Choose at least one operation');

      await page.getByRole('checkbox', { name: /find_order_by_number$/ }).check();
      await page.getByLabel('Client secret', { exact: true }).fill('cs_edge_secret_42');
      await page.getByRole('button', { name: 'Import 1 operation' }).click();
      const err = page.locator('#f-connection-auth-clientId-error');
      await err.waitFor();
      expect(await err.innerText()).toContain('client id must not be empty');
      expect((await api(h.srv.url, h.srv.token, 'GET', '/v1/connections')).body.connections).toHaveLength(before);
    } finally {
      await page.context().close();
    }
  });

  test('by URL: a document the server cannot fetch is explained at the URL field; the right URL previews', async () => {
    const page = await h.newPage();
    try {
      await openWizard(page);
      await page.getByLabel('Document URL').fill(`${docsUrl}/missing.yaml`);
      await page.getByRole('button', { name: 'Preview operations' }).click();
      const err = page.locator('#import-url-error');
      await err.waitFor();
      expect(await err.innerText()).toContain('it answered 404');
      await page.getByLabel('Document URL').fill(`${docsUrl}/openapi.yaml`);
      await page.getByRole('button', { name: 'Preview operations' }).click();
      await page.getByRole('heading', { name: '2. Operations' }).waitFor();
      expect(await page.getByTestId('operation').count()).toBe(19);
      expect(await page.locator('.notice-info').first().innerText()).toContain(`from ${docsUrl}/openapi.yaml`);
    } finally {
      await page.context().close();
    }
  });
});
