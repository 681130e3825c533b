import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { emptyDraft, FAILED_CALL, OK_CALL, readyDraft, REPLY, runDone } from './fixtures';
import { startStandInBackend, type Canned, type StandInBackend } from './stand-in-backend';
import { serveDirectory, ZAF_SDK_URL, zafStandInScript } from './zaf-stand-in';

const ASSETS = path.join(__dirname, '..', '..', 'app-zendesk', 'assets');
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const TOKEN = 'zd-sidebar-test-token-6c1f0e';
const TICKET = 123;

const UNAUTHORIZED = "The app's API token is not accepted by the backend: check the app settings.";
const UNVERIFIED = 'No draft yet: the requester is not verified, so the AI does not look up personal data.';

let browser: Browser;
let assets: { url: string; close(): Promise<void> };
let backend: StandInBackend;

beforeAll(async () => {
  [browser, assets, backend] = await Promise.all([
    chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run',
      ],
    }),
    serveDirectory(ASSETS),
    startStandInBackend(TOKEN),
  ]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), assets?.close(), backend?.close()]);
});

const ok = (body: unknown): Canned => ({ status: 200, body });

/** Opens the sidebar as Zendesk would, with the fake ZAF client pointing at `backendUrl`. */
async function openSidebar(opts: { token?: string; backendUrl?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 340, height: 900 } });
  const page = await context.newPage();
  const script = zafStandInScript({ backendUrl: opts.backendUrl ?? backend.url, token: opts.token ?? TOKEN, ticketId: TICKET });
  await page.route(ZAF_SDK_URL, (route) => route.fulfill({ contentType: 'application/javascript', body: script }));
  await page.goto(`${assets.url}/sidebar.html`);
  return page;
}

async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

function invokes(page: Page): Promise<unknown[][]> {
  return page.evaluate(() => (window as unknown as { __invokes: unknown[][] }).__invokes);
}

async function statusText(page: Page): Promise<string> {
  return (await page.locator('#status').textContent()) ?? '';
}

async function waitForStatus(page: Page, text: string): Promise<void> {
  await page.waitForFunction((t) => document.getElementById('status')?.textContent === t, text);
}

/** The draft with a proposal that the run route completes once, then answers 409. */
function runOnceScenario(): void {
  let runs = 0;
  backend.use({
    get: [ok(readyDraft())],
    post: ok({ ...readyDraft('A new reply, regenerated.'), draft: { ...readyDraft().draft!, id: 'draft_2', reply: 'A new reply, regenerated.' } }),
    run: (id) => {
      if (id !== 'prop_1') return { status: 404, body: { error: { code: 'not_found', message: 'No such proposal' } } };
      runs += 1;
      return runs === 1 ? ok(runDone()) : { status: 409, body: { error: { code: 'conflict', message: 'Already run' } } };
    },
  });
}

describe('Zendesk ticket sidebar (real Chromium, stand-in ZAF and backend)', () => {
  it('shows the draft, the calls with their status, and the pending proposal', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.waitForSelector('#draft-text');

    expect(await page.locator('#draft-text').textContent()).toBe(REPLY);
    // The markup in the reply stays text: no element was created, no handler ran.
    expect(await page.locator('#draft-text *').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    const calls = page.locator('#calls > li');
    expect(await calls.count()).toBe(2);
    const first = calls.nth(0);
    const second = calls.nth(1);
    expect(await first.locator('.item-name').textContent()).toBe(OK_CALL.action);
    expect(await first.locator('.badge').textContent()).toBe('OK 200');
    expect(await first.locator('.badge').getAttribute('class')).toContain('ok');
    expect(await first.locator('.item-sub').first().textContent()).toBe('GET · 182 ms');
    expect(await second.locator('.item-name').textContent()).toBe(FAILED_CALL.action);
    expect(await second.locator('.badge').textContent()).toBe('Error 503');
    expect(await second.locator('.badge').getAttribute('class')).toContain('error');
    expect(await second.textContent()).toContain('The API had a server error.');

    // Details are folded until asked for, then show masked URL, headers and the excerpt.
    expect(await second.locator('details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await second.locator('summary').click();
    const details = second.locator('details');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    const detailsText = (await details.textContent()) ?? '';
    expect(detailsText).toContain(FAILED_CALL.url);
    expect(detailsText).toContain('X-Api-Key');
    expect(detailsText).toContain('••••77aa');
    expect(detailsText).toContain('Service Unavailable');

    const proposal = page.locator('#proposals > li');
    expect(await proposal.count()).toBe(1);
    expect(await proposal.locator('.item-name').textContent()).toBe('cancel_order');
    expect(await proposal.locator('.badge').textContent()).toBe('Waiting');
    expect(await proposal.textContent()).toContain('POST https://shop.example.com/orders/A-1001/cancel');
    expect(await proposal.textContent()).toContain('A-1001');
    expect(await page.getByRole('button', { name: 'Run cancel_order' }).isEnabled()).toBe(true);

    // The app asked Zendesk to size the iframe to its content.
    const resizes = (await invokes(page)).filter((call) => call[0] === 'resize');
    expect(resizes.length).toBeGreaterThan(0);
    expect(resizes.at(-1)?.[1]).toEqual({ width: '100%', height: expect.stringMatching(/^\d+px$/) });

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'zendesk-sidebar.png'), fullPage: true });
    await closePage(page);
  });

  it('"Insert into reply" appends the draft text to the comment', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.getByRole('button', { name: 'Insert into reply' }).click();
    await waitForStatus(page, 'The draft was added to the reply box.');
    const appended = (await invokes(page)).filter((call) => call[0] === 'comment.appendText');
    expect(appended).toEqual([['comment.appendText', REPLY]]);
    await closePage(page);
  });

  it('"Run" calls the run route and shows the result; a second run is refused in words', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.getByRole('button', { name: 'Run cancel_order' }).click();
    const proposal = page.locator('#proposals > li');
    await proposal.locator('.ok-text').waitFor();

    expect(await proposal.locator('.ok-text').textContent()).toBe('Done (HTTP 200).');
    expect(await proposal.locator('.badge').textContent()).toBe('Done');
    expect(await proposal.locator('pre').textContent()).toBe('{"cancelled":true}');
    expect(await page.getByRole('button', { name: 'Run cancel_order' }).count()).toBe(0);
    // The call the run made joins the list.
    expect(await page.locator('#calls > li').count()).toBe(3);
    expect(await page.locator('h2', { hasText: 'API calls' }).textContent()).toBe('API calls (3)');

    const runs = backend.requests.filter((r) => r.method === 'POST');
    expect(runs.map((r) => r.url)).toEqual([`/zendesk/tickets/${TICKET}/proposals/prop_1/run`]);
    expect(runs[0]?.headers['content-type']).toBe('application/json');
    await closePage(page);

    // A fresh sidebar still shows the proposal pending; the backend now refuses it.
    const again = await openSidebar();
    await again.getByRole('button', { name: 'Run cancel_order' }).click();
    await again.locator('#proposals [role="alert"]').waitFor();
    expect(await again.locator('#proposals [role="alert"]').textContent()).toBe(
      'This action was already run or has expired. Already run',
    );
    await closePage(again);
  });

  it('"Regenerate" posts "{}" to the draft route and shows the new draft', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.waitForSelector('#draft-text');
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await page.waitForFunction(() => document.getElementById('draft-text')?.textContent === 'A new reply, regenerated.');
    const posts = backend.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.url).toBe(`/zendesk/tickets/${TICKET}/draft`);
    expect(posts[0]?.body).toBe('{}');
    await closePage(page);
  });

  it('shows the empty state in words for an unverified requester', async () => {
    backend.use({ get: [ok(emptyDraft('unverified'))] });
    const page = await openSidebar();
    await page.getByText(UNVERIFIED).waitFor();
    expect(await page.locator('#draft-text').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Insert into reply' }).count()).toBe(0);
    await closePage(page);
  });

  it('shows "No draft yet." with a way to draft one', async () => {
    backend.use({ get: [ok(emptyDraft('none'))], post: ok(readyDraft()) });
    const page = await openSidebar();
    await page.getByText('No draft yet.', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Draft a reply' }).click();
    await page.waitForSelector('#draft-text');
    expect(await page.locator('#draft-text').textContent()).toBe(REPLY);
    await closePage(page);
  });

  it('polls while the draft is being written, then shows it', async () => {
    backend.use({ get: [ok(emptyDraft('drafting')), ok(readyDraft())] });
    const page = await openSidebar();
    await waitForStatus(page, 'Drafting…');
    await page.waitForSelector('#draft-text', { timeout: 8000 });
    expect(backend.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(await statusText(page)).toBe('');
    await closePage(page);
  });

  it('explains a token the backend does not accept (401)', async () => {
    backend.use({ get: [ok(readyDraft())] });
    const page = await openSidebar({ token: 'wrong-token' });
    await waitForStatus(page, UNAUTHORIZED);
    expect(await page.locator('#status').getAttribute('class')).toContain('is-error');
    expect(await page.locator('#draft-text').count()).toBe(0);
    await closePage(page);
  });

  it('explains a backend failure (5xx) with the backend message', async () => {
    backend.use({ get: [{ status: 502, body: { error: { code: 'upstream', message: 'Zendesk did not answer.' } } }] });
    const page = await openSidebar();
    await waitForStatus(page, 'The backend had a problem (HTTP 502): try again in a moment. Zendesk did not answer.');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await closePage(page);
  });

  it('explains a backend that cannot be reached', async () => {
    const gone = await startStandInBackend(TOKEN);
    const url = gone.url;
    await gone.close();
    const page = await openSidebar({ backendUrl: `${url}/` });
    await waitForStatus(
      page,
      `Could not reach the backend at ${new URL(url).host}: check the Backend URL in the app settings and that the server is running.`,
    );
    await closePage(page);
  });

  it('sends the token only as the Authorization header, through the secure setting', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.getByRole('button', { name: 'Run cancel_order' }).click();
    await page.locator('#proposals .ok-text').waitFor();

    const seen = backend.requests.filter((r) => r.method !== 'OPTIONS');
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /zendesk/tickets/${TICKET}/draft`,
      `POST /zendesk/tickets/${TICKET}/proposals/prop_1/run`,
    ]);
    for (const request of backend.requests) {
      expect(request.url).not.toContain(TOKEN);
      expect(request.body).not.toContain(TOKEN);
      for (const [name, value] of Object.entries(request.headers)) {
        if (name === 'authorization') continue;
        expect(String(value)).not.toContain(TOKEN);
      }
    }
    for (const request of seen) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);

    // The page itself only ever held the placeholder, marked secure for Zendesk's proxy.
    const options = await page.evaluate(() => (window as unknown as { __requests: Array<Record<string, unknown>> }).__requests);
    expect(options).toHaveLength(2);
    for (const o of options) {
      expect(o).toMatchObject({ secure: true, contentType: 'application/json', headers: { Authorization: 'Bearer {{setting.api_token}}' } });
      expect(JSON.stringify(o)).not.toContain(TOKEN);
    }
    expect(await page.content()).not.toContain(TOKEN);
    await closePage(page);
  });
});
