import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { declined, emptyDraft, FAILED_CALL, OK_CALL, PENDING_PROPOSAL, readyDraft, REPLY, runDone } from './fixtures';
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

/**
 * The draft with a proposal, answered as the server does: the first run makes the call, every
 * later run answers 200 with the same outcome (no call); a declined proposal refuses a run (409).
 */
function runOnceScenario(): void {
  let status: 'pending' | 'done' | 'declined' = 'pending';
  let runs = 0;
  const conflict = (what: string): Canned => ({ status: 409, body: { error: { code: 'conflict', message: `this proposal is ${what}` } } });
  const notFound: Canned = { status: 404, body: { error: { code: 'not_found', message: 'No such proposal' } } };
  backend.use({
    get: [ok(readyDraft())],
    post: ok({ ...readyDraft('A new reply, regenerated.'), draft: { ...readyDraft().draft!, id: 'draft_2', reply: 'A new reply, regenerated.' } }),
    run: (id) => {
      if (id !== 'prop_1') return notFound;
      if (status === 'declined') return conflict('declined');
      status = 'done';
      runs += 1;
      return ok(runDone(runs === 1));
    },
    decline: (id) => {
      if (id !== 'prop_1') return notFound;
      if (status === 'done') return conflict('done');
      status = 'declined';
      return ok(declined());
    },
  });
}

const proposalPosts = () => backend.requests.filter((r) => r.method === 'POST' && r.url.includes('/proposals/'));

/** Clicks the dialog's confirm button ("Run it" / "Decline it"). */
async function confirmInDialog(page: Page, label: 'Run it' | 'Decline it'): Promise<void> {
  await page.locator('#confirm-dialog').getByRole('button', { name: label }).click();
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
    expect(await page.getByRole('button', { name: 'Decline cancel_order' }).isEnabled()).toBe(true);

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

  it('"Run" opens a dialog with the rendered request (Cancel focused); Cancel and Escape send nothing', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.getByRole('button', { name: 'Run cancel_order' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run cancel_order?' });
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open && d.matches(':modal'))).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await dialog.locator('[data-role="request-line"]').textContent()).toBe('POST https://shop.example.com/orders/A-1001/cancel');
    expect(await dialog.locator('[data-role="request-body"]').textContent()).toBe(JSON.stringify(JSON.parse(PENDING_PROPOSAL.request.body!), null, 2));
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Authorization');
    expect(text).toContain('Bearer ••••9a2c');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'zendesk-run-dialog.png') });

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Focus goes back to the Run button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Run cancel_order');
    await page.getByRole('button', { name: 'Run cancel_order' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(proposalPosts()).toHaveLength(0);
    expect(await page.locator('#proposals .badge').textContent()).toBe('Waiting');
    await closePage(page);
  });

  it('"Run it" in the dialog calls the run route once (double click too) and shows the result', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.getByRole('button', { name: 'Run cancel_order' }).click();
    await page.locator('#confirm-dialog').getByRole('button', { name: 'Run it' }).dblclick();
    const proposal = page.locator('#proposals > li');
    await proposal.locator('.ok-text').waitFor();

    expect(await proposal.locator('.ok-text').textContent()).toBe('Done (HTTP 200).');
    expect(await proposal.locator('.badge').textContent()).toBe('Done');
    expect(await proposal.locator('pre').textContent()).toBe('{"cancelled":true}');
    expect(await page.getByRole('button', { name: 'Run cancel_order' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Decline cancel_order' }).count()).toBe(0);
    expect(await statusText(page)).toBe('cancel_order: done.');
    // The call the run made joins the list.
    expect(await page.locator('#calls > li').count()).toBe(3);
    expect(await page.locator('h2', { hasText: 'API calls' }).textContent()).toBe('API calls (3)');

    const runs = proposalPosts();
    expect(runs.map((r) => r.url)).toEqual([`/zendesk/tickets/${TICKET}/proposals/prop_1/run`]);
    expect(runs[0]?.headers['content-type']).toBe('application/json');
    await closePage(page);
  });

  it('two agents run the same proposal at once: both get the same outcome, shown calmly', async () => {
    runOnceScenario();
    const [a, b] = await Promise.all([openSidebar(), openSidebar()]);
    for (const page of [a, b]) {
      await page.getByRole('button', { name: 'Run cancel_order' }).click();
      await page.locator('#confirm-dialog').waitFor();
    }
    await Promise.all([confirmInDialog(a, 'Run it'), confirmInDialog(b, 'Run it')]);
    for (const page of [a, b]) {
      await page.locator('#proposals .ok-text').waitFor();
      expect(await page.locator('#proposals .badge').textContent()).toBe('Done');
      expect(await page.locator('#proposals [role="alert"]').count()).toBe(0);
      expect(await page.locator('#status').getAttribute('class')).not.toContain('is-error');
    }
    expect([await statusText(a), await statusText(b)].sort()).toEqual(['cancel_order: done (it had already run).', 'cancel_order: done.']);
    expect(proposalPosts()).toHaveLength(2);
    await Promise.all([closePage(a), closePage(b)]);
  });

  it('"Decline" asks in the same kind of dialog and marks the proposal declined', async () => {
    runOnceScenario();
    const page = await openSidebar();
    await page.getByRole('button', { name: 'Decline cancel_order' }).click();
    const dialog = page.getByRole('dialog', { name: 'Decline cancel_order?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await dialog.locator('[data-role="request-line"]').textContent()).toBe('POST https://shop.example.com/orders/A-1001/cancel');
    await confirmInDialog(page, 'Decline it');
    await page.waitForFunction(() => document.querySelector('#proposals .badge')?.textContent === 'Declined');
    expect(await statusText(page)).toBe('cancel_order: declined: nothing was sent.');
    expect(await page.getByRole('button', { name: 'Run cancel_order' }).count()).toBe(0);
    expect(proposalPosts().map((r) => r.url)).toEqual([`/zendesk/tickets/${TICKET}/proposals/prop_1/decline`]);
    await closePage(page);

    // A sidebar opened before the decline still offers Run: the backend refuses it in words.
    const stale = await openSidebar();
    await stale.getByRole('button', { name: 'Run cancel_order' }).click();
    await confirmInDialog(stale, 'Run it');
    await stale.locator('#proposals [role="alert"]').waitFor();
    expect(await stale.locator('#proposals [role="alert"]').textContent()).toBe('This action was already run, declined or has expired. this proposal is declined');
    await closePage(stale);
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
    await confirmInDialog(page, 'Run it');
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
