// Accessibility of every kind of public page, checked by axe-core in real
// Chromium against WCAG 2.0, 2.1 and 2.2 levels A and AA — in light and in
// dark mode, since the theme has both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';

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

/** Finds the first link on the home page whose path starts with `prefix`. */
async function firstLink(page, prefix) {
  await page.goto(server.base + '/');
  const href = await page.evaluate((p) => {
    const a = [...document.querySelectorAll('a[href]')].find((a) => new URL(a.href).pathname.startsWith(p));
    return a ? new URL(a.href).pathname : null;
  }, prefix);
  assert.ok(href, `home links to a ${prefix} page`);
  return href;
}

async function pages() {
  const page = await browser.newPage();
  const found = {
    home: '/',
    section: await firstLink(page, '/section/'),
    article: null,
    author: null,
    tag: null,
    notFound: '/this-page-does-not-exist/',
    search: '/search/?q=the',
    // The Mastodon share page: its form, and the page naming a server.
    share: '/share/mastodon/?text=The%20Meridian%20Review',
    shareConfirm: '/share/mastodon/?instance=mastodon.example&text=The%20Meridian%20Review',
  };
  // An article: the home page's lead story; from it, an author and a tag.
  found.article = await page.evaluate(() => {
    const a = [...document.querySelectorAll('main article a[href]')].find((a) => {
      const p = new URL(a.href).pathname;
      return /^\/[a-z0-9-]+\/$/.test(p);
    });
    return a ? new URL(a.href).pathname : null;
  });
  assert.ok(found.article, 'home links to an article');
  await page.goto(server.base + found.article);
  const linkTo = (prefix) => page.evaluate((p) => {
    const a = [...document.querySelectorAll(`a[href^="${p}"]`)][0];
    return a ? a.getAttribute('href') : null;
  }, prefix);
  found.author = await linkTo('/author/');
  found.tag = await linkTo('/tag/');
  assert.ok(found.author, 'the article links to its author');
  assert.ok(found.tag, 'the article links to a tag');
  await page.close();
  return found;
}

for (const scheme of ['light', 'dark']) {
  test(`no WCAG 2.2 AA violations on any page (${scheme} mode)`, async () => {
    const urls = await pages();
    // The site's CSP forbids all scripts; the test's own axe script is let in.
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const failures = [];
    for (const [name, path] of Object.entries(urls)) {
      const response = await page.goto(server.base + path);
      assert.equal(response.status(), name === 'notFound' ? 404 : 200, `${name} ${path} status`);
      failures.push(...(await axeViolations(page, `${name} ${path}`)));
      // Each page checked really is the page we meant.
      assert.equal(await page.locator('h1').count(), 1, `${name} has exactly one h1`);
    }
    await context.close();
    assert.deepEqual(failures, [], failures.join('\n'));
  });
}

test('pages are readable without JavaScript and on a phone', async () => {
  const urls = await pages();
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await page.goto(server.base + urls.article);
  const headline = await page.locator('h1').innerText();
  assert.ok(headline.length > 5, 'headline visible');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  const bodyText = await page.locator('.body').innerText();
  assert.ok(bodyText.split(/\s+/).length > 100, 'article body is readable');
  await context.close();
});

test('readers search without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.base + '/');
  await page.getByRole('link', { name: 'Search', exact: true }).first().click();
  await page.waitForURL(/\/search\/$/);
  await page.getByLabel('Search this site').fill('workers');
  await page.getByLabel('Search this site').press('Enter');
  await page.waitForURL(/\/search\/\?q=workers$/);
  const summary = await page.getByRole('status').innerText();
  assert.match(summary, /^\d+ results? for “workers”$/, summary);
  const marks = await page.locator('main mark').allInnerTexts();
  assert.ok(marks.length > 0 && marks.every((m) => /^worker/i.test(m)), `matches marked: ${marks}`);
  // Newest first is a link away, and the first result opens its article.
  await page.getByRole('link', { name: 'Newest' }).click();
  await page.waitForURL(/sort=newest/);
  const first = page.locator('main .card h2 a').first();
  const headline = await first.innerText();
  await first.click();
  assert.equal(await page.locator('h1').innerText(), headline);
  await context.close();
});

test('readers share to Mastodon without JavaScript, sent on only from the site\'s own form', async () => {
  const urls = await pages();
  const context = await browser.newContext({ javaScriptEnabled: false });
  // The reader's server, stubbed: nothing leaves the machine.
  const reached = [];
  await context.route('https://mastodon.example/**', (route) => {
    reached.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>stub</title><h1>Mastodon</h1>' });
  });
  const page = await context.newPage();
  await page.goto(server.base + urls.article);
  const headline = await page.locator('h1').innerText();
  await page.getByRole('link', { name: 'Share on Mastodon' }).first().click();
  await page.waitForURL(/\/share\/mastodon\/\?text=/);
  // The form posts back to the site (CSP form-action 'self'); the answer
  // moves on to the reader's server by itself.
  await page.getByLabel('Your Mastodon server').fill('mastodon.example');
  await page.getByRole('button', { name: 'Continue to your server' }).click();
  await page.waitForURL(/^https:\/\/mastodon\.example\/share\?text=/);
  const shared = new URL(reached.at(-1)).searchParams.get('text');
  assert.ok(shared.startsWith(headline) && shared.includes(server.base + urls.article), `shared text: ${shared}`);

  // A link from anywhere else naming a server: a page that names it and
  // waits for the reader, with no refresh.
  const response = await page.goto(server.base + '/share/mastodon/?instance=mastodon.example&text=Act%20now');
  assert.equal(response.status(), 200);
  assert.equal(response.headers()['refresh'], undefined, 'no automatic way on');
  assert.equal(new URL(page.url()).origin, server.base, 'still on the site');
  const link = page.getByRole('link', { name: 'Continue to mastodon.example' });
  assert.equal(await link.getAttribute('href'), 'https://mastodon.example/share?text=Act%20now');
  await context.close();
});

test('the axe check itself catches violations', async () => {
  // Guards the test above against passing vacuously (axe not loaded, wrong tags…).
  const page = await browser.newPage();
  await page.setContent('<html><body><main><img src="/x.png"><p style="color:#bbb;background:#fff">faint</p></main></body></html>');
  const found = await axeViolations(page, 'fixture');
  const ids = found.map((line) => line.split(' ')[1]);
  assert.ok(ids.includes('image-alt'), `found ${ids}`);
  assert.ok(ids.includes('color-contrast'), `found ${ids}`);
  assert.ok(ids.includes('html-has-lang'), `found ${ids}`);
  await page.close();
});
