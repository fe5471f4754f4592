// Cleaning HTML pasted from Google Docs, Word and web pages before
// ProseMirror parses it against the schema. The schema already drops
// everything it has no node or mark for (fonts, colours, spans, divs);
// what is left here is the junk that parses into something wrong:
//
// * Google Docs wraps a whole paste in `<b style="font-weight:normal"
//   id="docs-internal-guid-…">`, which would make everything bold;
// * Word sends `<o:p>`, conditional comments, `<style>`, and its lists as
//   paragraphs (`class="MsoListParagraph…"`, `mso-list` styles) with the
//   bullet or number as text in a `mso-list:Ignore` span;
// * Apple's `<br class="Apple-interchange-newline">`, scripts, styles,
//   meta, images from other sites (the admin's CSP would block them, and
//   images in the text are uploaded to the library, not hot-linked);
// * non-breaking spaces everywhere from Word.

const STYLE = "data-pasted-style";
const DROP = "script, style, meta, link, title, template, iframe, object, embed, svg, noscript, o\\:p, br.Apple-interchange-newline";

function unwrap(el) {
  el.replaceWith(...el.childNodes);
}

function isWordListParagraph(el) {
  if (el.tagName !== "P") return false;
  const style = el.getAttribute(STYLE) || "";
  return /\bMsoListParagraph/.test(el.className) || /mso-list:\s*l\d/.test(style);
}

// Word's list level: `mso-list:l0 level2 lfo1`.
function wordLevel(el) {
  const m = /mso-list:\s*l\d+\s+level(\d+)/.exec(el.getAttribute(STYLE) || "");
  return m ? +m[1] : 1;
}

function wordLists(body, doc) {
  const paragraphs = [...body.querySelectorAll("p")].filter(isWordListParagraph);
  const done = new Set();
  for (const first of paragraphs) {
    if (done.has(first)) continue;
    // A run of adjacent list paragraphs is one list (nested by level).
    const run = [first];
    let next = first.nextElementSibling;
    while (next && isWordListParagraph(next)) {
      run.push(next);
      next = next.nextElementSibling;
    }
    const stack = [];
    const root = { level: 0, list: null, lastItem: null };
    stack.push(root);
    let top = null;
    for (const p of run) {
      done.add(p);
      const marker = p.querySelector(`[${STYLE}*='mso-list:Ignore' i], [${STYLE}*='mso-list: Ignore' i]`);
      const markerText = marker ? marker.textContent.trim() : "";
      if (marker) marker.remove();
      const ordered = /^[0-9a-zA-Z]{1,3}[.)]$/.test(markerText);
      const level = wordLevel(p);
      while (stack.length > 1 && stack[stack.length - 1].level > level) stack.pop();
      let current = stack[stack.length - 1];
      if (current.level < level) {
        const list = doc.createElement(ordered ? "ol" : "ul");
        if (current.lastItem) current.lastItem.append(list);
        else top = list;
        current = { level, list, lastItem: null };
        stack.push(current);
      }
      const li = doc.createElement("li");
      const para = doc.createElement("p");
      para.append(...p.childNodes);
      li.append(para);
      current.list.append(li);
      current.lastItem = li;
    }
    run[0].replaceWith(top);
    for (const p of run.slice(1)) p.remove();
  }
}

// Bold, italic and strikethrough arrive as inline styles (Google Docs
// writes `<span style="font-weight:700">`), which the admin's CSP forbids
// applying — in any document this page parses, even an inert one: the
// formatting would be lost and the console log a violation per element.
// So `style` attributes are renamed in the markup before it is parsed,
// read as text here, turned into the elements they mean, and dropped.
function renameStyles(html) {
  // Inside start tags only; a `>` within a quoted attribute value ends the
  // match early, which at worst leaves that one style to be refused.
  // Style sheets (Word sends one) go before parsing, for the same reason.
  return html.replace(/<style[\s>][\s\S]*?<\/style\s*>/gi, "").replace(/<[a-zA-Z][^>]*>/g, (tag) => tag.replace(/(\s)style(\s*=)/gi, `$1${STYLE}$2`));
}

function stylesToMarkup(body, doc) {
  for (const el of [...body.querySelectorAll(`[${STYLE}]`)]) {
    const style = (el.getAttribute(STYLE) || "").toLowerCase();
    el.removeAttribute(STYLE);
    const prop = (name) => {
      const m = new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;]+)`).exec(style);
      return m ? m[1].trim() : "";
    };
    const align = prop("text-align");
    if (/^(TD|TH)$/.test(el.tagName) && /^(left|center|right)$/.test(align)) el.classList.add(`align-${align}`);
    if (/^(H[1-6]|PRE|CODE)$/.test(el.tagName)) continue;
    const weight = prop("font-weight");
    const wraps = [];
    if (/^(bold|bolder|[6-9]00)$/.test(weight) && !el.closest("strong, b")) wraps.push("strong");
    if (prop("font-style") === "italic" && !el.closest("em, i")) wraps.push("em");
    if (/line-through/.test(prop("text-decoration") + prop("text-decoration-line"))) wraps.push("s");
    for (const tag of wraps) {
      const w = doc.createElement(tag);
      w.append(...el.childNodes);
      el.append(w);
    }
  }
}

/** The pasted HTML, cleaned (a string in, a string out). */
export function cleanPastedHTML(html, origin = "") {
  const doc = new DOMParser().parseFromString(renameStyles(html), "text/html");
  const body = doc.body;
  // Comments, including Word's `<!--[if !supportLists]-->`.
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const c of comments) c.remove();
  for (const el of body.querySelectorAll(DROP)) el.remove();
  for (const el of body.querySelectorAll("*")) {
    if (el.tagName.includes(":")) unwrap(el);
  }
  for (const b of body.querySelectorAll(`b[id^='docs-internal-guid'], b[${STYLE}*='font-weight:normal'], b[${STYLE}*='font-weight: normal']`)) {
    unwrap(b);
  }
  for (const img of body.querySelectorAll("img")) {
    const src = img.getAttribute("src") || "";
    const local = src.startsWith("/") && !src.startsWith("//");
    const sameOrigin = origin && src.startsWith(origin + "/");
    if (!local && !sameOrigin) img.remove();
  }
  wordLists(body, doc);
  stylesToMarkup(body, doc);
  // Google Docs puts each list item's text in a paragraph with a role; and
  // both write `&nbsp;` where a space is meant.
  const text = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  while (text.nextNode()) {
    const node = text.currentNode;
    if (node.parentElement && node.parentElement.closest("pre, code")) continue;
    if (node.data.includes("\u00a0")) node.data = node.data.replace(/\u00a0/g, " ");
  }
  return body.innerHTML;
}
