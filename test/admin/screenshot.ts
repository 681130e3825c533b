import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const DOCS = path.join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * Saves a picture of the page (or of one element) to test/artifacts; the README's committed
 * copy in docs/screenshots is refreshed only with UPDATE_SCREENSHOTS=1 (or when missing), so a
 * test run leaves the tree clean.
 */
export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.mouse.move(0, 0); // no hover styles in the pictures
  if (selector) await page.locator(selector).first().screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  const doc = path.join(DOCS, name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(doc)) {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, doc);
  }
}
