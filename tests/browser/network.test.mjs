// The demo network in a real browser: from an English article to its German
// translation and back through the "Also in" links, and axe-core on the
// sister publications' pages (German and Spanish words, other `lang`).
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

/** Paths of the links in `main` that point at the same origin and match `re`. */
async function linksIn(page, re) {
  const paths = await page.evaluate(() =>
    [...document.querySelectorAll('main a[href]')]
      .map((a) => new URL(a.href, document.baseURI))
      .filter((u) => u.origin === location.origin)
      .map((u) => u.pathname));
  return [...new Set(paths.filter((p) => re.test(p)))];
}

/** The first English article of the home page that has a German translation. */
async function translatedArticle(page) {
  await page.goto(server.base + '/');
  for (const path of await linksIn(page, /^\/[a-z0-9-]+\/$/)) {
    if (path === '/de/' || path === '/es/') continue;
    await page.goto(server.base + path);
    if (await page.locator('.also-in a[hreflang="de"]').count()) return path;
  }
  // Not on the home page: the network links at least ten, so a section has one.
  for (const section of await linksIn(page, /^\/section\/[a-z0-9-]+\/$/)) {
    await page.goto(server.base + section);
    for (const path of await linksIn(page, /^\/[a-z0-9-]+\/$/)) {
      await page.goto(server.base + path);
      if (await page.locator('.also-in a[hreflang="de"]').count()) return path;
    }
  }
  return null;
}

test('a reader goes from an English article to its German translation and back', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const english = await translatedArticle(page);
  assert.ok(english, 'an English article links to a German translation');
  await page.goto(server.base + english);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const headline = await page.locator('h1').innerText();

  // The head names every translation, absolute, plus x-default.
  const alternates = await page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('link[rel="alternate"][hreflang]')]
      .map((l) => [l.hreflang, l.href])));
  assert.equal(alternates.en, server.base + english, 'hreflang en is this page');
  assert.ok(alternates.de?.startsWith(server.base + '/de/'), `hreflang de: ${alternates.de}`);
  assert.ok(alternates['x-default'], 'x-default present');

  const toGerman = page.locator('.also-in a[hreflang="de"]').first();
  assert.equal((await toGerman.innerText()).trim(), 'Deutsch', 'the language is named in itself');
  await toGerman.click();
  await page.waitForURL((u) => u.pathname.startsWith('/de/'));
  assert.equal(page.url(), alternates.de, 'the link and the hreflang agree');
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  const german = await page.locator('h1').innerText();
  assert.notEqual(german, headline, 'the German page has its own headline');
  // German words and a German date on the German page.
  const text = await page.locator('main').innerText();
  assert.match(text, /Auch auf|Auch in|Auch verfügbar/i, 'the "Also in" line is in German');
  assert.match(text, /\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}/,
    'a German long date');

  const toEnglish = page.locator('.also-in a[hreflang="en"]').first();
  assert.equal((await toEnglish.innerText()).trim(), 'English');
  await toEnglish.click();
  await page.waitForURL((u) => u.pathname === english);
  assert.equal(await page.locator('h1').innerText(), headline, 'back on the English original');
  await context.close();
});

/** Pages of a sister publication found from its home page: home, an article, a section, an author, search, 404. */
async function sisterPages(page, prefix) {
  await page.goto(server.base + prefix);
  const esc = prefix.replace(/\//g, '\\/');
  const article = (await linksIn(page, new RegExp(`^${esc}[a-z0-9-]+\\/$`)))[0];
  const section = (await linksIn(page, new RegExp(`^${esc}section\\/[a-z0-9-]+\\/$`)))[0];
  assert.ok(article, `${prefix} home links to an article`);
  assert.ok(section, `${prefix} home links to a section`);
  await page.goto(server.base + article);
  const author = (await linksIn(page, new RegExp(`^${esc}author\\/[a-z0-9-]+\\/$`)))[0];
  assert.ok(author, `${prefix} article links to its author`);
  return {
    home: prefix,
    article,
    section,
    author,
    search: `${prefix}search/?q=a`,
    notFound: `${prefix}diese-seite-gibt-es-nicht/`,
  };
}

for (const [lang, prefix] of [['de', '/de/'], ['es', '/es/']]) {
  test(`no WCAG 2.2 AA violations on the ${lang} publication's pages`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const urls = await sisterPages(page, prefix);
    const failures = [];
    for (const [name, path] of Object.entries(urls)) {
      const response = await page.goto(server.base + path);
      assert.equal(response.status(), name === 'notFound' ? 404 : 200, `${name} ${path} status`);
      assert.equal(await page.getAttribute('html', 'lang'), lang, `${name} ${path} is in ${lang}`);
      failures.push(...(await axeViolations(page, `${name} ${path}`)));
      assert.equal(await page.locator('h1').count(), 1, `${name} has exactly one h1`);
    }
    await context.close();
    assert.deepEqual(failures, [], failures.join('\n'));
  });
}
