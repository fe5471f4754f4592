// A corpus of cross-site scripting payloads for the admin's fields, and the
// means to notice one that ran: a hook every payload calls (`__xss(ID)`),
// dialogs, a title change, and a scan of the DOM for active markup that
// should never reach a page (event handlers, script URLs, stray scripts,
// frames…). Written for these tests; every payload carries its own ID so a
// hit names the payload.

/** The hook call of payload `n`, spelled as most payloads spell it. */
const h = (n) => `__xss(${n})`;
const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Payloads for any text field. `live`: pasted unescaped into some HTML
 * context (text, a quoted attribute, a textarea, a JS string, an href),
 * the payload runs or leaves markup the scan flags — the detector's own
 * test checks this. The others are inert even then, by design: they test
 * double decoding, template evaluation and Unicode look-alikes.
 */
const GENERAL = [
  [(n) => `<script>${h(n)}</script>`, true],
  [(n) => `<img src=x onerror=${h(n)}>`, true],
  [(n) => `"><img src=x onerror=${h(n)}>`, true],
  [(n) => `'><img src=x onerror=${h(n)}>`, true],
  [(n) => `" autofocus onfocus="${h(n)}" x="`, true], // breaks out of a double-quoted attribute
  [(n) => `' autofocus onfocus='${h(n)}' x='`, true], // …of a single-quoted one
  [(n) => `<svg onload=${h(n)}>`, true],
  [(n) => `<svg><script>${h(n)}</script></svg>`, true],
  [(n) => `<svg><animate onbegin=${h(n)} attributeName=x dur=1s>`, true],
  [(n) => `<math><mtext><table><mglyph><style><img src=x onerror=${h(n)}>`, true],
  [(n) => `<noscript><p title="</noscript><img src=x onerror=${h(n)}>">`, true],
  [(n) => `</textarea><script>${h(n)}</script>`, true],
  [(n) => `</title><script>${h(n)}</script>`, true],
  [(n) => `</script><script>${h(n)}</script>`, true],
  [(n) => `</style><script>${h(n)}</script>`, true],
  [(n) => `<!--><script>${h(n)}</script>-->`, true],
  [(n) => `<iframe src="javascript:${h(n)}"></iframe>`, true],
  [(n) => `<iframe srcdoc="<script>${h(n)}</script>"></iframe>`, true],
  [(n) => `<object data="javascript:${h(n)}"></object>`, true],
  [(n) => `<embed src="data:text/html;base64,${b64(`<script>${h(n)}</script>`)}">`, true],
  [(n) => `<a href="javascript:${h(n)}">link ${n}</a>`, true],
  [(n) => `<a href="&#106;avascript:${h(n)}">link ${n}</a>`, true],
  [(n) => `<a href="jav&#x09;ascript:${h(n)}">link ${n}</a>`, true],
  [(n) => `<a href=" JaVaScRiPt:${h(n)}">link ${n}</a>`, true],
  [(n) => `<a href="data:text/html;base64,${b64(`<script>${h(n)}</script>`)}">link ${n}</a>`, true],
  [(n) => `<details open ontoggle=${h(n)}>`, true],
  [(n) => `<input autofocus onfocus=${h(n)}>`, true],
  [(n) => `<body onload=${h(n)}>`, true],
  [(n) => `<video><source onerror=${h(n)}></video>`, true],
  [(n) => `<audio src=x onerror=${h(n)}>`, true],
  [(n) => `<style>@keyframes k${n}{}</style><b style="animation-name:k${n}" onanimationstart=${h(n)}>b</b>`, true],
  [(n) => `<div style="background-image:url(javascript:${h(n)})">d</div>`, true],
  [(n) => `<div style="width:expression(${h(n)})">d</div>`, true],
  [(n) => `<style>*{background:url("javascript:${h(n)}")}</style>`, true],
  [(n) => `<img src=x onerror=alert(${n})>`, true],
  [(n) => `<svg/onload=confirm(${n})>`, true],
  [(n) => `<img src=x onerror="&#x5f;&#x5f;xss(${n})">`, true],
  [(n) => `<img/src=x/onerror=${h(n)}>`, true],
  [(n) => `<IMG SRC=x OnErRoR=${h(n)}>`, true],
  [(n) => `<scr<script>ipt>${h(n)}</scr</script>ipt>`, true],
  [(n) => `<SCRIPT SRC=data:,${h(n)}></SCRIPT>`, true],
  [(n) => `&lt;img src=x onerror=${h(n)}&gt;`, false], // decoded twice?
  [(n) => `&#60;script&#62;${h(n)}&#60;/script&#62;`, false],
  [(n) => `%3Cscript%3E${h(n)}%3C%2Fscript%3E`, false],
  [(n) => `\\u003cimg src=x onerror=${h(n)}\\u003e`, false],
  [(n) => `＜script＞${h(n)}＜/script＞`, false], // full-width look-alikes
  [(n) => `{{constructor.constructor('${h(n)}')()}}`, false], // client-side template
  [(n) => `{{7*7}} {{7919*7907}} \${7919*7907} #{7919*7907} <%= 7919*7907 %> [${n}]`, false], // server-side templates
  [(n) => `{% for x in range(3) %}LOOP${n}x{% endfor %}{{ "EVAL" ~ "${n}" }}`, false],
  [(n) => `';${h(n)};//`, true], // JavaScript string breakouts
  [(n) => `";${h(n)};//`, true],
  [(n) => `</script><svg onload=${h(n)}>`, true],
  [(n) => `<base href="javascript:${h(n)}//">`, true],
  [(n) => `<meta http-equiv="refresh" content="0;url=javascript:${h(n)}">`, true],
  [(n) => `<form action="javascript:${h(n)}"><button>go ${n}</button></form>`, true],
  [(n) => `<button formaction="javascript:${h(n)}">go ${n}</button>`, true],
  [(n) => `<svg><a xlink:href="javascript:${h(n)}"><text x="0" y="15">s${n}</text></a></svg>`, true],
  [(n) => `<math href="javascript:${h(n)}">m${n}</math>`, true],
  [(n) => `<marquee onstart=${h(n)}>m${n}</marquee>`, true],
  [(n) => `<img src=x onerror=${h(n)}//`, true], // unclosed tag
  [(n) => `<<img src=x onerror=${h(n)}>>`, true],
  [(n) => `<img src=\`x\` onerror=${h(n)}>`, true],
  [(n) => `<x-tag onclick=${h(n)}>click ${n}</x-tag>`, true],
  [(n) => `<a href="#" onmouseover=${h(n)}>hover ${n}</a>`, true],
  [(n) => `\\"><script>${h(n)}</script>`, true],
  [(n) => `<img src=x onerror=window['__x'+'ss'](${n})>`, true],
  [(n) => `<img src=x onerror="document.title='XSS'+'HIT${n}'">`, true],
  [(n) => `<svg><foreignObject><iframe srcdoc="&lt;script&gt;${h(n)}&lt;/script&gt;"></iframe></foreignObject></svg>`, true],
  [(n) => `<link rel=stylesheet href="data:text/css,*{}"><img src=x onerror=${h(n)}>`, true],
  [(n) => `javascript:${h(n)}`, true], // a bare script URL (live in an href)
  [(n) => `data:text/html,<script>${h(n)}</script>`, true],
  [(n) => `<scr\u200bipt>${h(n)}</scr\u200bipt> \u202e<img src=x onerror=${h(n)}>`, true], // zero-width, RTL override
];

/**
 * Payloads for the Markdown body: link and image destinations, autolinks,
 * references, headings (into the table of contents), tables, footnotes,
 * code. In other fields they are just text.
 */
const MARKDOWN = [
  (n) => `[m${n}](javascript:${h(n)})`,
  (n) => `[m${n}](JAVASCRIPT:${h(n)})`,
  (n) => `[m${n}](javascript&#58;${h(n)})`,
  (n) => `[m${n}](<javascript:${h(n)}>)`,
  (n) => `![m${n}](javascript:${h(n)})`,
  (n) => `<javascript:${h(n)}>`,
  (n) => `[m${n}][ref${n}]\n\n[ref${n}]: javascript:${h(n)}`,
  (n) => `[m${n}](data:text/html;base64,${b64(`<script>${h(n)}</script>`)})`,
  (n) => `![m${n}](x"onerror="${h(n)})`,
  (n) => `[m${n}](https://example.org/"onmouseover="${h(n)})`,
  (n) => `[<img src=x onerror=${h(n)}>](https://example.org/)`,
  (n) => `## <img src=x onerror=${h(n)}> heading ${n}`,
  (n) => `## Heading ${n} "><svg onload=${h(n)}>`,
  (n) => `| a${n} | b |\n|---|---|\n| <img src=x onerror=${h(n)}> | <td style="background:url(javascript:${h(n)})">c</td> |`,
  (n) => `\`<script>${h(n)}</script>\``,
  (n) => '```html\n' + `</code></pre><script>${h(n)}</script>\n` + '```',
  (n) => `Footnote[^f${n}].\n\n[^f${n}]: <img src=x onerror=${h(n)}> "><script>${h(n)}</script>`,
  (n) => `<div>[m${n}](javascript:${h(n)})</div>\n\n<div markdown="1">*x*<img src=x onerror=${h(n)}></div>`,
  (n) => `[m${n}](vbscript:${h(n)})`,
  (n) => `<a href="javascript&colon;${h(n)}">m${n}</a> <a href="java\nscript:${h(n)}">m${n}</a>`,
  (n) => `[m${n}](  javascript:${h(n)}  "title ${n}")`,
  (n) => `<img src="x" alt="a${n}" onerror="${h(n)}"> <img src="javascript:${h(n)}">`,
];

/** Every payload: { id, text, kind: 'general'|'markdown', live }. IDs start at 1. */
export const PAYLOADS = [
  ...GENERAL.map(([make, live], i) => ({ id: i + 1, text: make(i + 1), kind: 'general', live })),
  ...MARKDOWN.map((make, i) => ({ id: GENERAL.length + i + 1, text: make(GENERAL.length + i + 1), kind: 'markdown', live: false })),
];

/**
 * Installs the hooks in a browser context: `__xss(n)` and a console
 * marker in every frame, reported through a binding. Resolves to the list
 * hits are pushed to ({ id, url }).
 */
export async function installHooks(context) {
  const hits = [];
  await context.exposeBinding('__xssHit', (source, id) => {
    hits.push({ id: String(id), url: source.frame.url(), how: 'hook' });
  });
  await context.addInitScript(() => {
    window.__xss = function (id) {
      try { console.log('__XSS__' + id); } catch (e) { /* ignore */ }
      try { window.__xssHit(id); } catch (e) { /* ignore */ }
    };
  });
  const onPage = (page) => {
    page.on('console', (msg) => {
      const m = msg.text().match(/^__XSS__(.*)$/);
      if (m) hits.push({ id: m[1], url: page.url(), how: 'console' });
    });
    page.on('dialog', async (d) => {
      hits.push({ id: d.message(), url: page.url(), how: `${d.type()} dialog` });
      await d.dismiss().catch(() => {});
    });
    page.on('pageerror', (err) => {
      if (/__xss|XSS/.test(err.message)) hits.push({ id: '?', url: page.url(), how: `error: ${err.message}` });
    });
  };
  context.on('page', onPage);
  for (const p of context.pages()) onPage(p);
  return hits;
}

/**
 * Runs in the page (page.evaluate): lets a frame or two pass (autofocus,
 * animations and toggles fire after load), then reports what a payload
 * could only have left behind if it got through as markup or was
 * evaluated. Resolves to { findings, showsPayload }. Pass `wait` false in
 * a sandboxed frame: no timer or animation frame ever fires there.
 */
export async function inspectPage(wait = true) {
  if (wait) {
    await Promise.race([
      new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
      new Promise((r) => setTimeout(r, 150)),
    ]);
  }
  const found = [];
  const show = (el) => el.outerHTML.slice(0, 140).replace(/\s+/g, ' ');
  const URL_ATTRS = new Set([
    'href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster', 'codebase',
    'lowsrc', 'dynsrc', 'ping', 'values', 'to', 'from', 'by',
  ]);
  const json = (text) => { try { JSON.parse(text); return true; } catch { return false; } };
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const { name, value } of [...el.attributes]) {
      const n = name.toLowerCase();
      if (n.startsWith('on')) {
        found.push(`event handler ${n} on <${tag}>: ${show(el)}`);
      } else if (URL_ATTRS.has(n)) {
        const v = value.replace(/[\u0000-\u0020\u007f-\u00a0]/g, '').toLowerCase();
        const dataOk = (tag === 'img' || tag === 'source') && /^data:image\/(png|jpeg|gif|webp)/.test(v);
        if (/^(javascript|vbscript):/.test(v) || (v.startsWith('data:') && !dataOk)) {
          found.push(`script URL in ${n} of <${tag}>: ${show(el)}`);
        }
      } else if (n === 'srcdoc' && el.id !== 'preview-frame') {
        found.push(`srcdoc on <${tag}>: ${show(el)}`);
      } else if (n === 'style' && /expression\s*\(|javascript:|__xss/i.test(value)) {
        found.push(`style attribute on <${tag}>: ${show(el)}`);
      }
    }
    if (tag === 'script') {
      const src = el.getAttribute('src');
      // The admin's own two scripts (admin.js; editor.js, the rich editor).
      const ours = src !== null && ['/admin/assets/admin.js', '/admin/assets/editor.js'].includes(new URL(src, location.href).pathname);
      const data = src === null && el.type === 'application/ld+json' && json(el.textContent);
      if (!ours && !data) found.push(`script element: ${show(el)}`);
    } else if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal'].includes(tag)) {
      if (!(tag === 'iframe' && el.id === 'preview-frame')) found.push(`<${tag}> element: ${show(el)}`);
    } else if (tag === 'meta' && el.httpEquiv) {
      found.push(`meta http-equiv: ${show(el)}`);
    } else if (tag === 'style' && /__xss|javascript:|expression\s*\(|@keyframes k\d/i.test(el.textContent)) {
      found.push(`style element: ${show(el)}`);
    } else if (tag === 'link' && el.closest('body')) {
      found.push(`link element in the body: ${show(el)}`);
    }
  }
  if (/XSSHIT/.test(document.title)) found.push(`title was changed: ${document.title}`);
  // Server-side template syntax in the payloads, had it been evaluated.
  const text = document.body ? document.body.innerText : '';
  for (const re of [/62615533/, /LOOP\d+xLOOP/, /EVAL\d+/]) {
    if (re.test(text)) found.push(`a template was evaluated: ${re}`);
  }
  return { findings: found, showsPayload: document.documentElement.outerHTML.includes('__xss(') };
}
