// Bundles src/index.js and its npm dependencies (package-lock.json) into
// one minified script, ../admin/static/editor.js, which the binary embeds
// and serves at /admin/assets/editor.js. Deterministic: the same lock file
// gives the same bytes, which `.ci/run` checks against the committed file.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";

const here = (p) => new URL(p, import.meta.url).pathname;
const lock = JSON.parse(readFileSync(here("./package-lock.json"), "utf8"));

const result = await build({
  entryPoints: [here("./src/index.js")],
  outfile: "editor.js",
  absWorkingDir: here("."),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  charset: "utf8",
  metafile: true,
  write: false,
  logLevel: "warning",
});

// Name every package that ended up in the bundle, with its version and
// licence, in a comment at the top (what `legalComments` would scatter).
const used = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) used.add(m[1]);
}
const lines = [...used].sort().map((name) => {
  const p = lock.packages[`node_modules/${name}`] || {};
  return ` * ${name} ${p.version} (${p.license || "see its package"})`;
});
const banner = `/* Prensa's rich Markdown editor, built by crates/prensa-web/editor/build.sh. Bundled packages:\n${lines.join("\n")}\n */\n`;
writeFileSync(here("../admin/static/editor.js"), banner + result.outputFiles[0].text);
