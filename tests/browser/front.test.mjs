// The curated front page, the compact phone header, the favicon and the
// editor's live preview in real Chromium: an editor pins a text-only note
// as the lead and two featured articles, reorders them with the buttons,
// and the public home shows them first — the note's lead with no blank
// half; on a 390×844 phone the header stays short and its sections menu
// opens without JavaScript, by pointer and by keyboard; no request for
// /favicon.ico fails; axe-core finds nothing on the home (phone and
// desktop) or the front page's admin; and the preview sits beside the
// form and keeps the paragraph being edited in view when it refreshes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';
import { watch, staffContext, disableAutosave, createArticle, clickIntent, submit, fillBody } from './admin-helpers.mjs';

let server;
let browser;
let editor;
let problems;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
  const link = await server.addUser('fran.front@meridian.example', 'editor', { name: 'Fran Front', author: 'marek-duda' });
  problems = [];
  editor = await staffContext(browser, link, { problems, options: { bypassCSP: true } });
  await disableAutosave(editor.context);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every failed request and every 4xx/5xx answer of the context's pages. */
function failures(context) {
  const failed = [];
  context.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  context.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.url()}: ${r.status()}`);
  });
  return failed;
}

const stamp = Date.now().toString(36);
const note = `A short note ${stamp}`;

test('an editor pins a text-only lead and featured articles; the home shows them first', async () => {
  const page = editor.page;
  // A note without an image, published.
  const id = await createArticle(page, server.base, { headline: note, standfirst: 'Only words here.', body: 'One short paragraph, no picture.' });
  const res = await clickIntent(page, 'publish');
  assert.equal(res.status(), 200);

  await page.goto(server.base + '/admin/front/');
  const pin = async (label, slot) => {
    await page.selectOption('#pin-article', { label });
    await page.check(`input[name=slot][value=${slot}]`);
    const done = await submit(page, 'form[action$="/admin/front/pin"] button[type=submit]');
    assert.equal(done.status(), 200, await page.locator('.error').allInnerTexts().then(String));
    assert.equal(new URL(page.url()).pathname, '/admin/front/');
  };
  const candidates = await page.locator('#pin-article option').evaluateAll((os) => os.filter((o) => o.value).map((o) => o.textContent));
  assert.ok(candidates.includes(note), 'the published note is offered');
  const [first, second] = candidates.filter((c) => c !== note);
  await pin(first, 'featured');
  await pin(second, 'featured');
  await pin(note, 'lead');
  const rows = () => page.locator('table.pins tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(await rows(), [note, first, second]);
  // Reorder: the second featured one up, with the button.
  await submit(page, page.getByRole('button', { name: `Move “${second}” up` }));
  assert.deepEqual(await rows(), [note, second, first]);
  assert.ok(await page.locator('table.pins').innerText().then((t) => t.includes('text-only lead')), 'the admin says the lead has no image');
  const axe = await axeViolations(page, 'front admin');
  assert.deepEqual(axe, []);

  // The public home, on a desktop screen.
  const reader = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const failed = failures(reader);
  const home = await reader.newPage();
  await home.goto(server.base + '/');
  // The lead, the featured ones and the newest after them (the section
  // blocks below are each section's own newest).
  const headlines = await home.locator(':is(.lead, .featured, .most-recent) .card :is(h2,h3) a').allInnerTexts();
  assert.deepEqual(headlines.slice(0, 3), [note, second, first], 'the pins first, in order');
  assert.equal(headlines.filter((h) => h === first).length, 1, 'a pinned article is not repeated in the newest');
  assert.ok(headlines.length > 5, 'the newest follow');
  // The text-only lead fills its block: its headline starts at the card's
  // left edge and spans most of it (no empty image column).
  assert.equal(await home.locator('.lead').getAttribute('class'), 'lead text-only');
  const card = await home.locator('.lead .card').boundingBox();
  const h2 = await home.locator('.lead h2').boundingBox();
  assert.ok(h2.x - card.x < 2, `headline at the card's left edge (${h2.x} vs ${card.x})`);
  const text = await home.locator('.lead .card').evaluate((c) => Math.max(...[...c.children].map((e) => e.getBoundingClientRect().right)) - c.getBoundingClientRect().left);
  assert.ok(text > card.width * 0.6, `the lead's text spans ${text} of ${card.width} px`);
  assert.deepEqual(await axeViolations(home, 'home desktop'), []);
  assert.deepEqual(failed, [], 'no request failed (the favicon among them)');
  await reader.close();
  void id;
});

test('on a phone the header is short and its menu opens without JavaScript', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false, isMobile: true, hasTouch: true });
  const failed = failures(phone);
  const page = await phone.newPage();
  for (const path of ['/', '/section/labor/', '/the-heat-pump-paradox/']) {
    const res = await page.goto(server.base + path);
    if (res.status() === 404) continue;
    const header = await page.locator('header.site').boundingBox();
    console.log(`header height at 390×844 on ${path}: ${header.height} px`);
    assert.ok(header.height <= 120, `the header takes ${header.height} px`);
  }
  await page.goto(server.base + '/');
  const nav = page.locator('header.site nav');
  assert.equal(await nav.isVisible(), false, 'the sections are in the closed menu');
  await page.locator('header.site summary').click();
  assert.equal(await nav.isVisible(), true, 'a tap opens it');
  assert.ok((await nav.locator('a').count()) >= 2);
  await page.locator('header.site summary').click();
  assert.equal(await nav.isVisible(), false);
  // By keyboard: the menu is a tab stop after the masthead's link.
  await page.locator('header.site .masthead a').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY');
  await page.keyboard.press('Enter');
  assert.equal(await nav.isVisible(), true, 'Enter opens it');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('nav') !== null), true, 'Tab goes into the menu');
  assert.deepEqual(failed, []);
  await phone.close();

  // axe (it needs script): the phone home, menu closed and open.
  const checked = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, isMobile: true });
  const p = await checked.newPage();
  await p.goto(server.base + '/');
  const found = await axeViolations(p, 'home phone');
  await p.locator('header.site summary').click();
  found.push(...(await axeViolations(p, 'home phone, menu open')));
  assert.deepEqual(found, []);
  // Desktop keeps the sections in view, no menu button.
  await p.setViewportSize({ width: 1280, height: 900 });
  await p.goto(server.base + '/');
  assert.equal(await p.locator('header.site nav').isVisible(), true);
  assert.equal(await p.locator('header.site summary').isVisible(), false);
  await checked.close();
});

test('/favicon.ico answers with an image and every page links one', async () => {
  const res = await editor.page.request.get(server.base + '/favicon.ico');
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^image\//);
  const page = await editor.context.newPage();
  await page.goto(server.base + '/');
  assert.equal(await page.locator('link[rel=icon]').count(), 1);
  await page.close();
});

test('the live preview sits beside the form and stays at the paragraph being edited', async () => {
  const page = await editor.context.newPage();
  const paragraphs = Array.from({ length: 40 }, (_, n) => `Paragraph ${n + 1}: ${'words that fill a line of the preview '.repeat(4)}`);
  const id = await createArticle(page, server.base, { headline: `Long read ${stamp}`, body: paragraphs.join('\n\n') });
  await page.goto(`${server.base}/admin/articles/${id}/`);
  const frame = page.locator('#preview-frame');
  await page.waitForFunction(() => document.getElementById('preview-frame')?.srcdoc.includes('Paragraph 40'), null, { timeout: 15_000 });
  const form = await page.locator('form#editor').boundingBox();
  const preview = await page.locator('.live-preview').boundingBox();
  assert.ok(preview.x >= form.x + form.width - 1, `the preview is beside the form (${preview.x} vs ${form.x}+${form.width})`);
  assert.ok(preview.y < form.y + 200, `the preview starts at the form's top (${preview.y} vs ${form.y})`);

  const inFrame = () => page.frames().find((f) => f.parentFrame() === page.mainFrame());
  async function typeInto(n, marker) {
    const before = await page.evaluate(() => document.getElementById('preview-frame').srcdoc.length);
    await marker();
    await page.waitForFunction((len) => document.getElementById('preview-frame').srcdoc.length !== len, before, { timeout: 15_000 });
    // The refreshed document has loaded and scrolled.
    await page.waitForTimeout(400);
    const shown = await inFrame().evaluate((k) => {
      const p = [...document.querySelectorAll('.body > p')].find((e) => e.textContent.startsWith(`Paragraph ${k}:`));
      const r = p.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: window.innerHeight, scrollY: window.scrollY };
    }, n);
    assert.ok(shown.scrollY > 0, `the preview scrolled down (${JSON.stringify(shown)})`);
    assert.ok(shown.top >= 0 && shown.bottom <= shown.height, `paragraph ${n} is in view: ${JSON.stringify(shown)}`);
  }
  // In the Markdown textarea: the caret in paragraph 30.
  await fillBody(page, paragraphs.join('\n\n'));
  await typeInto(30, async () => {
    const at = paragraphs.slice(0, 29).join('\n\n').length + 2 + 'Paragraph 30:'.length;
    await page.locator('#body').evaluate((t, pos) => { t.focus(); t.setSelectionRange(pos, pos); }, at);
    await page.keyboard.type(' edited');
  });
  // In the rich editor: a click into paragraph 25, then typing.
  await page.click('.mode-toggle[aria-pressed=true]');
  await page.locator('.rich-editor .ProseMirror').waitFor();
  await typeInto(25, async () => {
    const p = page.locator('.rich-editor .ProseMirror > p', { hasText: 'Paragraph 25:' });
    await p.scrollIntoViewIfNeeded();
    await p.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' more');
  });
  void frame;
  await page.close();
  assert.deepEqual(problems, []);
});
