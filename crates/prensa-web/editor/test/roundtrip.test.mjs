// The rich editor must not change the stored Markdown: every construct
// Prensa's renderer supports (crates/prensa-render/src/markdown.rs),
// written in the canonical form, goes through the editor's parse →
// serialize byte for byte; and so does every article body of the demo.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseMarkdown, serializeMarkdown } from "../src/markdown.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..", "..");
const roundTrip = (md) => serializeMarkdown(parseMarkdown(md));

const corpus = join(here, "corpus");
for (const name of readdirSync(corpus).filter((f) => f.endsWith(".md")).sort()) {
  test(`corpus ${name} is byte-stable`, () => {
    const source = readFileSync(join(corpus, name), "utf8");
    assert.equal(roundTrip(source), source);
  });
}

test("the corpus covers every construct", () => {
  const all = readdirSync(corpus).map((f) => readFileSync(join(corpus, f), "utf8")).join("\n");
  const types = new Set();
  const marks = new Set();
  parseMarkdown(all).descendants((node) => {
    types.add(node.type.name);
    for (const m of node.marks) marks.add(m.type.name);
  });
  for (const t of ["heading", "paragraph", "blockquote", "bullet_list", "ordered_list", "list_item", "code_block",
    "html_block", "horizontal_rule", "table", "table_header", "table_cell", "footnote_def", "footnote_ref",
    "image", "hard_break", "html_inline"]) {
    assert.ok(types.has(t), `corpus lacks ${t}`);
  }
  for (const m of ["em", "strong", "strike", "link", "code"]) assert.ok(marks.has(m), `corpus lacks ${m}`);
});

function markdownFiles(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? markdownFiles(p) : f.endsWith(".md") && f !== "README.md" ? [p] : [];
  });
}

// Front matter between `+++` lines, as the importer reads it.
function body(text) {
  const m = /^\+\+\+\n[\s\S]*?\n\+\+\+\n/.exec(text);
  return m ? text.slice(m[0].length) : text;
}

test("every demo article and bio is byte-stable", (t) => {
  const files = markdownFiles(join(repo, "demo"));
  assert.ok(files.length > 60, `found ${files.length} files`);
  t.diagnostic(`${files.length} demo files`);
  const unstable = files.filter((f) => {
    const b = body(readFileSync(f, "utf8"));
    return roundTrip(b) !== b;
  });
  assert.deepEqual(unstable.map((f) => relative(repo, f)), []);
});

test("other spellings of the same markup are written canonically, and stay so", () => {
  const cases = [
    ["Heading\n=======\n", "# Heading\n"],
    ["    indented code\n", "```\nindented code\n```\n"],
    ["A [ref link][r].\n\n[r]: https://example.com/\n", "A [ref link](https://example.com/).\n"],
    ["AT&amp;T\n", "AT&T\n"],
    ["two spaces  \nbreak\n", "two spaces\\\nbreak\n"],
  ];
  for (const [input, canonical] of cases) {
    assert.equal(roundTrip(input), canonical);
    assert.equal(roundTrip(canonical), canonical);
  }
});

test("text typed into the editor is escaped where it would be markup", () => {
  const cases = [
    ["# not a heading", "\\# not a heading\n"],
    ["- not a list", "\\- not a list\n"],
    ["1. not a list", "1\\. not a list\n"],
    ["*not emphasis*", "\\*not emphasis\\*\n"],
    ["[not](a link)", "\\[not\\](a link)\n"],
    ["<script>", "\\<script>\n"],
    ["> not a quote", "\\> not a quote\n"],
    ["&copy;", "\\&copy;\n"],
  ];
  for (const [text, md] of cases) {
    const doc = parseMarkdown("x");
    const typed = doc.type.schema.node("doc", null, [doc.type.schema.node("paragraph", null, [doc.type.schema.text(text)])]);
    assert.equal(serializeMarkdown(typed), md);
    // And it reads back as the same text.
    assert.equal(parseMarkdown(md).textContent, text);
  }
});

test("hostile text serializes in linear time", () => {
  for (const unit of ["[", "&", "*", "\\", "[a]", "`", "<a"]) {
    const text = unit.repeat(50_000);
    const doc = parseMarkdown("x");
    const s = doc.type.schema;
    const typed = s.node("doc", null, [s.node("paragraph", null, [s.text(text)])]);
    const start = performance.now();
    const md = serializeMarkdown(typed);
    const took = performance.now() - start;
    assert.ok(took < 1500, `${unit} × 50,000 took ${took.toFixed(0)} ms`);
    assert.equal(parseMarkdown(md).textContent, text, `${unit} × 50,000 reads back as typed`);
  }
});

test("any typed text reads back as typed (2,000 random strings of markup characters)", () => {
  // A small seeded generator: the same strings every run.
  let seed = 20261207;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const alphabet = ["a", "b", " ", "*", "_", "[", "]", "(", ")", "!", "<", ">", "&", "#", ";", "`", "~", "\\", "-", "+", "=", "|", "1", ".", ":", "^", "x:", "amp;", "/"];
  const s = parseMarkdown("x").type.schema;
  const failures = [];
  for (let n = 0; n < 2000; n++) {
    let text = "";
    const len = 1 + Math.floor(random() * 14);
    for (let i = 0; i < len; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    text = text.trim();
    if (!text) continue;
    const md = serializeMarkdown(s.node("doc", null, [s.node("paragraph", null, [s.text(text)])]));
    const back = parseMarkdown(md);
    const same = back.childCount === 1 && back.firstChild.type.name === "paragraph" && back.firstChild.childCount === 1 &&
      back.firstChild.firstChild.isText && back.firstChild.firstChild.marks.length === 0 && back.textContent === text;
    if (!same) failures.push(`${JSON.stringify(text)} → ${JSON.stringify(md)} → ${JSON.stringify(back.toJSON()).slice(0, 200)}`);
  }
  assert.deepEqual(failures, []);
});
