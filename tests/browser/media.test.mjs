// The media library in real Chromium (issue 14): an upload keeps its file
// name, alt text and credit are set in the library and found by search,
// the editor's picker shows thumbnails and fills the hero's alt text and
// caption, and deleting is refused while a published article uses the
// image, allowed once it is unpublished. The library, edit, delete,
// picker and form pages are axe-clean; no page logs a CSP violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';
import {
  makePng, submit, staffContext, login, uploadImage, fillEditor, clickIntent, stageOf, firstOptionLabel, disableAutosave,
} from './admin-helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Waits until the image `locator` points at has loaded with real pixels. */
async function loaded(locator) {
  await locator.scrollIntoViewIfNeeded();
  await locator.evaluate((img) => (img.complete ? null : new Promise((r) => img.addEventListener('load', r, { once: true }))));
  return locator.evaluate((img) => img.complete && img.naturalWidth > 0);
}

test('upload, describe, search, pick as hero, and delete only when no published article uses it', async () => {
  const email = 'media-desk@meridian.example';
  const link = await server.addUser(email, 'editor', { name: 'Mina Desk' });
  const problems = [];
  const { context, page } = await staffContext(browser, link, { problems });
  await disableAutosave(context);
  const base = server.base;
  const stamp = Date.now().toString(36);
  const name = `Harbour cranes at dawn ${stamp}.png`;

  // Upload: the library names the file, with a thumbnail (a variant).
  const key = await uploadImage(page, base, makePng(720, 400, 41), name);
  const hash = key.split('.')[0];
  assert.equal(await page.locator('.notice').innerText(), `Uploaded ${name}.`);
  const card = page.locator('.media-grid li', { hasText: key });
  assert.equal(await card.locator('.media-name').innerText(), name, 'the original name is shown, not the hash');
  assert.match(await card.innerText(), /720×400/);
  const thumb = card.locator('img');
  assert.equal(await thumb.getAttribute('src'), `/media/${hash}-320.webp`);
  assert.ok(await loaded(thumb), 'the thumbnail loads');

  // Describe it in the library.
  await submit(page, card.locator('a.media-card'));
  assert.equal(new URL(page.url()).pathname, `/admin/media/${key}`);
  assert.equal(await page.inputValue('#name'), name);
  await page.fill('#alt', 'Three cranes against a pink sky');
  await page.fill('#caption', 'Berth four at six in the morning');
  await page.fill('#credit', 'Ana Ruiz');
  await submit(page, 'main form.stack button[type=submit]');
  assert.equal(await page.locator('.notice').innerText(), 'Saved.');
  assert.equal(await page.inputValue('#credit'), 'Ana Ruiz');

  // Search by alt text, and by name; a miss says so.
  await page.goto(base + '/admin/media/');
  await page.fill('#media-q', 'pink sky');
  await submit(page, 'form[role=search] button[type=submit]');
  assert.deepEqual(await page.locator('.media-grid .media-name').allInnerTexts(), [name]);
  await page.fill('#media-q', `dawn ${stamp}`);
  await submit(page, 'form[role=search] button[type=submit]');
  assert.deepEqual(await page.locator('.media-grid .media-name').allInnerTexts(), [name]);
  await page.fill('#media-q', `nothing-${stamp}`);
  await submit(page, 'form[role=search] button[type=submit]');
  assert.equal(await page.locator('.media-grid .media-name').count(), 0);
  assert.match(await page.locator('.media-grid .empty').innerText(), /No image matches/);

  // The editor: the picker's search finds it; its thumbnail shows;
  // choosing it fills the empty alt text and caption.
  await page.goto(base + '/admin/articles/new');
  const search = page.locator('#image_key-search');
  assert.ok(await search.isVisible(), 'the picker search is there with JavaScript');
  await search.fill(`cranes at dawn ${stamp}`);
  const radio = page.locator(`input[name=image_key][value="${key}"]`);
  await page.waitForFunction(() => document.querySelectorAll('[data-picker-list] input[name=image_key]').length === 2);
  const choice = page.locator(`label[for="${await radio.getAttribute('id')}"]`);
  assert.ok(await loaded(choice.locator('img')), 'the picker shows the thumbnail');
  assert.match(await choice.innerText(), new RegExp(`Harbour cranes at dawn ${stamp}`));
  await choice.click();
  assert.ok(await radio.isChecked());
  assert.equal(await page.inputValue('#image_alt'), 'Three cranes against a pink sky', 'alt text offered from the library');
  assert.equal(await page.inputValue('#image_caption'), 'Berth four at six in the morning. Photo: Ana Ruiz');

  const headline = `The cranes at berth four ${stamp}`;
  await fillEditor(page, { headline, body: 'The cranes stopped at two.', author: await firstOptionLabel(page, '#author-1') });
  await submit(page, 'button[name=intent][value=save]');
  assert.equal(await page.locator('.notice').innerText(), 'Draft created.');
  assert.equal(await page.locator('input[name=image_key]:checked').inputValue(), key);
  const editorPath = new URL(page.url()).pathname;
  const published = await clickIntent(page, 'publish');
  assert.equal(published.status(), 200);
  assert.equal(await stageOf(page), 'Published');

  // Delete: refused while the published article uses it, naming it.
  await page.goto(base + `/admin/media/${key}`);
  assert.match(await page.locator('ul.uses').innerText(), new RegExp(`${headline} \\(lead image, published\\)`));
  await submit(page, 'a.button.danger');
  assert.equal(new URL(page.url()).pathname, `/admin/media/${key}/delete`);
  assert.match(await page.locator('.error').innerText(), /used by 1 published article .*unpublish it/);
  assert.match(await page.locator('ul.uses').innerText(), new RegExp(headline));
  assert.equal(await page.locator('button.danger').count(), 0, 'no delete button while refused');

  // Unpublished, it may go: the row, the files, the draft's hero.
  await page.goto(base + editorPath);
  await clickIntent(page, 'unpublish');
  assert.notEqual(await stageOf(page), 'Published');
  await page.goto(base + `/admin/media/${key}/delete`);
  assert.equal(await page.locator('.error').count(), 0);
  assert.match(await page.locator('ul.uses').innerText(), new RegExp(`${headline} \\(lead image\\)`));
  await submit(page, 'button.danger');
  assert.equal(new URL(page.url()).pathname, '/admin/media/');
  assert.equal(await page.locator('.notice').innerText(), `Deleted ${name}.`);
  assert.equal(await page.locator('.media-grid li', { hasText: key }).count(), 0);
  const gone = await page.request.get(base + `/media/${key}`);
  assert.equal(gone.status(), 404, 'the file is no longer served');
  await page.goto(base + editorPath);
  assert.ok(await page.locator('input[name=image_key][value=""]').isChecked(), 'the draft has no lead image now');

  await context.close();
  assert.deepEqual(problems, [], problems.join('\n'));

  // Accessibility: the library, an image's page, its delete page, the
  // picker page and the forms with pickers (axe needs the CSP bypassed).
  const axeContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const axePage = await axeContext.newPage();
  await login(axePage, base, email);
  const other = await uploadImage(axePage, base, makePng(500, 300, 42), `Second ${stamp}.png`);
  const failures = [];
  for (const path of [
    '/admin/media/', `/admin/media/?q=${stamp}`, `/admin/media/${other}`, `/admin/media/${other}/delete`,
    '/admin/media/picker', '/admin/articles/new', '/admin/authors/new',
  ]) {
    const res = await axePage.goto(base + path);
    assert.equal(res.status(), 200, path);
    failures.push(...(await axeViolations(axePage, path)));
  }
  await axeContext.close();
  assert.deepEqual(failures, [], failures.join('\n'));
});
