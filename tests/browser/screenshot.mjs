// Makes the README's pictures of the rich editor: docs/editor.png (the
// rich text of a demo article, its live preview beside it) and
// docs/editor-markdown.png (the same article in the Markdown mode).
// Run: cd tests/browser && npm ci && PRENSA_BIN=../../target/debug/prensa node screenshot.mjs
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { startDemo, launchBrowser } from './harness.mjs';
import { acceptInvite } from './admin-helpers.mjs';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');
mkdirSync(docs, { recursive: true });

const server = await startDemo();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await acceptInvite(page, server.invite);
  // The demo article with a table and footnotes, found through the admin's search.
  await page.goto(server.base + '/admin/articles/?q=' + encodeURIComponent('Care without carers'));
  await page.locator('main table a', { hasText: 'Care Without Carers' }).first().click();
  await page.locator('form#editor[data-rich-editor=ready]').waitFor();
  // The live preview (admin.js) fills the right half on a wide screen.
  await page.locator('#preview-frame').waitFor();
  await page.waitForTimeout(1500);
  await page.locator('.ProseMirror p').first().click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(docs, 'editor.png') });
  await page.getByRole('button', { name: 'Markdown' }).click();
  await page.locator('#body-label').evaluate((l) => l.scrollIntoView());
  await page.screenshot({ path: join(docs, 'editor-markdown.png') });
  await page.getByRole('button', { name: 'Markdown' }).click();
  await context.close();
  console.log(`wrote ${join(docs, 'editor.png')} and editor-markdown.png`);
} finally {
  await browser.close();
  await server.stop();
}
