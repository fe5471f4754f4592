// Progressive enhancement for the editor. Everything here also works
// without JavaScript (buttons submit the form; Preview opens a tab); this
// adds the slug suggestion, a live preview and autosave of drafts.
"use strict";

(function () {
  const form = document.getElementById("editor");
  if (!form) return;
  const csrf = form.querySelector("input[name=csrf]").value;
  const headline = form.querySelector("#headline");
  const slug = form.querySelector("#slug");
  const version = form.querySelector("#version");
  const status = document.getElementById("autosave-status");

  // The same folding as the server's slugify for the common cases; the
  // server re-checks and re-derives an empty slug anyway.
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/ß/g, "ss").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }
  slug.addEventListener("input", () => { slug.dataset.touched = "1"; });
  headline.addEventListener("input", () => {
    if (!slug.dataset.touched) slug.value = slugify(headline.value);
  });

  function body() {
    const data = new URLSearchParams();
    for (const [k, v] of new FormData(form)) {
      if (typeof v === "string" && k !== "intent") data.append(k, v);
    }
    return data;
  }

  // Live preview: the real theme, rendered by the server, shown in a
  // sandboxed frame (no scripts, no same-origin access).
  const section = document.querySelector(".live-preview");
  const frame = document.getElementById("preview-frame");
  const editor = document.querySelector(".editor");
  const previewButton = form.querySelector("button[formtarget=_blank][formaction]");
  const previewUrl = previewButton ? previewButton.formAction : "";
  let previewTimer = null;
  const bodyField = form.querySelector("#body");
  // Which block of the body (0-based: paragraph, heading, list, quote…)
  // holds the caret, when the writer is in the body: in the Markdown
  // textarea, blocks are separated by blank lines; in the rich editor
  // (editor.js), they are the top-level children of its editable root.
  function caretBlock() {
    const active = document.activeElement;
    if (active && active === bodyField) {
      const before = bodyField.value.slice(0, bodyField.selectionStart).replace(/^\s+/, "");
      return before ? before.split(/\n[ \t]*\n(?:[ \t]*\n)*/).length - 1 : 0;
    }
    const root = active && active.isContentEditable ? active.closest(".rich-editor [contenteditable=true]") : null;
    const sel = window.getSelection();
    if (!root || !sel || !sel.anchorNode || !root.contains(sel.anchorNode)) return null;
    let node = sel.anchorNode;
    while (node.parentNode && node.parentNode !== root) node = node.parentNode;
    return Array.prototype.indexOf.call(root.children, node);
  }
  // The preview keeps its place across refreshes: at the block being
  // edited when the caret is in the body, else where the reader left it.
  // (The frame allows same-origin access for this, never scripts.)
  function keepPlace(block, scrollY) {
    const win = frame.contentWindow;
    const doc = frame.contentDocument;
    if (!win || !doc) return;
    const blocks = doc.querySelector(".body");
    const target = block !== null && blocks && blocks.children.length
      ? blocks.children[Math.min(block, blocks.children.length - 1)] : null;
    if (target) {
      win.scrollTo(0, Math.max(0, target.getBoundingClientRect().top + win.scrollY - win.innerHeight / 3));
    } else {
      win.scrollTo(0, scrollY);
    }
  }
  async function refreshPreview() {
    // The Preview button's own address: it carries the publication's
    // path prefix (`/de/admin/…`), which this script cannot guess.
    const res = await fetch(previewUrl, {
      method: "POST", body: body(), headers: { "x-csrf-token": csrf }, credentials: "same-origin",
    });
    if (!res.ok) return;
    const html = await res.text();
    const block = caretBlock();
    const scrollY = frame.contentWindow ? frame.contentWindow.scrollY : 0;
    frame.addEventListener("load", () => keepPlace(block, scrollY), { once: true });
    frame.srcdoc = html;
  }
  if (section && frame && previewUrl && window.matchMedia("(min-width: 70rem)").matches) {
    section.hidden = false;
    editor.classList.add("previewing");
    refreshPreview();
    form.addEventListener("input", () => {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(refreshPreview, 600);
    });
  }

  // Autosave of drafts every 10 seconds after a change. A stale version
  // stops it (someone else saved); a normal save then shows the diff.
  const url = form.dataset.autosave;
  if (!url) return;
  let dirty = false;
  let stopped = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { stopped = true; });
  setInterval(async () => {
    if (!dirty || stopped) return;
    dirty = false;
    try {
      const res = await fetch(url, {
        method: "POST", body: body(), headers: { "x-csrf-token": csrf }, credentials: "same-origin",
      });
      const reply = await res.json();
      status.textContent = reply.message;
      if (res.ok) version.value = String(reply.version);
      if (res.status === 409) stopped = true;
    } catch (e) {
      dirty = true;
      status.textContent = "Autosave failed; your text is still here. Save to keep it.";
    }
  }, 10000);
})();

// Image pickers (media_parts.html): radio buttons with thumbnails that
// work without JavaScript. This adds a search box that swaps in the
// library's matching images (the server renders them: GET
// /admin/media/picker?fragment=1), and, for the lead image, fills empty
// alt text and caption with the library's when an image is chosen.
(function () {
  for (const picker of document.querySelectorAll("[data-picker]")) {
    const field = picker.dataset.picker;
    const list = picker.querySelector("[data-picker-list]");
    const search = picker.querySelector("[data-picker-search]");
    const box = picker.querySelector(".picker-search");
    if (!list || !search || !box) continue;
    box.hidden = false;
    const current = () => {
      const checked = list.querySelector("input[type=radio]:checked");
      return checked ? checked.value : "";
    };
    let timer = 0;
    let asked = 0;
    async function refresh() {
      const n = ++asked;
      const url = new URL(picker.dataset.pickerUrl, location.href);
      url.searchParams.set("fragment", "1");
      url.searchParams.set("field", field);
      url.searchParams.set("q", search.value);
      url.searchParams.set("current", current());
      try {
        const res = await fetch(url, { credentials: "same-origin" });
        if (!res.ok || n !== asked) return;
        list.innerHTML = await res.text();
      } catch (e) {
        // The choices shown stay usable.
      }
    }
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    // Enter in the search box searches; it must not submit the form.
    search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(timer);
        refresh();
      }
    });
    const alt = picker.dataset.fillAlt && document.getElementById(picker.dataset.fillAlt);
    const caption = picker.dataset.fillCaption && document.getElementById(picker.dataset.fillCaption);
    list.addEventListener("change", (e) => {
      const radio = e.target;
      if (!(radio instanceof HTMLInputElement) || radio.type !== "radio" || !radio.value) return;
      if (alt && !alt.value.trim() && radio.dataset.alt) alt.value = radio.dataset.alt;
      if (caption && !caption.value.trim() && radio.dataset.caption) caption.value = radio.dataset.caption;
    });
  }
})();

// The editor's search and social preview (issue 14): redrawn as one
// types, with the server's fallbacks (meta title → "Headline — Site",
// meta description → standfirst, social → meta, social image → the lead
// image, canonical → the article's address) and cuts (60 and 155
// characters). Without JavaScript the server's rendering of the saved
// values stays.
(function () {
  const preview = document.getElementById("seo-preview");
  const form = document.getElementById("editor");
  if (!preview || !form) return;
  const field = (id) => document.getElementById(id);
  const value = (id) => (field(id) ? field(id).value.trim() : "");
  function cut(text, max) {
    const chars = Array.from(text);
    if (chars.length <= max) return [text, false];
    return [chars.slice(0, max - 1).join("").trimEnd() + "…", true];
  }
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/ß/g, "ss").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }
  function redraw() {
    const site = preview.dataset.siteName;
    const title = value("seo_meta_title") || (value("headline") + " — " + site);
    const description = value("seo_meta_description") || value("standfirst");
    const slug = value("slug") || slugify(value("headline"));
    const url = value("seo_canonical_url") || (preview.dataset.baseUrl + "/" + slug + "/");
    const [t, tCut] = cut(title, 60);
    const [d, dCut] = cut(description, 155);
    field("serp-title").textContent = t;
    field("serp-description").textContent = d;
    field("serp-url").textContent = url;
    field("serp-cut").textContent = (tCut ? "The title is cut after about 60 characters. " : "") +
      (dCut ? "The description is cut after about 155 characters." : "");
    field("card-title").textContent = value("seo_social_title") || title;
    field("card-description").textContent = value("seo_social_description") || description;
    const key = value("seo_social_image") || value("image_key");
    const img = field("card-image");
    if (key) {
      img.src = preview.dataset.mediaRoot + key;
      img.hidden = false;
    } else {
      img.removeAttribute("src");
      img.hidden = true;
    }
  }
  form.addEventListener("input", redraw);
  form.addEventListener("change", redraw);
})();
