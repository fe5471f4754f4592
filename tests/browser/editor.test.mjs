// The rich Markdown editor (crates/prensa-web/editor/, served as
// /admin/assets/editor.js) in real Chromium: an article written with the
// keyboard alone and saved with Ctrl+S, stored as the Markdown it shows;
// Google Docs and Word clipboards cleaned on paste; the Markdown toggle;
// Publish a few key presses from the top; the page with the editor loaded
// clean for axe-core and free of CSP and script errors; and without
// JavaScript the textarea still is the editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, axeViolations } from './harness.mjs';
import { watch, staffContext, disableAutosave, createArticle, firstOptionLabel } from './admin-helpers.mjs';

let server;
let browser;
let writer;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
  writer = await server.addUser('kim.keys@meridian.example', 'editor', { name: 'Kim Keys', author: 'marek-duda' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every console error on the page, not only CSP reports. */
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
  // The Markdown mode is remembered per browser; these tests start rich.
  if (await page.locator('.mode-toggle[aria-pressed=true]').count()) await page.click('.mode-toggle');
  await page.locator('.rich-editor .ProseMirror').waitFor();
}

const stats = (page) => page.locator('.word-count').first().innerText();

let contextOf = null;
async function signedIn(problems) {
  if (!contextOf) {
    const staff = await staffContext(browser, writer, { problems });
    await disableAutosave(staff.context);
    contextOf = staff;
  }
  const page = await contextOf.context.newPage();
  return page;
}

test('an article written with the keyboard only is saved with Ctrl+S as Markdown', async () => {
  const problems = [];
  const page = await signedIn(problems);
  const errors = consoleErrors(page);
  await page.goto(server.base + '/admin/articles/new');
  await editorReady(page);
  assert.equal(await page.locator('#body').isHidden(), true, 'the textarea gives way to the rich editor');

  const stamp = Date.now().toString(36);
  await page.locator('#headline').focus();
  await page.keyboard.type(`Keys only ${stamp}`);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Written without a mouse.');
  // Standfirst → the toolbar (one tab stop) → the text.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('[role=toolbar]') !== null), true, 'the toolbar is next');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'H3 subheading', 'arrows move along the toolbar');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ProseMirror')), true, 'then the text');

  await page.keyboard.press('Control+Alt+1');
  await page.keyboard.type('Why it matters');
  assert.equal(await page.locator('[aria-label="H2 heading"]').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Some ');
  await page.keyboard.press('Control+b');
  await page.keyboard.type('bold');
  assert.equal(await page.locator('[aria-label="Bold"]').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('Control+b');
  await page.keyboard.type(' words.');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Shift+8');
  await page.keyboard.type('first');
  await page.keyboard.press('Enter');
  await page.keyboard.type('second');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Read the report');
  for (let i = 0; i < 'the report'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Control+k');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rich-editor-link', 'Ctrl+K asks for the address');
  await page.keyboard.type('https://example.com/report');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ProseMirror')), true, 'back in the text');
  await page.keyboard.press('End');
  await page.keyboard.type('.');

  const expected = '## Why it matters\n\nSome **bold** words.\n\n- first\n- second\n\nRead [the report](https://example.com/report).\n';
  assert.equal(await page.inputValue('#body'), expected, 'the form field holds the Markdown');
  assert.equal(await stats(page), '11 words · 1 min read');

  // The byline, by keyboard too: the first real option.
  // (Kim writes as Marek Duda, who is already chosen; else the first one.)
  await page.locator('#author-1').focus();
  if ((await page.locator('#author-1').inputValue()) === '') await page.keyboard.press('ArrowDown');
  assert.notEqual(await page.locator('#author-1').inputValue(), '', 'a byline');
  // The section has no default (issue 14): chosen by keyboard as well.
  await page.locator('#section').focus();
  assert.equal(await page.locator('#section').inputValue(), '', 'no section until one is chosen');
  await page.keyboard.press('ArrowDown');
  assert.notEqual(await page.locator('#section').inputValue(), '', 'a section');

  // Ctrl+S from the text: the form's save intent.
  await page.locator('.ProseMirror').focus();
  await Promise.all([page.waitForURL(/\/admin\/articles\/\d+\/\?saved=created$/), page.keyboard.press('Control+s')]);
  assert.equal(await page.locator('.notice').count(), 1, 'saved, and told so');
  await page.reload();
  await editorReady(page);
  assert.equal(await page.inputValue('#body'), expected, 'stored exactly as shown');
  assert.equal(await page.locator('.ProseMirror h2').innerText(), 'Why it matters');
  assert.equal(await page.locator('.ProseMirror strong').innerText(), 'bold');
  assert.deepEqual(await page.locator('.ProseMirror ul li').allInnerTexts(), ['first', 'second']);
  assert.equal(await page.locator('.ProseMirror a').getAttribute('href'), 'https://example.com/report');

  // Ctrl+S from another field saves as well, and a change reaches the server.
  await page.locator('.ProseMirror p').first().click();
  await page.keyboard.press('End');
  await page.keyboard.type(' Edited.');
  await page.locator('#standfirst').focus();
  await Promise.all([page.waitForURL(/saved=/), page.keyboard.press('Control+s')]);
  assert.match(await page.inputValue('#body'), /Some \*\*bold\*\* words\. Edited\.\n/);

  assert.deepEqual(errors, [], errors.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
  await page.close();
});

test('pasting from Google Docs and Word keeps the formatting and drops the junk', async () => {
  const problems = [];
  const page = await signedIn(problems);
  const errors = consoleErrors(page);
  await page.goto(server.base + '/admin/articles/new');
  await editorReady(page);
  await page.locator('.ProseMirror').focus();

  const paste = (html, text) => page.evaluate(([html, text]) => {
    const data = new DataTransfer();
    data.setData('text/html', html);
    data.setData('text/plain', text);
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    document.querySelector('.ProseMirror').dispatchEvent(event);
    return event.defaultPrevented;
  }, [html, text]);

  const docs = '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-5b1c7e2a-7fff-4d2e">' +
    '<h2 dir="ltr" style="line-height:1.38;margin-top:18pt"><span style="font-size:16pt;font-family:Arial;color:#000000;font-weight:400">From the document</span></h2>' +
    '<p dir="ltr" style="line-height:1.38"><span style="font-family:Arial;font-weight:700">Bold</span><span style="font-family:Arial;font-weight:400">&nbsp;and </span>' +
    '<span style="font-family:Arial;font-weight:400;font-style:italic">italic</span><span style="font-weight:400"> with a </span>' +
    '<a href="https://example.com/docs" style="text-decoration:none"><span style="color:#1155cc;text-decoration:underline">link</span></a></p>' +
    '<ul style="margin-top:0"><li dir="ltr" style="list-style-type:disc"><p dir="ltr" role="presentation"><span>one</span></p></li>' +
    '<li dir="ltr"><p dir="ltr" role="presentation"><span>two</span></p></li></ul>' +
    '<p><img src="https://lh7-us.googleusercontent.com/abc" width="100" height="50"></p></b><br class="Apple-interchange-newline">';
  assert.equal(await paste(docs, 'From the document\nBold and italic with a link\none\ntwo'), true, 'the editor took the paste');

  const word = '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body>' +
    '<!--StartFragment--><p class=MsoNormal>Word <b>strong</b> text<o:p></o:p></p>' +
    "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Alpha<o:p></o:p></p>" +
    "<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Beta<o:p></o:p></p>" +
    "<p class=MsoNormal>Numbers:<o:p></o:p></p>" +
    "<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><span style='mso-list:Ignore'>1.<span>&nbsp;&nbsp; </span></span>Uno<o:p></o:p></p>" +
    '<script>window.pwned = true</script><!--EndFragment--></body></html>';
  assert.equal(await paste(word, 'Word strong text\nAlpha\nBeta\nNumbers:\nUno'), true);

  const body = await page.inputValue('#body');
  assert.equal(body,
    '## From the document\n\n**Bold** and *italic* with a [link](https://example.com/docs)\n\n- one\n- two\n\n' +
    'Word **strong** text\n\n- Alpha\n- Beta\n\nNumbers:\n\n1. Uno\n');
  assert.doesNotMatch(body, /docs-internal|googleusercontent|mso|o:p|pwned/);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator('.ProseMirror b, .ProseMirror span[style], .ProseMirror img').count(), 0, 'no junk markup in the text');

  // Plain text is read as Markdown; the result is the same Markdown.
  // (Out of the list first: Enter on an empty item leaves it.)
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', '> A pasted *Markdown* quote\n> — Its author');
    document.querySelector('.ProseMirror').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  assert.match(await page.inputValue('#body'), /\n1\. Uno\n\n> A pasted \*Markdown\* quote\n> — Its author\n$/);
  assert.deepEqual(errors, [], errors.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
  await page.close();
});

test('the Markdown toggle shows the stored text one click away, and switching back re-reads it', async () => {
  const problems = [];
  const page = await signedIn(problems);
  const errors = consoleErrors(page);
  const body = 'Intro with a footnote.[^1]\n\n| Item | Cost |\n|---|---:|\n| Tea | 2.50 |\n\n[^1]: The note.\n';
  // Wide enough for the live preview (70rem), so the preview's table is
  // in the check too: the renderer writes alignment as a class, so the
  // admin's CSP has no inline style to block (issue 14, item 5).
  await page.setViewportSize({ width: 1400, height: 900 });
  const id = await createArticle(page, server.base, {
    headline: `Toggle ${Date.now().toString(36)}`,
    body,
    author: await (async () => { await page.goto(server.base + '/admin/articles/new'); return firstOptionLabel(page, '#author-1'); })(),
  });
  await page.goto(`${server.base}/admin/articles/${id}/`);
  await editorReady(page);
  assert.equal(await page.inputValue('#body'), body);
  assert.equal(await page.locator('.ProseMirror td.align-right').innerText(), '2.50', 'alignment as a class, not a style');
  assert.equal(await page.locator('.ProseMirror [style]').count(), 0);
  assert.equal(await page.locator('.ProseMirror sup.footnote-ref').innerText(), '1');
  const preview = page.frameLocator('.live-preview iframe');
  assert.equal(await preview.locator('td.align-right').first().innerText(), '2.50', 'the preview aligns by class');
  assert.equal(await preview.locator('[style]').count(), 0, 'no inline style in the preview');

  const toggle = page.getByRole('button', { name: 'Markdown' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.click();
  assert.equal(await page.getByRole('button', { name: 'Markdown' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#body').isVisible(), true);
  assert.equal(await page.locator('.rich-editor').isHidden(), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'body');
  await page.fill('#body', body + '\nAdded in *Markdown*.\n');
  await page.getByRole('button', { name: 'Markdown' }).click();
  assert.equal(await page.locator('.rich-editor').isVisible(), true);
  assert.equal(await page.locator('.ProseMirror p em').innerText(), 'Markdown');
  assert.equal(await page.inputValue('#body'), body + '\nAdded in *Markdown*.\n', 'switching back changes nothing by itself');
  assert.deepEqual(errors, [], errors.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
  await page.close();
});

test('opening and saving an article without touching the text stores it unchanged, whatever its spelling', async () => {
  const problems = [];
  const page = await signedIn(problems);
  // Markdown the editor would write differently (setext heading, `*`
  // emphasis spelled `_`, an entity), typed in the Markdown mode.
  const body = 'Setext heading\n==============\n\nAT&amp;T, _emphasis_ and a line  \nbreak.\n';
  await page.goto(server.base + '/admin/articles/new');
  const id = await createArticle(page, server.base, {
    headline: `Untouched ${Date.now().toString(36)}`, body, author: await firstOptionLabel(page, '#author-1'),
  });
  await page.goto(`${server.base}/admin/articles/${id}/`);
  await editorReady(page);
  assert.equal(await page.locator('.ProseMirror h1').innerText(), 'Setext heading');
  await page.locator('.ProseMirror').focus();
  await Promise.all([page.waitForURL(/saved=/), page.keyboard.press('Control+s')]);
  assert.equal(await page.inputValue('#body'), body, 'not rewritten by a save without edits');
  assert.deepEqual(problems, [], problems.join('\n'));
  await page.close();
});

test('Publish is a few key presses from the top of the editor', async () => {
  const problems = [];
  const page = await signedIn(problems);
  const id = await createArticle(page, server.base, {
    headline: `Reach ${Date.now().toString(36)}`,
    body: 'Text.',
    author: await (async () => { await page.goto(server.base + '/admin/articles/new'); return firstOptionLabel(page, '#author-1'); })(),
  });
  await page.goto(`${server.base}/admin/articles/${id}/`);
  await editorReady(page);
  // Afresh, with nothing focused (editorReady may have left the text focused).
  await page.reload();
  await page.locator('form#editor[data-rich-editor=ready]').waitFor();
  // Skip to content, then skip to Save and Publish, then Tab along the buttons.
  const presses = ['Tab', 'Enter', 'Tab', 'Enter'];
  for (const key of presses) await page.keyboard.press(key);
  let tabs = 0;
  while (tabs < 5 && (await page.evaluate(() => document.activeElement.value)) !== 'publish') {
    await page.keyboard.press('Tab');
    tabs++;
  }
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Publish now', `Publish after ${presses.length + tabs} presses`);
  assert.ok(presses.length + tabs <= 8, `${presses.length + tabs} key presses`);
  assert.deepEqual(problems, [], problems.join('\n'));
  await page.close();
});

test('under a path prefix (/de/admin/) the editor loads and Ctrl+S saves there', async () => {
  const problems = [];
  const page = await signedIn(problems);
  const errors = consoleErrors(page);
  await page.goto(server.base + '/de/admin/articles/new');
  await editorReady(page);
  assert.equal(await page.locator('script[src="/de/admin/assets/editor.js"]').count(), 1);
  await page.fill('#headline', `Unter einem Präfix ${Date.now().toString(36)}`);
  if ((await page.locator('#author-1').inputValue()) === '') {
    await page.selectOption('#author-1', { label: await firstOptionLabel(page, '#author-1') });
  }
  await page.selectOption('#section', { label: await firstOptionLabel(page, '#section') });
  await page.locator('.ProseMirror').focus();
  await page.keyboard.type('Ein Satz mit ');
  await page.keyboard.press('Control+i');
  await page.keyboard.type('Betonung');
  await page.keyboard.press('Control+i');
  await page.keyboard.type('.');
  await Promise.all([page.waitForURL(/\/de\/admin\/articles\/\d+\/\?saved=created$/), page.keyboard.press('Control+s')]);
  await editorReady(page);
  assert.equal(await page.inputValue('#body'), 'Ein Satz mit *Betonung*.\n');
  assert.deepEqual(errors, [], errors.join('\n'));
  assert.deepEqual(problems, [], problems.join('\n'));
  await page.close();
});

test('the editor page with the rich editor loaded has no WCAG 2.2 AA violations', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const { acceptInvite } = await import('./admin-helpers.mjs');
  await acceptInvite(page, await server.addUser('axel.axe@meridian.example', 'editor', { name: 'Axel Axe', author: 'ana-ribeiro' }));
  await page.goto(server.base + '/admin/articles/new');
  await editorReady(page);
  await page.locator('.ProseMirror').focus();
  await page.keyboard.type('Some text to select');
  await page.keyboard.press('Shift+Home');
  const failures = await axeViolations(page, 'editor (rich)');
  // With the link form open and in a table.
  await page.keyboard.press('Control+k');
  failures.push(...(await axeViolations(page, 'editor (link form)')));
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Table' }).click();
  failures.push(...(await axeViolations(page, 'editor (table)')));
  await page.getByRole('button', { name: 'Markdown' }).click();
  failures.push(...(await axeViolations(page, 'editor (Markdown)')));
  await context.close();
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('without JavaScript the textarea is the editor', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const { acceptInvite } = await import('./admin-helpers.mjs');
  // Accepting the invite needs no script either.
  await acceptInvite(page, await server.addUser('nora.noscript@meridian.example', 'editor', { name: 'Nora Noscript', author: 'helen-okafor' }));
  await page.goto(server.base + '/admin/articles/new');
  assert.equal(await page.locator('#body').isVisible(), true);
  assert.equal(await page.locator('.rich-editor').count(), 0);
  await context.close();
});

test('after all: close the shared context', async () => {
  await contextOf?.context.close();
});
