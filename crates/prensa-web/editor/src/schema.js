// The editor's document model: exactly the Markdown that Prensa's renderer
// (crates/prensa-render/src/markdown.rs: pulldown-cmark with tables,
// footnotes, heading attributes and strikethrough, raw HTML sanitized)
// understands, and nothing more, so that whatever a writer can make here
// has a Markdown form and the stored Markdown comes back unchanged.
//
// Attributes that do not change the rendering but do change the bytes
// (the bullet character, `*` or `_` for emphasis, the fence of a code
// block, the rule's characters) are kept so that a document round-trips
// byte for byte; text typed or pasted here gets the canonical form.
//
// toDOM never writes a `style` attribute: the admin's CSP
// (`style-src 'self'`) would refuse it. Table alignment is a class.
import { Schema } from "prosemirror-model";

const ALIGNS = ["left", "center", "right"];

// The renderer's rule (`is_safe_url`): http, https, mailto, tel or no
// scheme at all; anything else is shown as "#".
export function safeUrl(url) {
  const cleaned = String(url).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  const m = /^([^/?#]*?):/.exec(cleaned);
  return !m || /^(https?|mailto|tel)$/i.test(m[1]) ? url : "#";
}

function cellAttrs(dom) {
  const cls = ALIGNS.find((a) => dom.classList.contains(`align-${a}`));
  // Pasted tables carry `align=` or an inline text-align; both map to ours.
  const align = cls || dom.getAttribute("align") || (dom.style && dom.style.textAlign) || null;
  return { align: ALIGNS.includes(align) ? align : null };
}

function cellSpec(tag, role) {
  return {
    content: "inline*",
    attrs: { align: { default: null } },
    tableRole: role,
    isolating: true,
    parseDOM: [{ tag, getAttrs: cellAttrs }],
    toDOM: (node) => [tag, node.attrs.align ? { class: `align-${node.attrs.align}` } : {}, 0],
  };
}

export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      content: "inline*",
      group: "block",
      parseDOM: [{ tag: "p" }],
      toDOM: () => ["p", 0],
    },
    blockquote: {
      content: "block+",
      group: "block",
      defining: true,
      parseDOM: [{ tag: "blockquote" }],
      toDOM: () => ["blockquote", 0],
    },
    horizontal_rule: {
      group: "block",
      attrs: { markup: { default: "---" } },
      parseDOM: [{ tag: "hr" }],
      toDOM: () => ["hr"],
    },
    heading: {
      attrs: { level: { default: 2 } },
      content: "inline*",
      group: "block",
      defining: true,
      parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({ tag: `h${level}`, attrs: { level } })),
      toDOM: (node) => [`h${node.attrs.level}`, 0],
    },
    code_block: {
      content: "text*",
      group: "block",
      code: true,
      defining: true,
      marks: "",
      attrs: { params: { default: "" }, fence: { default: "```" } },
      parseDOM: [{
        tag: "pre",
        preserveWhitespace: "full",
        getAttrs: (dom) => {
          const code = dom.querySelector("code");
          const lang = code && [...code.classList].find((c) => c.startsWith("language-"));
          return { params: lang ? lang.slice(9) : "" };
        },
      }],
      toDOM: (node) => ["pre", node.attrs.params ? { "data-language": node.attrs.params } : {}, ["code", 0]],
    },
    // Raw HTML, kept verbatim (the renderer sanitizes it); shown as source.
    html_block: {
      content: "text*",
      group: "block",
      code: true,
      defining: true,
      marks: "",
      toDOM: () => ["pre", { class: "raw-html", "aria-label": "HTML" }, ["code", 0]],
    },
    ordered_list: {
      content: "list_item+",
      group: "block",
      attrs: { order: { default: 1 }, tight: { default: true }, delim: { default: "." } },
      parseDOM: [{
        tag: "ol",
        getAttrs: (dom) => ({ order: dom.hasAttribute("start") ? +dom.getAttribute("start") || 1 : 1 }),
      }],
      toDOM: (node) => ["ol", node.attrs.order === 1 ? {} : { start: node.attrs.order }, 0],
    },
    bullet_list: {
      content: "list_item+",
      group: "block",
      attrs: { tight: { default: true }, bullet: { default: "-" } },
      parseDOM: [{ tag: "ul" }],
      toDOM: () => ["ul", 0],
    },
    list_item: {
      content: "paragraph block*",
      defining: true,
      parseDOM: [{ tag: "li" }],
      toDOM: () => ["li", 0],
    },
    table: {
      content: "table_row+",
      group: "block",
      tableRole: "table",
      isolating: true,
      parseDOM: [{ tag: "table" }],
      toDOM: () => ["table", ["tbody", 0]],
    },
    table_row: {
      content: "(table_header | table_cell)*",
      tableRole: "row",
      parseDOM: [{ tag: "tr" }],
      toDOM: () => ["tr", 0],
    },
    table_header: cellSpec("th", "header_cell"),
    table_cell: cellSpec("td", "cell"),
    // `[^label]: text` where the writer put it; the renderer gathers
    // definitions at the end of the article and numbers them.
    footnote_def: {
      content: "block+",
      group: "block",
      defining: true,
      attrs: { label: {} },
      parseDOM: [{ tag: "div.footnote-def", getAttrs: (dom) => ({ label: dom.getAttribute("data-label") || "1" }) }],
      toDOM: (node) => ["div", { class: "footnote-def", "data-label": node.attrs.label }, 0],
    },
    text: { group: "inline" },
    image: {
      inline: true,
      // `altSource`: the alt text as it was written in the Markdown (with
      // its escapes), kept so the bytes come back; null for a new image.
      attrs: { src: {}, alt: { default: "" }, title: { default: null }, altSource: { default: null } },
      group: "inline",
      draggable: true,
      parseDOM: [{
        tag: "img[src]",
        getAttrs: (dom) => ({ src: dom.getAttribute("src"), title: dom.getAttribute("title"), alt: dom.getAttribute("alt") || "" }),
      }],
      toDOM: (node) => ["img", { src: safeUrl(node.attrs.src), alt: node.attrs.alt, title: node.attrs.title }],
    },
    hard_break: {
      inline: true,
      group: "inline",
      selectable: false,
      parseDOM: [{ tag: "br" }],
      toDOM: () => ["br"],
    },
    footnote_ref: {
      inline: true,
      group: "inline",
      atom: true,
      attrs: { label: {} },
      parseDOM: [{ tag: "sup.footnote-ref", getAttrs: (dom) => ({ label: dom.getAttribute("data-label") || "1" }) }],
      toDOM: (node) => ["sup", { class: "footnote-ref", "data-label": node.attrs.label }, node.attrs.label],
    },
    html_inline: {
      inline: true,
      group: "inline",
      atom: true,
      attrs: { html: {} },
      toDOM: (node) => ["code", { class: "raw-html" }, node.attrs.html],
    },
  },
  marks: {
    em: {
      attrs: { markup: { default: "*" } },
      parseDOM: [
        { tag: "i" }, { tag: "em" },
        { style: "font-style=italic" },
        { style: "font-style=normal", clearMark: (m) => m.type.name === "em" },
      ],
      toDOM: () => ["em", 0],
    },
    strong: {
      attrs: { markup: { default: "**" } },
      parseDOM: [
        { tag: "strong" },
        // Google Docs wraps a whole paste in `<b style="font-weight:normal">`;
        // the paste cleaner removes it, and this refuses it anyway.
        { tag: "b", getAttrs: (node) => node.style.fontWeight !== "normal" && null },
        { style: "font-weight=400", clearMark: (m) => m.type.name === "strong" },
        { style: "font-weight", getAttrs: (value) => /^(bold(er)?|[6-9]\d{2,})$/.test(value) && null },
      ],
      toDOM: () => ["strong", 0],
    },
    strike: {
      parseDOM: [{ tag: "s" }, { tag: "del" }, { tag: "strike" }, { style: "text-decoration=line-through" }],
      toDOM: () => ["s", 0],
    },
    link: {
      attrs: { href: {}, title: { default: null } },
      inclusive: false,
      parseDOM: [{
        tag: "a[href]",
        getAttrs: (dom) => ({ href: dom.getAttribute("href"), title: dom.getAttribute("title") }),
      }],
      // Shown, never followed: an unsafe scheme is not put in the page.
      toDOM: (node) => ["a", { href: safeUrl(node.attrs.href), title: node.attrs.title, rel: "noopener noreferrer" }, 0],
    },
    code: {
      parseDOM: [{ tag: "code" }],
      toDOM: () => ["code", 0],
    },
  },
});
