// Cross-site scripting through the admin, in real Chromium: every field
// staff can type into gets payloads from xss-payloads.mjs, then every page
// that shows those values is opened and watched for a payload that ran
// (hook call, console marker, dialog, title change) or left active markup
// behind (event handlers, script URLs, stray scripts or frames).
//
// The pages are opened with the Content Security Policy bypassed: the CSP
// (no script at all on public pages, only our own file in the admin) is a
// second wall; this test checks the first one, escaping and sanitising.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser } from './harness.mjs';
import {
  makePng, watch, submit, acceptInvite, uploadImage, fillEditor, createArticle, clickIntent, firstOptionLabel,
  disableAutosave,
} from './admin-helpers.mjs';
import { PAYLOADS, installHooks, inspectPage } from './xss-payloads.mjs';

const scan = async (page, wait = true) => (await page.evaluate(inspectPage, wait)).findings;

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

const GENERAL = PAYLOADS.filter((p) => p.kind === 'general');
const MARKDOWN = PAYLOADS.filter((p) => p.kind === 'markdown');

/** Raw (unescaped) HTML contexts a payload could land in. */
const CONTEXTS = [
  (p) => `<div>${p}</div><p>after</p>`,
  (p) => `<input value="${p}"><p>after</p>`,
  (p) => `<input value='${p}'><p>after</p>`,
  (p) => `<textarea>${p}</textarea><p>after</p>`,
  (p) => `<script>var s = '${p}';</script><p>after</p>`,
  (p) => `<script>var s = "${p}";</script><p>after</p>`,
  (p) => `<a href="${p}">after</a>`,
];

test('the XSS detector catches live payloads and passes clean pages', async () => {
  assert.ok(PAYLOADS.length >= 50, `${PAYLOADS.length} payloads`);
  assert.equal(new Set(PAYLOADS.map((p) => p.text)).size, PAYLOADS.length, 'payloads are distinct');
  const context = await browser.newContext();
  const hits = await installHooks(context);
  const page = await context.newPage();
  const missed = [];
  let ran = 0;
  for (const p of GENERAL.filter((x) => x.live)) {
    let caught = false;
    for (const wrap of CONTEXTS) {
      const before = hits.length;
      await page.setContent(`<!doctype html><html><head><title>t</title></head><body>${wrap(p.text)}</body></html>`);
      const flagged = (await scan(page)).length > 0;
      const fired = hits.slice(before).length > 0;
      if (fired) ran++;
      if (fired || flagged) {
        caught = true;
        break;
      }
    }
    if (!caught) missed.push(`#${p.id} ${p.text}`);
  }
  assert.deepEqual(missed, [], `live payloads the detector did not notice:\n${missed.join('\n')}`);
  assert.ok(ran >= 30, `payloads that actually ran when unescaped: ${ran}`);
  // A hook call, a dialog and a title change are each noticed.
  hits.length = 0;
  await page.setContent('<img src=x onerror="__xss(\'probe\')"><img src=x onerror="alert(\'probe2\')">');
  await page.waitForTimeout(100);
  assert.ok(hits.some((x) => x.id === 'probe' && x.how === 'hook'), JSON.stringify(hits));
  assert.ok(hits.some((x) => x.id === 'probe2' && /dialog/.test(x.how)), JSON.stringify(hits));
  await page.setContent(`<img src=x onerror="${GENERAL.find((x) => x.text.includes('document.title')).text.match(/onerror="([^"]+)"/)[1]}">`);
  await page.waitForTimeout(50);
  assert.match((await scan(page)).join(), /title was changed/);

  // Clean pages of the site and of the admin give no finding.
  const link = await server.addUser('scan-check@meridian.example', 'administrator', { name: 'Scan Check' });
  const admin = await browser.newContext({ bypassCSP: true });
  const adminPage = await admin.newPage();
  await acceptInvite(adminPage, link);
  const findings = [];
  for (const path of ['/', '/the-bus-fare-revolt/', '/admin/', '/admin/articles/', '/admin/articles/1/',
    '/admin/articles/1/revisions/', '/admin/users/', '/admin/media/', '/admin/articles/new']) {
    await adminPage.goto(server.base + path);
    for (const f of await scan(adminPage)) findings.push(`${path}: ${f}`);
  }
  assert.deepEqual(findings, [], findings.join('\n'));
  await admin.close();
  await context.close();
});

/** Greedy packing of payload texts into values of at most `limit` characters. */
function pack(items, limit, prefix) {
  const bins = [];
  let cur = [];
  let len = 0;
  for (const it of items) {
    const add = it.text.length + 1;
    if (cur.length && len + add > limit - prefix(bins.length).length) {
      bins.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(it);
    len += add;
  }
  if (cur.length) bins.push(cur);
  return bins;
}

const spread = (items, n) => Array.from({ length: n }, (_, k) => items.filter((_, i) => i % n === k));
const texts = (items) => items.map((p) => p.text);

test('no XSS payload typed into the admin runs anywhere it is shown', async () => {
  const stamp = Date.now().toString(36);
  const t0 = Date.now();
  const lap = (what) => console.log(`xss phase: ${what} done after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // The staff member's own name is a payload too: it shows on every admin
  // page and in the revision lists.
  const ownName = `Xavi ${GENERAL[1].text}`;
  const link = await server.addUser(`xss-admin-${stamp}@meridian.example`, 'administrator', { name: ownName });
  // Narrower than the editor's live preview needs (70rem), which is
  // looked at separately below: every editor page would render twice.
  const narrow = { width: 1000, height: 900 };
  const context = await browser.newContext({ bypassCSP: true, viewport: narrow });
  const problems = watch(context);
  const hits = await installHooks(context);
  await disableAutosave(context);
  const page = await context.newPage();
  await acceptInvite(page, link);

  const findings = [];
  const absent = [];
  const visited = new Set();
  /** Opens `url` (or looks at the page as it is), then checks it. */
  async function check(url, { expectPayload = true, status } = {}) {
    let res = null;
    if (url) res = await page.goto(url.startsWith('http') ? url : server.base + url);
    const where = page.url();
    visited.add(new URL(where).pathname + new URL(where).search);
    if (res && status !== undefined) assert.equal(res.status(), status, `status of ${where}`);
    if (res && status === undefined) assert.ok(res.status() < 400, `status ${res.status()} of ${where}`);
    const seen = await page.evaluate(inspectPage);
    for (const f of seen.findings) findings.push(`${where}: ${f}`);
    if (expectPayload && !seen.showsPayload) absent.push(where);
    return res;
  }

  // -- The media library: an image to attach, and payloads as file names.
  const key = await uploadImage(page, server.base, makePng(640, 400, 6), 'xss.png');
  const fileNames = GENERAL.filter((p) => !p.text.includes('/') && p.text.length < 100).slice(0, 4);
  for (const p of fileNames) {
    await page.goto(server.base + '/admin/media/');
    await page.setInputFiles('#file', { name: `${p.text}.png`, mimeType: 'image/png', buffer: Buffer.from('not an image') });
    const res = await submit(page, 'form.upload button[type=submit]');
    assert.equal(res.status(), 422, `a broken file named ${p.text} is refused`);
    await check(null);
  }
  await check(`/admin/media/?uploaded=${encodeURIComponent(GENERAL[2].text)}`);

  lap('media');
  // -- Slugs: every payload (six to an attempt) is refused with the error
  // shown, the typed value kept (escaped) in the field, and nothing runs.
  await page.goto(server.base + '/admin/articles/new');
  const author = await firstOptionLabel(page, '#author-1');
  const sections = await page.locator('#section option').evaluateAll((os) =>
    os.filter((o) => o.value !== '').map((o) => o.textContent.trim()));
  await fillEditor(page, { headline: `Slug test ${stamp}`, author });
  for (const group of spread(GENERAL, 12)) {
    const slug = texts(group).join(' ');
    await page.$eval('#editor', (f) => { f.noValidate = true; });
    await page.fill('#slug', slug);
    const res = await submit(page, 'button[name=intent][value=save]');
    assert.equal(res.status(), 422, `slug ${slug} is refused`);
    assert.match(await page.locator('div.error').innerText(), /slug may hold only lower-case letters/, `error shown for slug ${slug}`);
    assert.equal(await page.inputValue('#slug'), slug.trim(), 'the typed slug is kept in the form');
    await check(null);
  }
  await page.goto(`${server.base}/admin/articles/?q=${encodeURIComponent(`Slug test ${stamp}`)}`);
  assert.equal(await page.locator('.count').innerText(), '0 articles', 'no article was created with a bad slug');
  lap('slugs');
  // -- Staff: payloads as names (and in e-mail addresses) in the invite form.
  const names = spread(GENERAL, 8);
  for (const [i, group] of names.entries()) {
    await page.goto(server.base + '/admin/users/');
    await page.fill('#new-email', `invitee-${i}-${stamp}@meridian.example`);
    await page.fill('#new-name', texts(group).join(' '));
    await page.selectOption('#new-role', 'contributor');
    const res = await submit(page, 'form.stack button[type=submit]');
    assert.equal(res.status(), 200, `invited staff ${i}`);
    assert.match(await page.locator('.notice').innerText(), /^Invited /);
    await check(null);
  }
  const emailPayloads = GENERAL.filter((p) => !/\s/.test(p.text) && !p.text.includes('@')).slice(0, 4);
  for (const p of emailPayloads) {
    await page.goto(server.base + '/admin/users/');
    await page.$eval('form.stack', (f) => { f.noValidate = true; });
    await page.fill('#new-email', `${p.text}@x${p.id}.example`);
    await page.fill('#new-name', `Mail ${p.id}`);
    await submit(page, 'form.stack button[type=submit]');
    await check(null);
  }

  lap('staff');
  // -- Articles: every payload in every article field, spread over enough
  // articles that each headline stays within 300 characters.
  const prefix = (k) => `XSS-${k} `;
  const headlines = pack(GENERAL, 300, prefix);
  const count = Math.max(12, headlines.length);
  const chunks = spread(GENERAL, count);
  const mdChunks = spread(MARKDOWN, count);
  const articles = [];
  for (let k = 0; k < count; k++) {
    const general = chunks[k];
    const md = mdChunks[k];
    const headline = prefix(k) + texts(headlines[k] ?? general.slice(0, 1)).join(' ');
    assert.ok(headline.length <= 300, `headline ${k} is ${headline.length} characters`);
    const bodyA = [
      `Opening paragraph ${k}.`,
      ...general.flatMap((p) => [p.text, `Inline ${p.id}: before ${p.text} after.`, `- item ${p.text}`, `> ${p.text}`]),
    ].join('\n\n');
    const bodyB = [bodyA, `## Second part ${k}`, ...texts(md)].join('\n\n');
    assert.ok(`Standfirst ${k}: ${texts(general).join(' ')} (revised)`.length <= 1000, `standfirst ${k} fits`);
    const fields = {
      headline,
      standfirst: `Standfirst ${k}: ${texts(general).join(' ')}`,
      body: bodyA,
      author,
      section: sections[k % sections.length],
      // Two tags of several payloads each (commas inside payloads split
      // them further).
      tags: [`xss tag ${k}`, texts(general.filter((_, i) => i % 2 === 0)).join(' '),
        texts(general.filter((_, i) => i % 2 === 1)).join(' ')].filter((t) => t.trim()).join(', '),
      image: key,
      alt: `Alt ${k}: ${texts(general).join(' ')}`,
      caption: `Caption ${k}: ${texts(general).join(' ')}`,
      slug: `xss-${k}-${stamp}`,
      toc: true,
    };
    const id = await createArticle(page, server.base, fields);
    await check(null);
    // A second save (publishing) makes the revision diff carry payloads.
    await fillEditor(page, { body: bodyB, standfirst: `${fields.standfirst} (revised)` });
    const res = await clickIntent(page, 'publish');
    assert.equal(res.status(), 200, `article ${k} published`);
    assert.equal(new URL(page.url()).searchParams.get('saved'), 'publish');
    await check(null);
    articles.push({ id, slug: fields.slug });
  }
  const coveredHeadline = new Set(articles.flatMap((_, k) => (headlines[k] ?? []).map((p) => p.id)));
  assert.equal(coveredHeadline.size, GENERAL.length, 'every payload was in some headline');

  lap('articles');
  // -- Every page that shows those values.
  const tagPaths = new Set();
  const sectionPaths = new Set();
  const authorPaths = new Set();
  for (const a of articles) {
    // The editor, wide enough for the live preview (a sandboxed frame).
    await page.setViewportSize({ width: 1280, height: 900 });
    await check(`/admin/articles/${a.id}/`);
    await page.waitForFunction(() => document.getElementById('preview-frame')?.srcdoc.includes('XSS-'), null, { timeout: 15_000 });
    const live = page.frames().find((f) => f.parentFrame() === page.mainFrame());
    // The frame first holds about:blank, then the srcdoc document.
    await live.locator('h1.headline', { hasText: /^XSS-\d+ / }).waitFor({ timeout: 15_000 });
    for (const f of await scan(live, false)) findings.push(`live preview of ${a.id}: ${f}`);
    await page.setViewportSize(narrow);
    await check(`/admin/articles/${a.id}/revisions/`);
    const revs = await page.locator('main table a[href*="/revisions/"]').evaluateAll((as) => as.map((x) => x.getAttribute('href')));
    assert.ok(revs.length >= 2, `article ${a.id} has revisions`);
    // The oldest revision against the current text (the diff holds the
    // payloads added since), and the newest against the oldest.
    const [newest, oldest] = [revs[0], revs[revs.length - 1]];
    await check(oldest);
    assert.ok(await page.locator('pre.diff .del, pre.diff .ins').count() > 0, 'the revision diff shows changes');
    await check(`${newest}?against=${oldest.split('/').pop()}`);
    await check(`/admin/articles/${a.id}/preview`);
    if (a === articles[0]) {
      // The Preview button: the form as typed, through the theme, in a new
      // tab (the same rendering as the live preview, checked for every article).
      await page.goto(`${server.base}/admin/articles/${a.id}/`);
      const [tab] = await Promise.all([context.waitForEvent('page'), page.click('button[formaction="/admin/articles/preview"]')]);
      await tab.waitForLoadState('load');
      for (const f of await scan(tab)) findings.push(`preview tab of ${a.id}: ${f}`);
      assert.match(await tab.locator('h1.headline').innerText(), /^XSS-\d+ /);
      await tab.close();
    }
    // The public article.
    await check(`/${a.slug}/`);
    assert.match(await page.locator('h1.headline').innerText(), /^XSS-\d+ /, 'the headline is shown as text');
    assert.ok((await page.locator('figure.hero img').getAttribute('alt')).startsWith('Alt '), 'alt text is kept as text');
    for (const href of await page.locator('ul.tags a').evaluateAll((as) => as.map((x) => new URL(x.href).pathname))) tagPaths.add(href);
    sectionPaths.add(new URL(await page.locator('p.meta a[href*="/section/"]').evaluate((x) => x.href)).pathname);
    authorPaths.add(new URL(await page.locator('.byline a').first().evaluate((x) => x.href)).pathname);
  }
  lap('article pages');
  // Literal template syntax reaches readers unevaluated.
  await page.goto(`${server.base}/${articles[GENERAL.findIndex((p) => p.text.includes('{{7*7}}')) % count].slug}/`);
  assert.match(await page.locator('.standfirst').innerText(), /\{\{7\*7\}\} \{\{7919\*7907\}\} \$\{7919\*7907\}/);

  for (const t of tagPaths) await check(t);
  for (const s of sectionPaths) await check(s);
  for (const a of authorPaths) await check(a);
  await check('/');
  await check('/admin/');
  await check('/admin/articles/');
  await check('/admin/articles/?stage=published');
  await check(`/admin/articles/?q=${encodeURIComponent('XSS-')}`);
  await check(`/admin/articles/?q=${encodeURIComponent(GENERAL[0].text)}&stage=${encodeURIComponent(GENERAL[3].text)}`);
  await check('/admin/users/');
  await check('/admin/account');
  await check(`/admin/login?next=${encodeURIComponent('/admin/' + GENERAL[2].text)}`, { expectPayload: false });
  lap('lists');
  // The conflict view: a save on a stale version shows a diff of payloads.
  await page.goto(`${server.base}/admin/articles/${articles[0].id}/`);
  await page.$eval('#version', (v) => { v.value = '1'; });
  await page.fill('#standfirst', `Conflicting ${GENERAL[4].text}`);
  const conflict = await clickIntent(page, 'save');
  assert.equal(conflict.status(), 409);
  assert.ok(await page.locator('.conflict pre.diff .ins').count() > 0, 'the conflict shows a diff');
  await check(null);

  await context.close();
  const fired = hits.map((x) => `payload #${x.id} ran (${x.how}) on ${x.url}`);
  console.log(`XSS: ${PAYLOADS.length} payloads (${GENERAL.length} general, ${MARKDOWN.length} Markdown), ` +
    `${count} articles, ${visited.size} distinct pages checked`);
  assert.deepEqual(fired, [], fired.join('\n'));
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(absent, [], `pages checked that showed no payload (the test would pass vacuously):\n${absent.join('\n')}`);
});

/** Reads the JSON-LD blocks of the page: each must parse and be the only thing in its script element. */
function jsonLdOf(page) {
  return page.locator('script[type="application/ld+json"]').evaluateAll((ss) => ss.map((s) => {
    try {
      return { ok: true, value: JSON.parse(s.textContent), raw: s.textContent };
    } catch (e) {
      return { ok: false, raw: s.textContent };
    }
  }));
}

test('no XSS payload typed into sections, tags, author profiles, settings or review notes runs anywhere it is shown', async () => {
  const stamp = Date.now().toString(36);
  const t0 = Date.now();
  const lap = (what) => console.log(`xss desk phase: ${what} done after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const link = await server.addUser(`xss-desk-${stamp}@meridian.example`, 'administrator', { name: `Desk ${GENERAL[5].text}` });
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 900 } });
  const problems = watch(context);
  const hits = await installHooks(context);
  await disableAutosave(context);
  const page = await context.newPage();
  // Public pages may be kept a minute (max-age=60); every look here must
  // see the latest settings.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await acceptInvite(page, link);

  const findings = [];
  const absent = [];
  const visited = new Set();
  async function check(url, { expectPayload = true, status } = {}) {
    let res = null;
    if (url) res = await page.goto(url.startsWith('http') ? url : server.base + url);
    const where = page.url();
    visited.add(new URL(where).pathname + new URL(where).search);
    if (res && status !== undefined) assert.equal(res.status(), status, `status of ${where}`);
    if (res && status === undefined) assert.ok(res.status() < 400, `status ${res.status()} of ${where}`);
    const seen = await page.evaluate(inspectPage);
    for (const f of seen.findings) findings.push(`${where}: ${f}`);
    if (expectPayload && !seen.showsPayload) absent.push(where);
    for (const ld of await jsonLdOf(page)) {
      if (!ld.ok) findings.push(`${where}: a JSON-LD block does not parse: ${ld.raw.slice(0, 200)}`);
      if (/<\/?script|<!--/i.test(ld.raw)) findings.push(`${where}: raw markup inside JSON-LD: ${ld.raw.slice(0, 200)}`);
    }
    return res;
  }

  // Names hold at most 100 characters: payloads packed into names of that
  // size, dealt in turn to sections, tags, author profiles and the
  // publication (every payload is in one kind of name; the few longer ones
  // go into descriptions, bios and the tagline, which every payload reaches).
  const short = GENERAL.filter((p) => p.text.length <= 90);
  const bins = pack(short, 100, () => 'S00 ');
  const deal = (r, letter) => bins.filter((_, i) => i % 4 === r).map((g, k) => `${letter}${k} ${texts(g).join(' ')}`);
  const sectionNames = deal(0, 'S');
  const tagNames = deal(1, 'T');
  const authorNames = deal(2, 'A');
  const siteNames = deal(3, 'P');
  const taglines = pack(GENERAL, 300, (k) => `L${k} `).map((g, k) => `L${k} ${texts(g).join(' ')}`);
  for (const list of [sectionNames, tagNames, authorNames, siteNames]) {
    for (const n of list) assert.ok(n.length <= 100, `${n.length} characters: ${n}`);
  }
  const descriptions = spread(GENERAL, sectionNames.length).map((g, k) => `D${k} ${texts(g).join(' ')}`);
  for (const d of descriptions) assert.ok(d.length <= 500, `description of ${d.length} characters`);

  // -- Sections: created with payload names and descriptions.
  await page.goto(server.base + '/admin/sections/');
  for (const [k, name] of sectionNames.entries()) {
    await page.fill('#new-name', name);
    await page.fill('#new-slug', `xs-${k}-${stamp}`);
    await page.fill('#new-desc', descriptions[k]);
    const res = await submit(page, 'form.stack.narrow button[type=submit]');
    assert.equal(res.status(), 200, `section ${k}: ${await page.locator('.error').allInnerTexts()}`);
    assert.match(await page.locator('.notice').innerText(), /^Saved the section /);
    if (k % 4 === 0) await check(null);
  }
  const sectionIds = await page.locator('input[id^="slug-"]').evaluateAll((is, stamp) =>
    is.filter((i) => i.value.startsWith('xs-') && i.value.endsWith(stamp))
      .map((i) => ({ id: i.id.slice('slug-'.length), slug: i.value })), stamp);
  assert.equal(sectionIds.length, sectionNames.length, 'every payload section is listed');
  // Edit a row: move the last payload section up to position 1, new
  // description. (It lands ahead of the other payload sections but not
  // necessarily first: typed positions are stored as raw sort keys, ties
  // broken by slug, while the page numbers rows 1…n — reported as a bug.)
  const moved = sectionIds[sectionIds.length - 1].id;
  const last = sectionNames.length - 1;
  await page.fill(`#pos-${moved}`, '1');
  await page.fill(`#desc-${moved}`, `${descriptions[last]} (edited)`.slice(0, 500));
  let res = await submit(page, `form[action="/admin/sections/${moved}"] button[type=submit]`);
  assert.equal(res.status(), 200);
  const order = await page.locator('input[id^="slug-"]').evaluateAll((is) => is.map((i) => i.value));
  assert.ok(order.findIndex((x) => x.startsWith('xs-')) === order.indexOf(`xs-${last}-${stamp}`), `the section moved up: ${order}`);
  const first = sectionIds[0].id;
  await check(null);
  // A refused edit (bad slug) and deleting an empty section with a payload name.
  await page.fill(`#slug-${first}`, GENERAL[0].text);
  res = await submit(page, `form[action="/admin/sections/${first}"] button[type=submit]`);
  assert.equal(res.status(), 422);
  assert.match(await page.locator('.error').innerText(), /slug may hold only/);
  await check(null);
  await page.fill('#new-name', `Doomed ${GENERAL[1].text}`);
  await page.fill('#new-slug', `doomed-${stamp}`);
  await submit(page, 'form.stack.narrow button[type=submit]');
  const doomed = await page.locator(`input[value="doomed-${stamp}"]`).getAttribute('id');
  res = await submit(page, `form[action="/admin/sections/${doomed.slice(5)}/delete"] button[type=submit]`);
  assert.equal(res.status(), 200);
  assert.match(await page.locator('.notice').innerText(), /Section deleted/);
  await check(null);
  lap('sections');

  // -- Author profiles: payload names, Markdown bios (raw HTML and links),
  // web links that are allowed but awkward.
  const key = await uploadImage(page, server.base, makePng(320, 320, 9), 'portrait.png');
  const bios = spread(GENERAL, authorNames.length).map((g, k) => {
    const md = MARKDOWN.filter((_, i) => i % authorNames.length === k);
    return [`Bio ${k}.`, ...g.flatMap((p) => [p.text, `Inline ${p.id}: before ${p.text} after.`, `[link ${p.id}](${p.text})`]),
      ...texts(md)].join('\n\n');
  });
  const allowedLinks = (k) => ({
    website: `https://example.org/${k}/'onmouseover='__xss(${k})'`,
    facebook: `https://example.org/${k}?q=&#x22;onclick=__xss(${k})`,
    mastodon: `HTTPS://example.org/@x${k}#javascript:__xss(${k})`,
    rss: `http://example.org/${k}/%22%3E%3Cscript%3E__xss(${k})%3C/script%3E`,
  });
  const authors = [];
  for (const [k, name] of authorNames.entries()) {
    await page.goto(server.base + '/admin/authors/new');
    await page.$eval('form.stack', (f) => { f.noValidate = true; });
    await page.fill('#name', name);
    await page.fill('#slug', `xa-${k}-${stamp}`);
    await page.fill('#bio', bios[k]);
    if (k < 3) await page.check(`input[name=avatar][value="${key}"]`);
    for (const [kind, url] of Object.entries(allowedLinks(k))) await page.fill(`#social-${kind}`, url);
    res = await submit(page, 'form.stack button[type=submit]');
    assert.equal(res.status(), 200, `author ${k}: ${await page.locator('.error').allInnerTexts()}`);
    const m = new URL(page.url()).pathname.match(/^\/admin\/authors\/(\d+)$/);
    assert.ok(m, `saved author lands on its page (${page.url()})`);
    authors.push({ id: m[1], slug: `xa-${k}-${stamp}` });
    if (k % 4 === 0) await check(null);
  }
  // Links that are not web addresses are refused, with the error shown;
  // the rest of the typed profile comes back escaped.
  const badLinks = [
    `javascript:__xss(1)`, ` JaVaScRiPt:__xss(2)`, `java\tscript:__xss(3)`, `data:text/html,<script>__xss(4)</script>`,
    `vbscript:__xss(5)`, `//example.org/__xss(6)`, `https://example.org/"onmouseover="__xss(7)`,
    `https://example.org/<script>__xss(8)</script>`, `http:/\\example.org/__xss(9)`, `&#106;avascript:__xss(10)`,
    ...GENERAL.filter((p) => !/^https?:/i.test(p.text)).slice(0, 3).map((p) => p.text),
  ];
  const kinds = ['website', 'facebook', 'instagram', 'x', 'youtube', 'mastodon', 'bluesky', 'tiktok', 'telegram', 'rss'];
  for (const [i, bad] of badLinks.entries()) {
    const a = authors[i % authors.length];
    await page.goto(`${server.base}/admin/authors/${a.id}`);
    await page.$eval('form.stack', (f) => { f.noValidate = true; });
    await page.fill(`#social-${kinds[i % kinds.length]}`, bad);
    res = await submit(page, 'form.stack button[type=submit]');
    assert.equal(res.status(), 422, `the link ${JSON.stringify(bad)} is refused`);
    assert.match(await page.locator('.error').innerText(), /link must be a web address/, `error shown for ${JSON.stringify(bad)}`);
    await check(null);
  }
  lap('authors');

  // -- Articles in payload sections, by payload authors, with tags that
  // are renamed to payloads below; one gets review notes.
  const tagsPer = Math.ceil(tagNames.length / 4);
  const articles = [];
  for (let k = 0; k < 4; k++) {
    await page.goto(server.base + '/admin/articles/new');
    const slug = `desk-xss-${k}-${stamp}`;
    await fillEditor(page, {
      headline: `Desk ${k} ${GENERAL[k].text}`,
      standfirst: `Standfirst ${k}.`,
      body: `Body ${k}.`,
      tags: Array.from({ length: tagsPer }, (_, i) => `xt${k * tagsPer + i}-${stamp}`).join(', '),
      slug,
    });
    await page.selectOption('#section', sectionIds[k].id);
    for (let s = 1; s <= 4; s++) await page.selectOption(`#author-${s}`, authors[(k * 4 + s - 1) % authors.length].id);
    res = await submit(page, 'button[name=intent][value=save]');
    assert.equal(res.status(), 200, `article ${k}: ${await page.locator('.error').allInnerTexts()}`);
    const id = new URL(page.url()).pathname.match(/^\/admin\/articles\/(\d+)\/$/)[1];
    res = await clickIntent(page, 'publish');
    assert.equal(res.status(), 200, `article ${k} published`);
    articles.push({ id, slug });
  }

  // -- Tags renamed to payloads.
  await page.goto(server.base + '/admin/tags/');
  const tagRows = await page.locator('input[id^="tag-"]').evaluateAll((is, stamp) =>
    is.filter((i) => /^xt\d+-/.test(i.value) && i.value.endsWith(stamp)).map((i) => ({ id: i.id.slice(4), name: i.value })), stamp);
  tagRows.sort((x, y) => parseInt(x.name.slice(2), 10) - parseInt(y.name.slice(2), 10));
  assert.ok(tagRows.length >= tagNames.length, `${tagRows.length} tags to rename`);
  const tagSlugs = [];
  for (const [k, name] of tagNames.entries()) {
    const { id } = tagRows[k];
    await page.fill(`#tag-${id}`, name);
    await page.fill(`#tagslug-${id}`, `xtag-${k}-${stamp}`);
    res = await submit(page, `form[action="/admin/tags/${id}"] button[type=submit]`);
    assert.equal(res.status(), 200, `tag ${k}: ${await page.locator('.error').allInnerTexts()}`);
    assert.match(await page.locator('.notice').innerText(), /^Renamed to /);
    tagSlugs.push(`xtag-${k}-${stamp}`);
    if (k % 4 === 0) await check(null);
  }
  lap('articles and tags');

  // -- Review notes: every payload, on the editor page.
  const noted = articles[0].id;
  const noteTexts = [texts(GENERAL).join('\n'), texts(MARKDOWN).join('\n'), `Resolved: ${texts(GENERAL.slice(0, 20)).join(' ')}`];
  for (const note of noteTexts) {
    assert.ok(note.length <= 5000, `note of ${note.length} characters`);
    await page.goto(`${server.base}/admin/articles/${noted}/`);
    await page.fill('#note', note);
    res = await submit(page, '.review-notes form.stack button[type=submit]');
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).searchParams.get('saved'), 'note');
  }
  await page.locator('.review-notes li.open form button').last().click();
  await page.waitForURL(/saved=resolved/);
  assert.equal(await page.locator('.review-notes li.open').count(), 2);
  assert.equal(await page.locator('.review-notes li.resolved').count(), 1);
  await check(null);
  assert.ok((await page.locator('.review-notes li .body').first().innerText()).includes(GENERAL[0].text), 'notes are shown as text');
  lap('notes');

  // -- Settings: every name and tagline in turn; the header, title,
  // OpenGraph and JSON-LD of the home page and an article after each.
  const settingsLinks = { website: `https://example.org/'onmouseover='__xss(1)'`, rss: `http://example.org/%3Cscript%3E__xss(2)` };
  for (let k = 0; k < Math.max(siteNames.length, taglines.length); k++) {
    const name = siteNames[k % siteNames.length];
    const tagline = taglines[k % taglines.length];
    await page.goto(server.base + '/admin/settings');
    await page.$eval('form.stack', (f) => { f.noValidate = true; });
    await page.fill('#name', name);
    await page.fill('#tagline', tagline);
    for (const [kind, url] of Object.entries(settingsLinks)) await page.fill(`#social-${kind}`, url);
    res = await submit(page, 'form.stack button[type=submit]');
    assert.equal(res.status(), 200, `settings ${k}: ${await page.locator('.error').allInnerTexts()}`);
    assert.equal(new URL(page.url()).search, '?saved=1');
    if (k % 4 === 0) await check(null);
    await check('/');
    assert.equal((await page.locator('header.site .masthead a').textContent()).trim(), name, 'the name is shown as text');
    assert.equal((await page.locator('header.site .tagline').textContent()).trim(), tagline, 'the tagline is shown as text');
    assert.equal(await page.locator('meta[property="og:site_name"]').getAttribute('content'), name);
    const [home] = (await jsonLdOf(page)).filter((x) => x.ok);
    assert.ok(home && home.value.name === name && home.value.description === tagline, 'JSON-LD of the home page holds name and tagline');
    await check(`/${articles[k % articles.length].slug}/`);
    assert.ok((await page.title()).endsWith(` — ${name}`), `title of the article ends with the name: ${await page.title()}`);
    const lds = (await jsonLdOf(page)).filter((x) => x.ok);
    assert.ok(lds.some((x) => x.value.publisher?.name === name), 'JSON-LD publisher is the name');
  }
  // A refused link in the settings.
  await page.goto(server.base + '/admin/settings');
  await page.$eval('form.stack', (f) => { f.noValidate = true; });
  await page.fill('#social-x', 'javascript:__xss(3)');
  res = await submit(page, 'form.stack button[type=submit]');
  assert.equal(res.status(), 422);
  assert.match(await page.locator('.error').innerText(), /link must be a web address/);
  await check(null);
  lap('settings');

  // -- Every page the values land on.
  await check('/');
  for (const a of articles) {
    await check(`/${a.slug}/`);
    assert.ok(await page.locator('ul.tags a').count() >= 1, 'the article lists its tags');
    assert.ok((await page.locator('ul.tags a').first().innerText()).startsWith('T'), 'tag names are shown as text');
    await check(`/admin/articles/${a.id}/`);
  }
  for (const s of sectionIds) {
    await check(`/section/${s.slug}/`);
    assert.match(await page.locator('main h1').innerText(), /^S\d+ /, 'the section name is the heading');
    assert.match(await page.locator('.list-head .standfirst').innerText(), /^D\d+ /, 'the description is shown as text');
  }
  for (const t of tagSlugs) await check(`/tag/${t}/`);
  for (const a of authors) {
    await check(`/author/${a.slug}/`);
    await check(`/admin/authors/${a.id}`);
  }
  await check('/admin/sections/');
  await check('/admin/tags/');
  await check('/admin/authors/');
  await check('/admin/settings');
  await check('/admin/articles/new');
  await check('/admin/articles/');
  await check('/admin/');
  const nav = await page.goto(server.base + '/').then(() => page.locator('header.site nav a').allInnerTexts());
  assert.ok(nav.find((n) => /^S\d+ /.test(n)).startsWith(`S${sectionNames.length - 1} `), `the moved section leads the payload sections in the navigation`);
  assert.ok(nav.filter((n) => /^S\d+ /.test(n)).length === sectionNames.length, 'every payload section is in the navigation');
  lap('pages');

  await context.close();
  const fired = hits.map((x) => `payload #${x.id} ran (${x.how}) on ${x.url}`);
  console.log(`XSS desk: ${sectionNames.length} sections, ${tagNames.length} tags, ${authorNames.length} authors, ` +
    `${siteNames.length} publication names, ${badLinks.length} refused links, ${noteTexts.length} notes; ${visited.size} distinct pages checked`);
  assert.deepEqual(fired, [], fired.join('\n'));
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(absent, [], `pages checked that showed no payload:\n${absent.join('\n')}`);
});

test('no XSS payload in an image\'s name, alt text, caption or credit, or in figures and embed lines, runs anywhere it is shown', async () => {
  const stamp = Date.now().toString(36);
  const link = await server.addUser(`xss-media-${stamp}@meridian.example`, 'administrator', { name: 'Mia Media' });
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const problems = watch(context);
  const hits = await installHooks(context);
  await disableAutosave(context);
  const page = await context.newPage();
  await acceptInvite(page, link);
  const findings = [];
  const absent = [];
  async function check(url, { expectPayload = true } = {}) {
    if (url) {
      const res = await page.goto(url.startsWith('http') ? url : server.base + url);
      assert.ok(res.status() < 400, `status ${res.status()} of ${url}`);
    }
    const seen = await page.evaluate(inspectPage);
    for (const f of seen.findings) findings.push(`${page.url()}: ${f}`);
    if (expectPayload && !seen.showsPayload) absent.push(page.url());
  }

  // One image per group of payloads, each payload in name, alt, caption
  // and credit (within their lengths).
  const groups = pack(GENERAL, 190, () => '').slice(0, 12);
  assert.ok(groups.length >= 8, `${groups.length} groups of payloads`);
  const keys = [];
  for (const [i, group] of groups.entries()) {
    const key = await uploadImage(page, server.base, makePng(320 + i, 200, 40 + i), `xss-${i}.png`);
    keys.push(key);
    const text = texts(group).join(' ');
    await page.goto(`${server.base}/admin/media/${key}`);
    await page.fill('#name', text);
    await page.fill('#alt', text);
    await page.fill('#caption', text);
    await page.fill('#credit', text);
    const res = await submit(page, '.media-detail form button.primary');
    assert.ok(res.status() < 400, `metadata of ${key} saved (status ${res.status()})`);
    await check(null);
  }
  await check('/admin/media/');
  await check(`/admin/media/?q=${encodeURIComponent('xss')}`, { expectPayload: false });
  await check('/admin/media/picker');
  await check(`/admin/media/${keys[0]}/delete`);

  // An article: a payload-laden image as its lead (alt and caption offered
  // from the library), the others as figures and a gallery in the body,
  // with payload captions and credits, and embed lines that are hostile.
  const figures = keys.slice(1, 4).map((k, i) => `![${texts(groups[i + 1])[0]}](/media/${k})\n${texts(groups[i + 1]).join(' ')}\n— ${texts(groups[i + 1])[1] ?? 'credit'}`);
  const gallery = `${keys.slice(4, 7).map((k) => `![x](/media/${k})`).join('\n')}\nA gallery ${texts(groups[4]).join(' ')}`;
  const embeds = [
    `https://www.youtube.com/watch?v=${encodeURIComponent('"><script>__xss(9901)</script>')}`,
    'https://www.youtube.com/watch?v=abc"onmouseover="__xss(9902)',
    'https://vimeo.com/123456"><img src=x onerror=__xss(9903)>',
    'javascript:__xss(9904)//https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    'https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?x="><svg onload=__xss(9905)>',
  ];
  const body = ['Text before.', ...figures, gallery, ...embeds, 'Text after.'].join('\n\n');
  await page.goto(server.base + '/admin/articles/new');
  const author = await firstOptionLabel(page, '#author-1');
  const id = await createArticle(page, server.base, { headline: `Figures under fire ${stamp}`, author, image: keys[0], body });
  await check(null);
  const alt = await page.inputValue('#image_alt');
  assert.ok(alt.includes('__xss('), 'the library\'s alt text was offered for the lead image');
  const published = await clickIntent(page, 'publish');
  assert.ok(published.status() < 400, 'published');
  await check(null);
  await check(`/admin/articles/${id}/preview`);
  const slug = `figures-under-fire-${stamp}`;
  await check(`/${slug}/`);
  const html = await page.content();
  assert.ok(html.includes('<figure'), 'the public page has the figures');
  assert.ok(!/<iframe/i.test(html), 'embeds are link cards, never frames');
  await context.close();
  assert.deepEqual(hits, [], `payloads ran: ${hits.join(', ')}`);
  assert.deepEqual(findings, [], findings.join('\n'));
  assert.deepEqual(absent, [], `pages that should show a payload (escaped) and did not: ${absent.join(' ')}`);
  assert.deepEqual(problems, [], problems.join('\n'));
});
