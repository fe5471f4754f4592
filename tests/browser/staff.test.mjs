// Staff from invite to departure (issue 14) in real Chromium: an
// administrator invites a contributor who writes as a new author profile and
// can save at once; deactivating an account signs its open session out;
// deleting an article and restoring it from the trash; a contributor sees
// her review note on the dashboard and replies, the editor resolves the
// thread. axe-core runs on the staff page, the trash and the dashboard.
// Every page is watched for script errors, dialogs and CSP violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';
import {
  PASSWORD, watch, submit, acceptInvite, login, createArticle, fillEditor, clickIntent, stageOf, disableAutosave, firstOptionLabel,
} from './admin-helpers.mjs';

let server;
let browser;
/** The demo administrator, signed in (an administrator is an editor too). */
let admin;
const problems = [];

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
  admin = await newStaff(server.invite);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A context that axe can run in (the admin's CSP allows only its own scripts). */
async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  watch(context, problems);
  await disableAutosave(context);
  return context;
}

async function newStaff(link) {
  const context = await newContext();
  const page = await context.newPage();
  await acceptInvite(page, link);
  return { context, page };
}

async function axeClean(page, label) {
  const found = await axeViolations(page, label);
  assert.deepEqual(found, [], found.join('\n'));
}

/**
 * Invites `email` through the staff page, writing as a new author profile
 * (the form's default); resolves to the invite link shown.
 */
async function invite(email, name, role, { slug } = {}) {
  const page = admin.page;
  await page.goto(server.base + '/admin/users/');
  await page.fill('#new-email', email);
  await page.fill('#new-name', name);
  await page.selectOption('#new-role', role);
  assert.equal(await page.isChecked('input[name=writes_as][value=new]'), true, 'a new profile is the default');
  if (slug) await page.fill('#new-profile-slug', slug);
  const res = await submit(page, 'form[action$="/admin/users/"] button[type=submit]');
  assert.equal(res.status(), 200, await page.locator('.error').allInnerTexts().then((t) => t.join(' ')));
  assert.match(await page.locator('.notice').innerText(), new RegExp(`Invited ${email.replace('.', '\\.')} as ${role}`));
  return page.locator('input.link-out').inputValue();
}

test('an invited contributor writes as her new profile and saves at once', async () => {
  const stamp = Date.now().toString(36);
  const link = await invite(`cora-${stamp}@meridian.example`, `Cora Ames ${stamp}`, 'contributor');
  await axeClean(admin.page, 'staff page with an invite link');
  const cora = await newStaff(link);
  await cora.page.goto(server.base + '/admin/articles/new');
  assert.equal(await cora.page.locator('#author-1 option:checked').innerText(), `Cora Ames ${stamp}`, 'her new profile is on the byline');
  const id = await createArticle(cora.page, server.base, { headline: `Cora's first piece ${stamp}`, body: 'Words from the gate.' });
  assert.equal(await stageOf(cora.page), 'Draft');
  await fillEditor(cora.page, { standfirst: 'And a second save.' });
  const again = await clickIntent(cora.page, 'save');
  assert.equal(again.status(), 200);
  assert.equal(await cora.page.locator('.notice').innerText(), 'Saved.');
  assert.ok(id > 0);
  // The staff page shows the profile she writes as.
  await admin.page.goto(server.base + '/admin/users/');
  const row = admin.page.locator('tr', { hasText: `cora-${stamp}@meridian.example` });
  assert.equal(await row.locator('select[name=author] option:checked').innerText(), `Cora Ames ${stamp}`);
  await cora.context.close();
  assert.deepEqual(problems, []);
});

test('deactivating an account signs its open session out; reactivating lets it back in', async () => {
  const stamp = Date.now().toString(36);
  const email = `dora-${stamp}@meridian.example`;
  const link = await invite(email, `Dora Lind ${stamp}`, 'editor');
  const dora = await newStaff(link);
  assert.equal((await dora.page.goto(server.base + '/admin/articles/')).status(), 200);

  await admin.page.goto(server.base + '/admin/users/');
  const row = admin.page.locator('tr', { hasText: email });
  await submit(admin.page, row.locator('button', { hasText: 'Deactivate' }));
  assert.match(await admin.page.locator('.notice').innerText(), /signed out everywhere.*address stays taken/s);
  assert.equal(await admin.page.locator('tr', { hasText: email }).locator('td strong', { hasText: 'deactivated' }).count(), 1);
  await axeClean(admin.page, 'staff page with a deactivated account');

  // Her open session, in the other browser: signed out at the next request.
  await dora.page.goto(server.base + '/admin/articles/');
  assert.equal(new URL(dora.page.url()).pathname, '/admin/login', 'sent to sign in');
  const refused = await login(dora.page, server.base, email, PASSWORD);
  assert.equal(refused.status(), 403);
  assert.match(await dora.page.locator('.error').innerText(), /deactivated/);

  await admin.page.goto(server.base + '/admin/users/');
  await submit(admin.page, admin.page.locator('tr', { hasText: email }).locator('button', { hasText: 'Reactivate' }));
  assert.match(await admin.page.locator('.notice').innerText(), /active again/);
  const back = await login(dora.page, server.base, email, PASSWORD);
  assert.equal(back.status(), 200);
  assert.equal(new URL(dora.page.url()).pathname, '/admin/');
  await dora.context.close();
  assert.deepEqual(problems, []);
});

test('an editor deletes a published article and restores it from the trash', async () => {
  const page = admin.page;
  const stamp = Date.now().toString(36);
  const slug = `trash-me-${stamp}`;
  const headline = `An article for the trash ${stamp}`;
  // The demo administrator writes as no profile: a byline is chosen.
  await page.goto(server.base + '/admin/articles/new');
  const author = await firstOptionLabel(page, '#author-1');
  const id = await createArticle(page, server.base, { headline, body: 'Short-lived.', slug, author });
  const published = await clickIntent(page, 'publish');
  assert.equal(published.status(), 200);
  assert.equal(await stageOf(page), 'Published');
  const reader = await browser.newContext();
  const readerPage = await reader.newPage();
  assert.equal((await readerPage.goto(`${server.base}/${slug}/`)).status(), 200);

  const trashed = await submit(page, '#trash button[type=submit]');
  assert.equal(trashed.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/admin/trash/');
  assert.match(await page.locator('.notice').innerText(), /Moved to the trash/);
  const row = page.locator(`#trashed-${id}`);
  assert.match(await row.innerText(), new RegExp(headline));
  await axeClean(page, 'trash');
  // Asked afresh (a browser may keep its own copy for the page's max-age):
  // the server answers 404 at once, its cache purged.
  const status = (await readerPage.request.get(`${server.base}/${slug}/`)).status();
  assert.equal(status, 404, 'its URL answers 404 at once');
  await page.goto(server.base + '/admin/articles/');
  assert.equal(await page.locator('a', { hasText: headline }).count(), 0, 'not among the articles');

  await page.goto(server.base + '/admin/trash/');
  await submit(page, page.locator(`#trashed-${id} button`, { hasText: 'Restore' }));
  assert.equal(new URL(page.url()).pathname, `/admin/articles/${id}/`);
  assert.equal(await page.locator('.notice').innerText(), 'Restored from the trash, as a draft.');
  assert.equal(await stageOf(page), 'Unpublished');
  assert.equal(await page.inputValue('#headline'), headline);
  await page.goto(`${server.base}/admin/articles/${id}/revisions/`);
  assert.ok(await page.locator('main li, main tr').count() > 0, 'its revisions are kept');
  await reader.close();
  assert.deepEqual(problems, []);
});

test('a contributor sees her review note on the dashboard and replies; the editor resolves the thread', async () => {
  const stamp = Date.now().toString(36);
  const link = await invite(`eli-${stamp}@meridian.example`, `Eli Noor ${stamp}`, 'contributor');
  const eli = await newStaff(link);
  const headline = `Notes from the harbour ${stamp}`;
  const id = await createArticle(eli.page, server.base, { headline, body: 'A draft.' });

  const page = admin.page;
  await page.goto(`${server.base}/admin/articles/${id}/`);
  await page.fill('#note', 'Where does the 40% figure come from?');
  await submit(page, 'form[action$="/notes"] button[type=submit]');
  assert.equal(await page.locator('.notice').innerText(), 'Review note added.');

  await eli.page.goto(server.base + '/admin/');
  const waiting = eli.page.locator('.notes-waiting');
  assert.equal(await waiting.locator('h2').innerText(), 'You have 1 open review note');
  await axeClean(eli.page, 'dashboard with a review note');
  await submit(eli.page, waiting.locator('a', { hasText: headline }));
  assert.equal(new URL(eli.page.url()).pathname, `/admin/articles/${id}/`);
  const reply = eli.page.locator('textarea[name=reply]');
  await reply.fill('The port authority\'s 2025 report, page 12.');
  await submit(eli.page, eli.page.locator('button[form^="reply-form-"]'));
  assert.equal(await eli.page.locator('.notice').innerText(), 'Reply added to the review note.');
  assert.match(await eli.page.locator('.notes .replies').innerText(), /port authority's 2025 report/);
  assert.equal(await eli.page.locator('form[action$="/resolve"]').count(), 0, 'contributors do not resolve');

  await page.goto(`${server.base}/admin/articles/${id}/`);
  assert.match(await page.locator('.notes .replies').innerText(), /port authority/);
  await submit(page, page.locator('form[action$="/resolve"] button[type=submit]'));
  assert.equal(await page.locator('.notice').innerText(), 'Review note resolved.');
  assert.equal(await page.locator('#notes-title').innerText(), 'Review notes (0 open; staff only)');

  await eli.page.goto(server.base + '/admin/');
  assert.equal(await eli.page.locator('.notes-waiting').count(), 0, 'nothing waits any more');
  await axeClean(eli.page, 'dashboard');
  await eli.context.close();
  assert.deepEqual(problems, []);
});
