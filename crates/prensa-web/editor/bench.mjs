// Times parse and serialize of the demo's longest article (BENCHMARKS.md).
// Run: node bench.mjs (after npm ci).
import { readFileSync } from "node:fs";
import { parseMarkdown, serializeMarkdown } from "./src/markdown.js";
const t = readFileSync(new URL("../../../demo/articles/long-read-benchmark-feature.md", import.meta.url), "utf8").split(/\n\+\+\+\n/)[1];
for (let i = 0; i < 20; i++) serializeMarkdown(parseMarkdown(t));
const n = 200; let s = process.hrtime.bigint();
for (let i = 0; i < n; i++) parseMarkdown(t);
const p = Number(process.hrtime.bigint() - s) / n / 1e6; s = process.hrtime.bigint();
const d = parseMarkdown(t);
for (let i = 0; i < n; i++) serializeMarkdown(d);
const q = Number(process.hrtime.bigint() - s) / n / 1e6;
console.log(`words ${t.split(/\s+/).length} bytes ${t.length} parse ${p.toFixed(2)} ms serialize ${q.toFixed(2)} ms`);
