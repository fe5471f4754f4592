// Figures, galleries and embeds in the editor: what the figure form
// inserts is the Markdown the renderer reads as a figure, and it
// round-trips; the editor's embed check agrees with the renderer's rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMarkdown, serializeMarkdown } from "../src/markdown.js";
import { schema } from "../src/schema.js";
import { embedProvider, figureNode, paragraphKind } from "../src/figures.js";

const doc = (...blocks) => schema.nodes.doc.create(null, blocks);

test("the figure form writes a figure: images, caption, credit", () => {
  const node = figureNode([{ src: "/media/0123456789abcdef.jpg", alt: "A quay *at* dawn" }], "The quay\nat dawn.", "— Photo: Ana");
  const md = serializeMarkdown(doc(node));
  assert.equal(md, "![A quay \\*at\\* dawn](/media/0123456789abcdef.jpg)\nThe quay\nat dawn.\n— Photo: Ana\n");
  assert.equal(serializeMarkdown(parseMarkdown(md)), md);
  assert.equal(paragraphKind(parseMarkdown(md).firstChild), "figure");
});

test("several images make a gallery; no caption, no caption lines", () => {
  const node = figureNode([{ src: "/media/aa.jpg", alt: "One" }, { src: "/media/bb.png", alt: "Two" }], "  ", "");
  const md = serializeMarkdown(doc(node));
  assert.equal(md, "![One](/media/aa.jpg)\n![Two](/media/bb.png)\n");
  assert.equal(paragraphKind(parseMarkdown(md).firstChild), "gallery");
  assert.equal(serializeMarkdown(parseMarkdown(md)), md);
});

test("paragraph shapes as the renderer reads them", () => {
  const kind = (md) => paragraphKind(parseMarkdown(md).firstChild);
  assert.equal(kind("![a](/x.png)\nCaption\n— Credit"), "figure");
  assert.equal(kind("Text ![a](/x.png)"), null);
  assert.equal(kind("![a](/x.png)\ntext\n![b](/y.png)"), null);
  assert.equal(kind("https://youtu.be/dQw4w9WgXcQ"), "embed");
  assert.equal(kind("<https://x.com/jack/status/20>"), "embed");
  assert.equal(kind("See https://youtu.be/dQw4w9WgXcQ"), null);
  assert.equal(kind("Just text."), null);
});

test("embed addresses: the renderer's providers and nothing else", () => {
  for (const [url, provider] of [
    ["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", "YouTube"],
    ["https://youtu.be/dQw4w9WgXcQ", "YouTube"],
    ["https://vimeo.com/76979871", "Vimeo"],
    ["https://framatube.org/w/9c9de5e8Rjg2kbNhBqWeHs", "PeerTube"],
    ["https://mastodon.social/@Gargron/109372348196123456", "Mastodon"],
    ["https://bsky.app/profile/jay.bsky.team/post/3kfdpoyfbvb2a", "Bluesky"],
    ["https://twitter.com/jack/status/20", "X"],
    ["https://soundcloud.com/artist-name/track-name", "SoundCloud"],
    ["https://open.spotify.com/intl-de/track/4cOdK2wGLETKBW3PvgPWqT", "Spotify"],
    ["https://artist.bandcamp.com/album/some-album", "Bandcamp"],
  ]) assert.equal(embedProvider(url), provider, url);
  for (const url of [
    "javascript:alert(1)//www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://evil.example/watch?v=dQw4w9WgXcQ",
    "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://user:pw@www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=<script>",
    "https://x.com/jack",
    "https://localhost/@user/1",
  ]) assert.equal(embedProvider(url), null, url);
});
