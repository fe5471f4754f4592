// Word count and reading time as the public page computes them
// (crates/prensa-render/src/markdown.rs `WordCount`, views.rs: 230 words
// a minute, at least one): readable text of the body and footnotes, not
// alt text or markup; each CJK character counts as a word.

const UNSPACED = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}\u0e00-\u0e7f]/u;
const ALNUM = /[\p{L}\p{N}]/u;

/** Words in a ProseMirror document. */
export function countWords(doc) {
  let count = 0;
  let inWord = false;
  doc.descendants((node) => {
    // Raw HTML is markup, as on the page.
    if (node.type.name === "html_block") {
      inWord = false;
      return false;
    }
    if (node.isText) {
      for (const c of node.text) {
        if (/\s/u.test(c)) inWord = false;
        else if (UNSPACED.test(c)) {
          count++;
          inWord = false;
        } else if (ALNUM.test(c) && !inWord) {
          count++;
          inWord = true;
        }
      }
    } else {
      // Block boundaries, breaks and inline atoms separate words.
      inWord = false;
    }
    return true;
  });
  return count;
}

/** Minutes to read `words`, as the article page shows it. */
export function readingMinutes(words) {
  return Math.max(1, Math.ceil(words / 230));
}
