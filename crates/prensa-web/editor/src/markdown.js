// Markdown ⇄ editor document, with prosemirror-markdown: markdown-it (plus
// markdown-it-footnote) tokenizes, the tables below map tokens to nodes,
// and a serializer we control writes them back.
//
// The contract (tested by test/roundtrip.test.mjs): a document written in
// Prensa's canonical Markdown comes back byte for byte, so opening and
// saving an article in the rich editor never produces a revision that
// changes nothing but spelling of the same markup. What is canonical:
// ATX headings, fenced code, inline links, `\` hard breaks, `|---:|`
// table delimiter rows, no character entities, literal characters escaped
// only where they would otherwise be markup. Other spellings of the same
// rendering (setext headings, indented code, reference links, `&amp;`)
// are read correctly and written canonically.
import MarkdownIt from "markdown-it";
import footnote from "markdown-it-footnote";
import { MarkdownParser, MarkdownSerializer, MarkdownSerializerState } from "prosemirror-markdown";
import { schema } from "./schema.js";

function tokenizer() {
  // `html: true`: the renderer accepts raw HTML (and sanitizes it); here it
  // is kept verbatim. No linkify or typographer: the renderer has neither.
  const md = new MarkdownIt("commonmark", { html: true }).enable(["table", "strikethrough"]).use(footnote);
  // Definitions stay where they were written (the renderer gathers them);
  // inline footnotes `^[…]` are not part of pulldown-cmark's syntax.
  md.core.ruler.disable("footnote_tail");
  md.inline.ruler.disable("footnote_inline");
  // Destinations as written: markdown-it would percent-encode them (and
  // change the bytes) and drop `javascript:` links to text. The renderer
  // decides what is safe; the editor never follows a link (schema.js).
  md.normalizeLink = (url) => url;
  md.normalizeLinkText = (text) => text;
  md.validateLink = () => true;
  return md;
}

// The plain text of an image label's tokens (nested images' labels too).
function altText(tokens) {
  return tokens.map((t) => (t.type === "image" ? altText(t.children || []) : t.type === "softbreak" ? "\n" : t.content || "")).join("");
}

// A list is tight when markdown-it hid its items' paragraphs.
function listIsTight(tokens, i) {
  while (++i < tokens.length) if (tokens[i].type !== "list_item_open") return tokens[i].hidden;
  return false;
}

function align(tok) {
  const style = tok.attrGet("style") || "";
  const m = /text-align:\s*(left|center|right)/.exec(style);
  return { align: m ? m[1] : null };
}

const parser = new MarkdownParser(schema, tokenizer(), {
  blockquote: { block: "blockquote" },
  paragraph: { block: "paragraph" },
  list_item: { block: "list_item" },
  bullet_list: { block: "bullet_list", getAttrs: (tok, tokens, i) => ({ tight: listIsTight(tokens, i), bullet: tok.markup || "-" }) },
  ordered_list: {
    block: "ordered_list",
    getAttrs: (tok, tokens, i) => ({ order: +tok.attrGet("start") || 1, tight: listIsTight(tokens, i), delim: tok.markup || "." }),
  },
  heading: { block: "heading", getAttrs: (tok) => ({ level: +tok.tag.slice(1) }) },
  code_block: { block: "code_block", noCloseToken: true },
  fence: { block: "code_block", getAttrs: (tok) => ({ params: tok.info || "", fence: tok.markup }), noCloseToken: true },
  html_block: { block: "html_block", noCloseToken: true },
  hr: { node: "horizontal_rule", getAttrs: (tok) => ({ markup: tok.markup }) },
  image: {
    node: "image",
    // The alt text is the label's text (escapes decoded, as the renderer
    // reads it); the label as written is kept to write it back unchanged.
    getAttrs: (tok) => ({
      src: tok.attrGet("src"),
      title: tok.attrGet("title") || null,
      alt: altText(tok.children || []),
      altSource: tok.content,
    }),
  },
  hardbreak: { node: "hard_break" },
  html_inline: { node: "html_inline", getAttrs: (tok) => ({ html: tok.content }) },
  table: { block: "table" },
  thead: { ignore: true },
  tbody: { ignore: true },
  tr: { block: "table_row" },
  th: { block: "table_header", getAttrs: align },
  td: { block: "table_cell", getAttrs: align },
  footnote_reference: { block: "footnote_def", getAttrs: (tok) => ({ label: tok.meta.label }) },
  footnote_ref: { node: "footnote_ref", getAttrs: (tok) => ({ label: tok.meta.label }) },
  em: { mark: "em", getAttrs: (tok) => ({ markup: tok.markup }) },
  strong: { mark: "strong", getAttrs: (tok) => ({ markup: tok.markup }) },
  s: { mark: "strike" },
  link: {
    mark: "link",
    getAttrs: (tok) => ({ href: tok.attrGet("href"), title: tok.attrGet("title") || null }),
  },
  code_inline: { mark: "code", noCloseToken: true },
});
// A line break inside a paragraph stays a line break: writers who wrap
// their lines (and "Quote\n— Name" attributions) keep them.
parser.tokenHandlers.softbreak = (state) => state.addText("\n");

/** Markdown → document. */
export function parseMarkdown(text) {
  return parser.parse(text);
}

// ---------------------------------------------------------------- writing

const PUNCT = /[!-/:-@[-`{-~]/;
// A character reference at a given position (sticky: no slicing).
const ENTITY = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/y;

/**
 * Escapes literal text: only where a character would otherwise start or
 * end markup (prosemirror-markdown's `esc` escapes every `*`, `_`, `[`…,
 * which would turn "5 * 3" or "[sic]" into a different byte string on
 * every save). Kept conservative at node boundaries, where the
 * neighbouring text is not visible from here.
 */
function escapeText(str, startOfLine, inTable) {
  let out = "";
  // Closing brackets of bracket pairs left unescaped.
  const literal = new Set();
  // Where the next `]` and `[` are, from each position: one pass, so that
  // a text of ten thousand brackets costs ten thousand steps, not 10⁸.
  const nextClose = new Int32Array(str.length + 1).fill(-1);
  const nextOpen = new Int32Array(str.length + 1).fill(-1);
  for (let i = str.length - 1; i >= 0; i--) {
    nextClose[i] = str[i] === "]" ? i : nextClose[i + 1];
    nextOpen[i] = str[i] === "[" ? i : nextOpen[i + 1];
  }
  for (let i = 0; i < str.length; i++) {
    const c = str[i];
    const prev = i > 0 ? str[i - 1] : null;
    const next = i + 1 < str.length ? str[i + 1] : null;
    const space = (ch) => ch !== null && /\s/.test(ch);
    switch (c) {
      case "\\":
        out += next === null || PUNCT.test(next) ? "\\\\" : c;
        break;
      case "`":
        out += "\\`";
        break;
      case "*":
      case "_":
      case "~": {
        // A run flanked by whitespace on both sides can neither open nor
        // close emphasis; `_` inside a word never does.
        const intraword = c === "_" && prev !== null && next !== null && /[\p{L}\p{N}]/u.test(prev) && /[\p{L}\p{N}]/u.test(next);
        out += (space(prev) && space(next)) || intraword ? c : "\\" + c;
        break;
      }
      case "[": {
        // Literal brackets ("[sic]") stay as they are unless what follows
        // the closing bracket could make them a link, an image or a
        // footnote, or the closing bracket is not in this text.
        const close = nextClose[i + 1];
        const after = close >= 0 && close + 1 < str.length ? str[close + 1] : null;
        const open = nextOpen[i + 1];
        const nested = close >= 0 && open >= 0 && open < close;
        const risky = close < 0 || after === null || after === "(" || after === "[" || after === ":" || next === "^" || nested;
        if (!risky) literal.add(close);
        out += risky ? "\\[" : c;
        break;
      }
      case "]":
        out += literal.has(i) ? c : "\\]";
        break;
      case "<":
        out += next !== null && /[A-Za-z/!?]/.test(next) ? "\\<" : c;
        break;
      case "&":
        ENTITY.lastIndex = i;
        out += ENTITY.test(str) ? "\\&" : c;
        break;
      case "|":
        out += inTable ? "\\|" : c;
        break;
      default:
        out += c;
    }
  }
  if (startOfLine) {
    out = out
      .replace(/^[ \t]+/, "")
      .replace(/^([-+*])(?=[ \t]|$)/, "\\$1")
      .replace(/^>/, "\\>")
      .replace(/^(#{1,6})(?=[ \t]|$)/, "\\$1")
      .replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, "$1\\$2")
      .replace(/^([-=])\1*[ \t]*$/, "\\$&")
      .replace(/^(\*|_|-)([ \t]*\1){2,}[ \t]*$/, "\\$&");
  }
  return out;
}

class State extends MarkdownSerializerState {
  esc(str, startOfLine = false) {
    return escapeText(str, startOfLine, this.inTable);
  }

  // As the base class, but every line of a text with line breaks (a
  // paragraph's soft breaks) starts a line, and is escaped as such.
  text(text, escape = true) {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      this.write();
      if (!escape && lines[i][0] === "[" && /(^|[^\\])!$/.test(this.out.slice(-2))) {
        this.out = this.out.slice(0, this.out.length - 1) + "\\!";
      }
      this.out += escape ? this.esc(lines[i], i > 0 || this.atBlockStart) : lines[i];
      if (i !== lines.length - 1) this.out += "\n";
    }
  }
}

/** One inline run (a table cell) rendered on its own. */
function inlineString(state, node) {
  const sub = new State(state.nodes, state.marks, state.options);
  sub.inTable = true;
  sub.renderInline(node);
  return sub.out.replace(/\n/g, " ");
}

// An item's continuation lines are indented by its marker's width.
function renderList(state, node, marker) {
  // Two lists in a row stay two lists when their markers differ; with the
  // same marker they would merge, and no blank lines prevent that.
  const prev = state.closed;
  if (prev && prev.type === node.type && prev.attrs.bullet === node.attrs.bullet && prev.attrs.delim === node.attrs.delim) {
    state.flushClose(3);
  }
  else if (state.inTightList) state.flushClose(1);
  const tight = node.attrs.tight;
  const prevTight = state.inTightList;
  state.inTightList = tight;
  node.forEach((child, _, i) => {
    if (i && tight) state.flushClose(1);
    const m = marker(i);
    state.wrapBlock(" ".repeat(m.length), m, node, () => state.render(child, node, i));
  });
  state.inTightList = prevTight;
}

function isPlainURL(link, parent, index) {
  if (link.attrs.title || !/^(https?|ftp|mailto):/i.test(link.attrs.href)) return false;
  const content = parent.child(index);
  if (!content.isText || content.marks[content.marks.length - 1] !== link) return false;
  const href = link.attrs.href;
  if (content.text !== href && !(href.startsWith("mailto:") && content.text === href.slice(7))) return false;
  if (/[\s<>]/.test(href)) return false;
  return index === parent.childCount - 1 || !link.isInSet(parent.child(index + 1).marks);
}

function destination(url) {
  // A destination with spaces needs the `<…>` form.
  if (/[\s<>]/.test(url)) return "<" + url.replace(/[<>\\]/g, "\\$&") + ">";
  let depth = 0;
  let balanced = true;
  for (const c of url.replace(/\\[()]/g, "")) {
    if (c === "(") depth++;
    else if (c === ")" && --depth < 0) balanced = false;
  }
  balanced = balanced && depth === 0;
  // Balanced parentheses need no escape (CommonMark), and escaping them
  // would change the bytes of a Wikipedia link on every save.
  return balanced ? url : url.replace(/(?<!\\)[()]/g, "\\$&");
}

function title(t) {
  return t ? ` "${t.replace(/["\\]/g, "\\$&")}"` : "";
}

const serializer = new MarkdownSerializer(
  {
    blockquote(state, node) {
      state.wrapBlock("> ", null, node, () => state.renderContent(node));
    },
    code_block(state, node) {
      const text = node.textContent;
      let fence = node.attrs.fence && /^(`{3,}|~{3,})$/.test(node.attrs.fence) ? node.attrs.fence : "```";
      // The fence must be longer than any run of its character inside.
      const runs = text.match(fence[0] === "`" ? /^ {0,3}`{3,}/gm : /^ {0,3}~{3,}/gm) || [];
      for (const run of runs) if (run.trim().length >= fence.length) fence = fence[0].repeat(run.trim().length + 1);
      state.write(fence + (node.attrs.params || "") + "\n");
      state.text(text, false);
      if (text) state.write("\n");
      state.write(fence);
      state.closeBlock(node);
    },
    html_block(state, node) {
      state.text(node.textContent.replace(/\n+$/, ""), false);
      state.closeBlock(node);
    },
    heading(state, node) {
      state.write("#".repeat(node.attrs.level) + " ");
      state.renderInline(node, false);
      state.closeBlock(node);
    },
    horizontal_rule(state, node) {
      state.write(/^([-*_])( ?\1){2,}$/.test(node.attrs.markup) ? node.attrs.markup : "---");
      state.closeBlock(node);
    },
    bullet_list(state, node) {
      const bullet = ["-", "*", "+"].includes(node.attrs.bullet) ? node.attrs.bullet : "-";
      renderList(state, node, () => bullet + " ");
    },
    ordered_list(state, node) {
      const start = node.attrs.order ?? 1;
      const delim = node.attrs.delim === ")" ? ")" : ".";
      renderList(state, node, (i) => `${start + i}${delim} `);
    },
    list_item(state, node) {
      state.renderContent(node);
    },
    paragraph(state, node) {
      state.renderInline(node);
      state.closeBlock(node);
    },
    table(state, node) {
      const rows = [];
      node.forEach((row) => {
        const cells = [];
        row.forEach((cell) => cells.push(inlineString(state, cell)));
        rows.push(cells);
      });
      const first = node.firstChild;
      const aligns = [];
      first.forEach((cell) => aligns.push(cell.attrs.align));
      const line = (cells) => "|" + cells.map((c) => (c ? ` ${c} ` : " ")).join("|") + "|";
      const delim = "|" + aligns.map((a) => (a === "left" ? ":---" : a === "center" ? ":---:" : a === "right" ? "---:" : "---")).join("|") + "|";
      state.write(line(rows[0]));
      state.ensureNewLine();
      state.write(delim);
      for (const cells of rows.slice(1)) {
        state.ensureNewLine();
        state.write(line(cells));
      }
      state.closeBlock(node);
    },
    table_row() {},
    table_header() {},
    table_cell() {},
    footnote_def(state, node, parent, index) {
      // Consecutive definitions need no blank line between them.
      // (Between one-paragraph ones; a longer one is set apart.)
      const prev = index > 0 ? parent.child(index - 1) : null;
      const short = (n) => n.childCount === 1 && n.firstChild.type.name === "paragraph";
      if (prev && prev.type === node.type && short(prev) && short(node) && state.closed) state.flushClose(1);
      state.wrapBlock("    ", `[^${node.attrs.label}]: `, node, () => state.renderContent(node));
    },
    image(state, node) {
      const alt = node.attrs.altSource != null ? node.attrs.altSource : state.esc(node.attrs.alt || "");
      state.write("![" + alt + "](" + destination(node.attrs.src) + title(node.attrs.title) + ")");
    },
    hard_break(state, node, parent, index) {
      for (let i = index + 1; i < parent.childCount; i++) {
        if (parent.child(i).type !== node.type) {
          state.write("\\\n");
          return;
        }
      }
    },
    footnote_ref(state, node) {
      state.write(`[^${node.attrs.label}]`);
    },
    html_inline(state, node) {
      state.text(node.attrs.html, false);
    },
    text(state, node) {
      state.text(node.text, !state.inAutolink);
    },
  },
  {
    em: {
      open: (_s, mark) => (mark.attrs.markup === "_" ? "_" : "*"),
      close: (_s, mark) => (mark.attrs.markup === "_" ? "_" : "*"),
      mixable: true,
      expelEnclosingWhitespace: true,
    },
    strong: {
      open: (_s, mark) => (mark.attrs.markup === "__" ? "__" : "**"),
      close: (_s, mark) => (mark.attrs.markup === "__" ? "__" : "**"),
      mixable: true,
      expelEnclosingWhitespace: true,
    },
    strike: { open: "~~", close: "~~", mixable: true, expelEnclosingWhitespace: true },
    link: {
      open(state, mark, parent, index) {
        state.inAutolink = isPlainURL(mark, parent, index);
        return state.inAutolink ? "<" : "[";
      },
      close(state, mark) {
        const auto = state.inAutolink;
        state.inAutolink = undefined;
        return auto ? ">" : "](" + destination(mark.attrs.href) + title(mark.attrs.title) + ")";
      },
      mixable: true,
    },
    code: {
      open: (_s, _m, parent, index) => backticks(parent.child(index), -1),
      close: (_s, _m, parent, index) => backticks(parent.child(index - 1), 1),
      escape: false,
    },
  },
);

// The shortest fence longer than any backtick run inside, padded with a
// space when the code starts or ends with a backtick.
function backticks(node, side) {
  const text = node.isText ? node.text : "";
  let len = 0;
  for (const m of text.matchAll(/`+/g)) len = Math.max(len, m[0].length);
  const fence = "`".repeat(len + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || (/^ .* $/.test(text) && text.trim());
  if (side < 0) return pad ? fence + " " : fence;
  return pad ? " " + fence : fence;
}

/** Document → Markdown, with a trailing newline when there is any text. */
export function serializeMarkdown(doc) {
  const state = new State(serializer.nodes, serializer.marks, { tightLists: true });
  state.renderContent(doc);
  return state.out ? state.out + "\n" : "";
}

export { escapeText };
