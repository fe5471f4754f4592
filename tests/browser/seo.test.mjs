// SEO, social and custom fields in real Chromium (issue 14): an
// administrator defines "Translated by" (text) and "Content warning"
// (choice) under Settings; an editor fills them and the SEO fields, sees
// the search and social preview follow the typing, saves and publishes;
// the public page shows the fields and the overridden title, description,
// OpenGraph and canonical. Every new field also gets XSS payloads, and no
// page that shows them runs one or holds active markup; axe-core checks
// the new admin page, the editor with the panel open and the article.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';
import { watch, submit, acceptInvite, createArticle, clickIntent, firstOptionLabel, disableAutosave } from './admin-helpers.mjs';
import { PAYLOADS, installHooks, inspectPage } from './xss-payloads.mjs';

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

// Short payloads without line breaks fit every field (labels: 100
// characters, options: one line each).
const SHORT = PAYLOADS.filter((p) => p.kind === 'general' && p.text.length <= 90 && p.text === p.text.trim() && !/\s{2,}|[\t\r\n]/.test(p.text));
const pick = (i) => SHORT[i % SHORT.length].text;

test('custom fields and SEO fields: defined, filled, previewed, published, escaped', async () => {
  assert.ok(SHORT.length >= 12, `${SHORT.length} short payloads`);
  const stamp = Date.now().toString(36);
  const problems = [];
  // The admin side: its own account, CSP bypassed so the scans and axe run.
  const adminLink = await server.addUser(`seo-admin-${stamp}@meridian.example`, 'administrator', { name: 'Seo Admin' });
  const admin = await browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 900 } });
  watch(admin, problems);
  const adminHits = await installHooks(admin);
  const a = await admin.newPage();
  await acceptInvite(a, adminLink);

  // Settings links to the custom fields page.
  await a.goto(server.base + '/admin/settings');
  await submit(a, 'a[href$="/admin/settings/fields/"]');
  assert.equal(new URL(a.url()).pathname, '/admin/settings/fields/');
  assert.deepEqual(await axeViolations(a, 'fields page (empty)'), []);

  async function define({ label, key, kind, options = '', help = '' }) {
    await a.goto(server.base + '/admin/settings/fields/');
    await a.fill('#new-label', label);
    await a.fill('#new-key', key);
    await a.selectOption('#new-kind', kind);
    await a.fill('#new-options', options);
    await a.fill('#new-help', help);
    const res = await submit(a, 'form[aria-labelledby=new-field-h] button[type=submit]');
    assert.equal(res.status(), 200, `field ${key} defined`);
    assert.match(await a.locator('.notice').innerText(), /Field added/);
  }
  await define({ label: 'Translated by', key: 'translated-by', kind: 'text', help: 'The translator, as credited' });
  await define({ label: 'Content warning', key: 'content-warning', kind: 'choice', options: `Violence\nGrief\n${pick(1)}` });
  // A label and help text that are payloads themselves.
  await define({ label: `Note ${pick(2)}`, key: 'note', kind: 'text', help: pick(3) });
  await define({ label: 'Originally published in', key: 'source', kind: 'url' });
  // A bad key is refused with the reason.
  await a.goto(server.base + '/admin/settings/fields/');
  await a.fill('#new-label', 'Bad');
  await a.$eval('#new-key', (el) => el.removeAttribute('pattern'));
  await a.fill('#new-key', 'Bad Key');
  const refused = await submit(a, 'form[aria-labelledby=new-field-h] button[type=submit]');
  assert.equal(refused.status(), 422);
  assert.match(await a.locator('.error').innerText(), /lowercase letters/);
  const defined = await a.locator('section.field-def h2').allInnerTexts();
  assert.equal(defined.length, 4, defined.join(' | '));
  assert.deepEqual((await a.evaluate(inspectPage)).findings, [], 'fields page holds no active markup');
  assert.deepEqual(await axeViolations(a, 'fields page'), []);

  // The editor side.
  const editorLink = await server.addUser(`seo-editor-${stamp}@meridian.example`, 'editor', { name: 'Seo Editor' });
  const ed = await browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 900 } });
  watch(ed, problems);
  const edHits = await installHooks(ed);
  await disableAutosave(ed);
  const e = await ed.newPage();
  await acceptInvite(e, editorLink);
  await e.goto(server.base + '/admin/articles/new');
  const author = await firstOptionLabel(e, '#author-1');
  const headline = `Harbour notes ${stamp}`;
  const id = await createArticle(e, server.base, { headline, author, standfirst: 'A standfirst that stands in.', body: 'Text.' });

  // The panel, collapsed until opened; the preview starts from the fallbacks.
  assert.equal(await e.$eval('details#seo', (d) => d.open), false, 'collapsed while nothing is set');
  await e.click('details#seo > summary');
  assert.equal(await e.locator('#serp-title').innerText(), `${headline} — The Meridian Review`);
  assert.equal(await e.locator('#serp-description').innerText(), 'A standfirst that stands in.');
  assert.match(await e.locator('#serp-url').innerText(), new RegExp(`/harbour-notes-${stamp}/$`));

  // It follows the typing: titles, the cut description, the card.
  await e.fill('#seo_meta_title', 'The harbour, seen from the cranes: a long look at who works there and why');
  assert.equal(await e.locator('#serp-title').innerText(), 'The harbour, seen from the cranes: a long look at who works…');
  assert.match(await e.locator('#serp-cut').innerText(), /title is cut after about 60 characters/);
  await e.fill('#seo_meta_description', 'word '.repeat(40).trim());
  const description = await e.locator('#serp-description').innerText();
  assert.ok(description.endsWith('…') && [...description].length <= 155, description);
  assert.match(await e.locator('#serp-cut').innerText(), /description is cut after about 155/);
  await e.fill('#seo_social_title', 'On the cranes');
  assert.equal(await e.locator('#card-title').innerText(), 'On the cranes');
  await e.fill('#seo_social_description', 'Who works the harbour.');
  assert.equal(await e.locator('#card-description').innerText(), 'Who works the harbour.');

  // A canonical URL that is not absolute http(s) is refused with the reason; nothing saved.
  await e.fill('#seo_canonical_url', 'javascript:__xss(999)');
  await e.$eval('#editor', (f) => { f.noValidate = true; });
  const bad = await clickIntent(e, 'save');
  assert.equal(bad.status(), 422);
  assert.match(await e.locator('div.error').innerText(), /canonical URL must be an absolute http/);
  assert.equal(await e.inputValue('#seo_canonical_url'), 'javascript:__xss(999)', 'kept in the form');
  // A URL field the same.
  await e.fill('#seo_canonical_url', 'https://elsewhere.example/harbour');
  await e.fill('#field_source', 'javascript:__xss(998)');
  const bad2 = await clickIntent(e, 'save');
  assert.equal(bad2.status(), 422);
  assert.match(await e.locator('div.error').innerText(), /Originally published in: the address must be an absolute/);

  await e.fill('#field_source', 'https://elsewhere.example/harbour');
  await e.fill('#field_translated-by', 'María López');
  await e.selectOption('#field_content-warning', 'Grief');
  await e.fill('#field_note', pick(4));
  const saved = await clickIntent(e, 'save');
  assert.equal(saved.status(), 200);
  assert.equal(new URL(e.url()).searchParams.get('saved'), 'saved', await e.locator('.error').allInnerTexts().then(String));
  // Saved values come back, and the preview is rendered by the server.
  assert.equal(await e.inputValue('#field_translated-by'), 'María López');
  assert.equal(await e.inputValue('#seo_social_title'), 'On the cranes');
  assert.equal(await e.locator('#serp-url').innerText(), 'https://elsewhere.example/harbour');
  const published = await clickIntent(e, 'publish');
  assert.equal(published.status(), 200);

  // The public page.
  const reader = await browser.newContext({ bypassCSP: true });
  const readerHits = await installHooks(reader);
  const r = await reader.newPage();
  const res = await r.goto(`${server.base}/harbour-notes-${stamp}/`);
  assert.equal(res.status(), 200);
  assert.equal(await r.title(), 'The harbour, seen from the cranes: a long look at who works there and why');
  assert.equal(await r.getAttribute('link[rel=canonical]', 'href'), 'https://elsewhere.example/harbour');
  assert.equal(await r.getAttribute('meta[property="og:title"]', 'content'), 'On the cranes');
  assert.equal(await r.getAttribute('meta[property="og:description"]', 'content'), 'Who works the harbour.');
  assert.equal(await r.getAttribute('meta[name=description]', 'content'), 'word '.repeat(40).trim());
  const ld = JSON.parse(await r.locator('script[type="application/ld+json"]').textContent());
  assert.equal(ld.url, 'https://elsewhere.example/harbour');
  const terms = await r.locator('dl.fields dt').allInnerTexts();
  const values = await r.locator('dl.fields dd').allInnerTexts();
  assert.deepEqual(terms, ['Translated by', 'Content warning', `Note ${pick(2)}`, 'Originally published in']);
  assert.deepEqual(values, ['María López', 'Grief', pick(4), 'https://elsewhere.example/harbour']);
  assert.equal(await r.getAttribute('dl.fields a', 'href'), 'https://elsewhere.example/harbour');
  assert.deepEqual((await r.evaluate(inspectPage)).findings, []);
  assert.deepEqual(await axeViolations(r, 'article with custom fields'), []);

  // Payloads in every SEO field and the choice option: saved, shown
  // escaped in the editor, its preview and the page; none runs.
  await e.$eval('details#seo', (d) => { d.open = true; });
  await e.fill('#seo_meta_title', pick(5));
  await e.fill('#seo_meta_description', pick(6));
  await e.fill('#seo_social_title', pick(7));
  await e.fill('#seo_social_description', pick(8));
  await e.fill('#field_translated-by', pick(9));
  await e.selectOption('#field_content-warning', pick(1));
  const updated = await clickIntent(e, 'save');
  assert.equal(updated.status(), 200);
  assert.equal(new URL(e.url()).searchParams.get('saved'), 'saved', await e.locator('.error').allInnerTexts().then(String));
  await e.$eval('details#seo', (d) => { d.open = true; });
  assert.deepEqual((await e.evaluate(inspectPage)).findings, [], 'editor holds no active markup');
  assert.deepEqual(await axeViolations(e, 'editor with the SEO panel open'), []);
  await e.goto(`${server.base}/admin/articles/${id}/revisions/`);
  assert.deepEqual((await e.evaluate(inspectPage)).findings, []);

  // A query string the site ignores, so the browser's own cache (public
  // pages may be kept a while) does not answer for the server's.
  await r.goto(`${server.base}/harbour-notes-${stamp}/?after=update`);
  assert.equal(await r.title(), pick(5));
  assert.equal(await r.getAttribute('meta[property="og:title"]', 'content'), pick(7));
  assert.deepEqual(await r.locator('dl.fields dd').allInnerTexts(), [pick(9), pick(1), pick(4), 'https://elsewhere.example/harbour']);
  assert.deepEqual((await r.evaluate(inspectPage)).findings, []);
  await a.goto(server.base + '/admin/settings/fields/');
  assert.deepEqual((await a.evaluate(inspectPage)).findings, []);

  assert.deepEqual([...adminHits, ...edHits, ...readerHits], [], 'no payload ran');
  assert.deepEqual(problems.filter((p) => !/autosave/i.test(p)), [], problems.join('\n'));
  await reader.close();
  await ed.close();
  await admin.close();
});
