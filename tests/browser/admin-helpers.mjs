// Helpers for driving the newsroom admin in a real browser: signing in,
// watching pages for script errors, filling the editor, uploading images.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';

export const PASSWORD = 'correct horse battery staple';

// ---------------------------------------------------------------- images

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A real, decodable RGB PNG: a gradient with a few bands, different for
 * each `seed` (uploads are stored by content hash, so tests that must not
 * share an image use different seeds).
 */
export function makePng(width = 480, height = 320, seed = 1) {
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const i = y * row + 1 + x * 3;
      const band = Math.floor(x / 40) % 2;
      raw[i] = (x * 255 / width + seed * 53) & 0xff;
      raw[i + 1] = (y * 255 / height + band * 60) & 0xff;
      raw[i + 2] = (seed * 97 + (x ^ y)) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- watching

/**
 * Records what must never happen on a page: uncaught script errors on
 * admin pages, any dialog (alert/confirm/prompt), and Content Security
 * Policy violations reported on the console (a blocked injection is still
 * an injection). Returns the list problems are appended to.
 */
export function watch(context, problems = []) {
  const onPage = (page) => {
    page.on('pageerror', (err) => {
      const url = page.url();
      if (new URL(url, 'http://x/').pathname.startsWith('/admin')) problems.push(`uncaught error on ${url}: ${err.message}`);
    });
    page.on('dialog', async (dialog) => {
      problems.push(`${dialog.type()} dialog on ${page.url()}: ${dialog.message()}`);
      await dialog.dismiss().catch(() => {});
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
        problems.push(`CSP violation on ${page.url()}: ${msg.text()}`);
      }
    });
  };
  context.on('page', onPage);
  for (const p of context.pages()) onPage(p);
  return problems;
}

/**
 * Replaces the editor's autosave (a 10-second timer in admin.js) with a
 * refusal, so a test decides exactly when the article is saved.
 */
export async function disableAutosave(context) {
  await context.route(/\/admin\/articles\/\d+\/autosave$/, (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, version: 0, message: 'Autosave is off in this test.' }),
    }),
  );
}

/** Clicks `target` and resolves to the response of the navigation it causes. */
export async function submit(page, target) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: 30_000 }),
    typeof target === 'string' ? page.click(target) : target.click(),
  ]);
  assert.ok(response, `a navigation followed the click on ${target}`);
  return response;
}

// ---------------------------------------------------------------- accounts

/** Opens an invite (or reset) link, chooses a password, lands on the dashboard. */
export async function acceptInvite(page, link, password = PASSWORD) {
  const res = await page.goto(link);
  assert.equal(res.status(), 200, `invite page ${link}`);
  await page.fill('#password', password);
  await page.fill('#confirm', password);
  const done = await submit(page, 'button[type=submit]');
  assert.equal(done.status(), 200, 'invite accepted');
  assert.equal(new URL(page.url()).pathname, '/admin/', 'signed in on the dashboard after the invite');
}

/** Signs in through /admin/login; resolves to the final response. */
export async function login(page, base, email, password = PASSWORD, next = '') {
  await page.goto(base + '/admin/login' + (next ? `?next=${encodeURIComponent(next)}` : ''));
  await page.fill('#email', email);
  await page.fill('#password', password);
  return submit(page, 'main form button[type=submit]');
}

/** A new browser context with a staff member signed in through their invite. */
export async function staffContext(browser, link, { problems, options = {} } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  if (problems) watch(context, problems);
  const page = await context.newPage();
  await acceptInvite(page, link);
  return { context, page };
}

/** The page's CSRF token (every signed-in admin page has one). */
export function csrfOf(page) {
  return page.locator('input[name=csrf]').first().inputValue();
}

// ---------------------------------------------------------------- media

/** Uploads PNG bytes in the media library; resolves to the stored key. */
export async function uploadImage(page, base, bytes, name = 'picture.png') {
  await page.goto(base + '/admin/media/');
  await page.setInputFiles('#file', { name, mimeType: 'image/png', buffer: bytes });
  const res = await submit(page, 'form.upload button[type=submit]');
  assert.equal(res.status(), 200, `upload of ${name}`);
  const key = new URL(page.url()).searchParams.get('uploaded');
  assert.ok(key, `the library names the uploaded file (at ${page.url()})`);
  await page.locator('.media-grid .key', { hasText: key }).waitFor();
  return key;
}

// ---------------------------------------------------------------- editor

/**
 * Fills the editor's fields that are given. `author` and `section` are
 * option labels (author: the first byline slot); `image` is a media key.
 */
export async function fillEditor(page, f) {
  if (f.headline !== undefined) await page.fill('#headline', f.headline);
  if (f.standfirst !== undefined) await page.fill('#standfirst', f.standfirst);
  if (f.body !== undefined) await fillBody(page, f.body);
  if (f.author !== undefined) await page.selectOption('#author-1', { label: f.author });
  if (f.section !== undefined) await page.selectOption('#section', { label: f.section });
  // A new article has no section until one is chosen; tests that do not
  // care take the first.
  else if ((await page.locator('#section').inputValue()) === '') {
    await page.selectOption('#section', { label: await firstOptionLabel(page, '#section') });
  }
  if (f.tags !== undefined) await page.fill('#tags', f.tags);
  if (f.image !== undefined) await page.check(`input[name=image_key][value="${f.image}"]`);
  if (f.alt !== undefined) await page.fill('#image_alt', f.alt);
  if (f.caption !== undefined) await page.fill('#image_caption', f.caption);
  if (f.slug !== undefined) await page.fill('#slug', f.slug);
  if (f.toc !== undefined) await page.setChecked('input[name=toc]', f.toc);
}

/**
 * Sets the body's Markdown exactly: in the plain textarea, switching the
 * rich editor (editor.js) to its Markdown mode first if it is showing.
 */
export async function fillBody(page, markdown) {
  const toggle = page.locator('.mode-toggle[aria-pressed=false]');
  if (await toggle.count()) await toggle.click();
  await page.fill('#body', markdown);
}

/** Opens New article, fills it, creates the draft; resolves to its id. */
export async function createArticle(page, base, fields) {
  await page.goto(base + '/admin/articles/new');
  await fillEditor(page, fields);
  const res = await submit(page, 'button[name=intent][value=save]');
  const url = new URL(page.url());
  const m = url.pathname.match(/^\/admin\/articles\/(\d+)\/$/);
  assert.ok(m && res.status() === 200,
    `draft created (status ${res.status()} at ${page.url()}): ${await page.locator('.error').allInnerTexts()}`);
  assert.equal(url.searchParams.get('saved'), 'created');
  return Number(m[1]);
}

/** Clicks one of the editor's intent buttons; resolves to the response. */
export function clickIntent(page, intent) {
  return submit(page, `button[name=intent][value=${intent}]`);
}

/** The editor's status label ("Draft", "Scheduled", …). */
export function stageOf(page) {
  return page.locator('#stage').innerText();
}

/** The first real (non-placeholder) option label of a select. */
export async function firstOptionLabel(page, selector) {
  const labels = await page.locator(`${selector} option`).evaluateAll((os) =>
    os.filter((o) => o.value !== '').map((o) => o.textContent.trim()),
  );
  assert.ok(labels.length > 0, `${selector} has options`);
  return labels[0];
}

/**
 * Noon, `days` after the date of `localText` (`YYYY-MM-DDTHH:MM`, as a
 * datetime-local input holds it in the publication's zone). Noon is never
 * skipped or repeated by a daylight-saving change.
 */
export function noonDaysAfter(localText, days) {
  const [y, mo, d] = localText.split('T')[0].split('-').map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d + days));
  const pad = (n) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T12:00`;
}
