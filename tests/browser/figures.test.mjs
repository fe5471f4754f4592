// Figures, galleries and embeds, from the editor to the public page, in
// real Chromium: an image dropped into the text is uploaded to the media
// library and becomes a figure once it has alt text (refused without),
// with caption and credit; a pasted image does too; two images chosen with
// the toolbar's Image button make a gallery; a pasted YouTube address
// becomes an embed. The published page shows `<figure>` with `srcset`,
// `width`, `height`, caption and credit, the gallery and a click-to-load
// embed card that requested nothing from another origin before the click;
// no CSP error anywhere; the editor with a figure is axe-clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';
import { watch, staffContext, disableAutosave, makePng, submit, clickIntent, firstOptionLabel, login } from './admin-helpers.mjs';

let server;
let browser;
let editorLink;
const EMAIL = 'fig.editor@meridian.example';

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
  editorLink = await server.addUser(EMAIL, 'editor', { name: 'Fig Editor', author: 'marek-duda' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every console error and uncaught exception on the page. */
function consoleErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
  return errors;
}

async function editorReady(page) {
  await page.locator('form#editor[data-rich-editor=ready]').waitFor();
  if (await page.locator('.mode-toggle[aria-pressed=true]').count()) await page.click('.mode-toggle');
  await page.locator('.rich-editor .ProseMirror').waitFor();
}

/** Puts the cursor in a new empty paragraph at the end of the text. */
async function newParagraphAtEnd(page) {
  await page.locator('.ProseMirror').focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
}

/** Dispatches a drop (or a paste) of PNG files on the rich text. */
function dropFiles(page, kind, files) {
  return page.evaluate(([kind, files]) => {
    const data = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], f.name, { type: 'image/png' }));
    }
    const target = document.querySelector('.ProseMirror');
    const last = target.lastElementChild.getBoundingClientRect();
    const event = kind === 'drop'
      ? new DragEvent('drop', { dataTransfer: data, clientX: last.left + 5, clientY: last.top + last.height / 2, bubbles: true, cancelable: true })
      : new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  }, [kind, files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') }))]);
}

/** Fills the figure form (alt texts in order) and inserts. */
async function completeFigure(page, alts, caption, credit) {
  const altInputs = page.locator('.figure-form input[name=figure-alt]');
  await altInputs.first().waitFor();
  assert.equal(await altInputs.count(), alts.length, 'one alt text field per image');
  for (let i = 0; i < alts.length; i++) await altInputs.nth(i).fill(alts[i]);
  if (caption !== undefined) await page.fill('.figure-form textarea[name=figure-caption]', caption);
  if (credit !== undefined) await page.fill('.figure-form input[name=figure-credit]', credit);
  await page.click('.figure-form button.primary');
  await page.locator('.figure-form').waitFor({ state: 'hidden' });
}

test('figures, a gallery and an embed go from the editor to the public page, nothing loaded from elsewhere before a click', async () => {
  const problems = [];
  const { context, page } = await staffContext(browser, editorLink, { problems });
  await disableAutosave(context);
  const errors = consoleErrors(page);
  await page.goto(server.base + '/admin/articles/new');
  await editorReady(page);
  const stamp = Date.now().toString(36);
  await page.fill('#headline', `Pictures of the harbour ${stamp}`);
  await page.fill('#standfirst', 'A photo essay.');
  await page.selectOption('#section', { label: await firstOptionLabel(page, '#section') });
  await page.locator('.ProseMirror').focus();
  await page.keyboard.type('The harbour wakes early.');

  // 1. Drop an image into the text: uploaded, then the form asks for alt text.
  assert.equal(await dropFiles(page, 'drop', [{ name: 'harbour.png', bytes: makePng(1200, 700, 41) }]), true, 'the editor took the drop');
  await page.locator('.figure-form input[name=figure-alt]').waitFor();
  assert.match(await page.locator('.figure-form .figure-status').innerText(), /uploaded/i);
  // Without alt text nothing is inserted.
  await page.click('.figure-form button.primary');
  assert.match(await page.locator('.figure-form .figure-error').innerText(), /alt text is required/);
  assert.equal(await page.locator('.figure-form input[name=figure-alt]').getAttribute('aria-invalid'), 'true');
  assert.doesNotMatch(await page.inputValue('#body'), /!\[/, 'no image inserted without alt text');
  await completeFigure(page, ['Fishing boats at the quay at dawn'], 'Boats leave before sunrise.', 'Photo: Test Desk');
  let body = await page.inputValue('#body');
  assert.match(body, /^The harbour wakes early\.\n\n!\[Fishing boats at the quay at dawn\]\(\/media\/[0-9a-f]+\.png\)\nBoats leave before sunrise\.\n— Photo: Test Desk\n$/, body);
  assert.equal(await page.locator('.ProseMirror .figure-card img[src^="/media/"]').count(), 1, 'the editor shows it as a figure');

  // The editor with a figure in it: axe-clean (in a context that lets axe in).
  const axeContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const axePage = await axeContext.newPage();
  await login(axePage, server.base, EMAIL);
  await axePage.goto(server.base + '/admin/articles/new');
  await editorReady(axePage);
  await axePage.locator('.ProseMirror').focus();
  await axePage.keyboard.type('Axe check.');
  assert.equal(await dropFiles(axePage, 'drop', [{ name: 'axe.png', bytes: makePng(400, 300, 42) }]), true);
  await axePage.locator('.figure-form input[name=figure-alt]').waitFor();
  const formViolations = await axeViolations(axePage, 'editor with the figure form open');
  await completeFigure(axePage, ['A test pattern'], 'A caption.', 'Photo: Axe');
  const editorViolations = await axeViolations(axePage, 'editor with a figure');
  assert.deepEqual([...formViolations, ...editorViolations], [], [...formViolations, ...editorViolations].join('\n'));
  await axeContext.close();

  // 2. Paste an image.
  await newParagraphAtEnd(page);
  await page.keyboard.type('Then the market opens.');
  assert.equal(await dropFiles(page, 'paste', [{ name: 'market.png', bytes: makePng(900, 600, 43) }]), true, 'the editor took the pasted image');
  await completeFigure(page, ['Stalls of fish on ice'], '', 'Photo: Test Desk');

  // 3. A gallery: two images chosen with the toolbar's Image button.
  await newParagraphAtEnd(page);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('.toolbar button[aria-label="Image or gallery"]')]);
  await chooser.setFiles([
    { name: 'left.png', mimeType: 'image/png', buffer: makePng(800, 600, 44) },
    { name: 'right.png', mimeType: 'image/png', buffer: makePng(800, 600, 45) },
  ]);
  await completeFigure(page, ['The north pier', 'The south pier'], 'Both piers at noon.', 'Photos: Test Desk');
  assert.equal(await page.locator('.ProseMirror .gallery-card img[src^="/media/"]').count(), 2, 'the editor shows a gallery');

  // 4. Paste a YouTube address on a line of its own: an embed.
  await newParagraphAtEnd(page);
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ');
    document.querySelector('.ProseMirror').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await page.locator('.ProseMirror .embed-card[data-provider=YouTube]').waitFor();

  body = await page.inputValue('#body');
  assert.match(body, /\n!\[Stalls of fish on ice\]\(\/media\/[0-9a-f]+\.png\)\n— Photo: Test Desk\n/, body);
  assert.match(body, /\n!\[The north pier\]\(\/media\/[0-9a-f]+\.png\)\n!\[The south pier\]\(\/media\/[0-9a-f]+\.png\)\nBoth piers at noon\.\n— Photos: Test Desk\n/, body);
  assert.match(body, /\n\nhttps:\/\/www\.youtube\.com\/watch\?v=dQw4w9WgXcQ\n$/, body);

  // Save, then publish.
  const saved = await submit(page, 'button[name=intent][value=save]');
  assert.equal(saved.status(), 200);
  const m = new URL(page.url()).pathname.match(/^\/admin\/articles\/(\d+)\/$/);
  assert.ok(m, `saved at ${page.url()}: ${await page.locator('.error').allInnerTexts()}`);
  await editorReady(page);
  assert.equal(await page.inputValue('#body'), body, 'the stored Markdown is what the editor showed');
  const slug = await page.inputValue('#slug');
  assert.equal((await clickIntent(page, 'publish')).status(), 200);
  assert.deepEqual(errors, [], errors.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
  await context.close();

  // The public page, as a reader sees it: every request to another origin
  // is recorded (and refused).
  const reader = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const origin = new URL(server.base).origin;
  const elsewhere = [];
  await reader.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      elsewhere.push(url);
      return route.abort();
    }
    return route.continue();
  });
  const readerProblems = watch(reader, []);
  const public_ = await reader.newPage();
  const readerErrors = consoleErrors(public_);
  const stylesheets = [];
  public_.on('response', (r) => {
    if (r.request().resourceType() === 'stylesheet') stylesheets.push([new URL(r.url()).pathname, r.status()]);
  });
  const res = await public_.goto(`${server.base}/${slug}/`, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /script-src 'none'/);
  // Lazy images below the fold load too, as a reader scrolls.
  await public_.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await public_.waitForLoadState('networkidle');

  const figure = public_.locator('.body figure:not(.gallery):not(.embed):not(.quote)').first();
  const img = figure.locator('img');
  assert.equal(await img.getAttribute('alt'), 'Fishing boats at the quay at dawn');
  assert.equal(await img.getAttribute('width'), '1200');
  assert.equal(await img.getAttribute('height'), '700');
  assert.match(await img.getAttribute('srcset'), /\/media\/[0-9a-f]+-640\.webp 640w,.*\/media\/[0-9a-f]+\.png 1200w$/);
  assert.ok(await img.getAttribute('sizes'));
  // textContent: the credit is set in capitals by CSS, not in the text.
  assert.equal(await figure.locator('figcaption').textContent(), 'Boats leave before sunrise. Photo: Test Desk');
  assert.equal((await figure.locator('.credit').textContent()).trim(), 'Photo: Test Desk');
  assert.equal(await img.evaluate((i) => i.complete && i.naturalWidth > 0), true, 'the figure image loaded');

  const pasted = public_.locator('.body figure', { has: public_.locator('img[alt="Stalls of fish on ice"]') });
  assert.equal((await pasted.locator('.credit').textContent()).trim(), 'Photo: Test Desk');
  assert.equal(await pasted.locator('img').getAttribute('width'), '900');

  const gallery = public_.locator('.body figure.gallery');
  assert.deepEqual(await gallery.locator('img').evaluateAll((is) => is.map((i) => i.alt)), ['The north pier', 'The south pier']);
  assert.match(await gallery.locator('figcaption').textContent(), /Both piers at noon\./);
  assert.equal(await gallery.evaluate((g) => getComputedStyle(g).display), 'grid', 'the figures stylesheet applies');

  const card = public_.locator('.body figure.embed a');
  assert.equal(await card.getAttribute('href'), 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'a plain link to the provider');
  assert.match(await card.innerText(), /YouTube/);
  assert.equal(await public_.locator('iframe, .body figure.embed img').count(), 0);
  assert.ok(stylesheets.some(([p, s]) => /^\/assets\/figures\.[0-9a-f]{10}\.css$/.test(p) && s === 200), `figures.css loaded: ${JSON.stringify(stylesheets)}`);

  assert.deepEqual(elsewhere, [], `requests to other origins before any click: ${elsewhere.join(', ')}`);
  assert.deepEqual(readerErrors, [], readerErrors.join('\n'));
  assert.deepEqual(readerProblems, [], readerProblems.join('\n'));

  // Only the reader's click goes to the provider.
  await card.click({ noWaitAfter: true });
  await public_.waitForTimeout(500);
  assert.ok(elsewhere.some((u) => u.startsWith('https://www.youtube.com/watch?v=dQw4w9WgXcQ')), `the click went to YouTube: ${elsewhere}`);
  await reader.close();
});
