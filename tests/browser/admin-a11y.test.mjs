// axe-core on every page of the newsroom admin, found by walking it: an
// administrator signs in and follows every link under /admin/ (one page of
// each shape: /admin/articles/12/ stands for every article), so a page added
// later is checked without anyone listing it here. A second walk does the
// same as a contributor, whose pages differ (dashboard, own articles).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';
import { acceptInvite, watch } from './admin-helpers.mjs';

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

/** Never followed: they act rather than show (GET logout, previews open the public theme). */
const SKIP = [/^\/admin\/logout/, /^\/preview\//, /\/preview$/, /^\/admin\/assets\//];

/** The path's shape: numbers and media keys stand for any of them. */
function shape(path) {
  return path
    .replace(/\/\d+(?=\/|$)/g, '/N')
    .replace(/\/[0-9a-f]{16}\.[a-z0-9]+(?=\/|$)/g, '/KEY')
    .replace(/\/page\/N/g, '/page/N');
}

/**
 * Walks the admin breadth first from `starts`. Resolves to
 * { visited: [paths], failures: [lines] }.
 */
async function walk(page, starts = ['/admin/'], limit = 120) {
  const queue = [...starts];
  const from = new Map();
  const seen = new Set(starts.map(shape));
  const visited = [];
  const failures = [];
  while (queue.length > 0 && visited.length < limit) {
    const path = queue.shift();
    const response = await page.goto(server.base + path);
    const status = response.status();
    if (status !== 200) {
      failures.push(`${path} (linked from ${from.get(path)}): status ${status}`);
      continue;
    }
    visited.push(path);
    failures.push(...(await axeViolations(page, path)));
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a[href]')]
        .map((a) => new URL(a.href))
        .filter((u) => u.origin === location.origin)
        .map((u) => u.pathname + u.search),
    );
    for (const link of links) {
      const pathname = link.split('?')[0];
      if (!pathname.startsWith('/admin/') || SKIP.some((re) => re.test(pathname))) continue;
      // Query strings make variants of a page (filters, pagination): one of
      // each parameter set is enough.
      const key = shape(pathname) + (link.includes('?') ? '?' + [...new URLSearchParams(link.split('?')[1]).keys()].sort().join('&') : '');
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(link);
      from.set(link, path);
    }
  }
  return { visited, failures };
}

test('every admin page an administrator reaches has no WCAG 2.2 AA violations', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const problems = watch(context);
  const page = await context.newPage();
  assert.ok(server.invite, 'the demo printed its administrator invite');
  await acceptInvite(page, server.invite);
  // One article saved twice has revisions to list, open and compare.
  await page.goto(server.base + '/admin/articles/?stage=published');
  await page.locator('main table a').first().click();
  for (const word of ['once', 'twice']) {
    await page.waitForSelector('#standfirst');
    await page.fill('#standfirst', `Saved ${word} for the accessibility walk.`);
    await Promise.all([page.waitForNavigation(), page.click('button[name=intent][value=save]')]);
  }
  // Its editor first, so it stands for every article's pages.
  const saved = new URL(page.url()).pathname;
  const { visited, failures } = await walk(page, [saved, '/admin/']);
  t.diagnostic(`${visited.length} pages checked: ${visited.join(' ')}${failures.length ? ' — first failure: ' + failures[0] : ''}`);
  await context.close();
  // The walk really went everywhere: every part of the admin's navigation
  // and the pages behind an article.
  for (const expected of [
    '/admin/', '/admin/articles/', '/admin/media/', '/admin/users/', '/admin/sections/',
    '/admin/tags/', '/admin/authors/', '/admin/settings', '/admin/translations/', '/admin/account',
  ]) {
    assert.ok(visited.includes(expected), `the walk reached ${expected} (visited: ${visited.join(' ')})`);
  }
  for (const pattern of [/^\/admin\/articles\/\d+\/$/, /^\/admin\/articles\/\d+\/revisions\/$/, /^\/admin\/authors\/\d+$/, /^\/admin\/articles\/new$/, /^\/admin\/articles\/\d+\/revisions\/\d+/]) {
    assert.ok(visited.some((p) => pattern.test(p)), `the walk reached a page like ${pattern}`);
  }
  assert.ok(visited.length >= 15, `at least 15 admin pages checked, got ${visited.length}`);
  assert.deepEqual(failures, [], failures.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('every admin page a contributor reaches has no WCAG 2.2 AA violations', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const problems = watch(context);
  const page = await context.newPage();
  await acceptInvite(page, await server.addUser('carla.contrib@meridian.example', 'contributor', { name: 'Carla Contrib', author: 'ana-ribeiro' }));
  const { visited, failures } = await walk(page);
  t.diagnostic(`${visited.length} pages checked: ${visited.join(' ')}${failures.length ? ' — first failure: ' + failures[0] : ''}`);
  await context.close();
  assert.ok(visited.includes('/admin/'), 'the dashboard was checked');
  assert.ok(visited.includes('/admin/articles/new'), 'the editor was checked');
  assert.ok(!visited.includes('/admin/users/'), 'a contributor is not offered the staff page');
  assert.deepEqual(failures, [], failures.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
});
