// Figures, galleries and embeds in the rich editor.
//
// The stored Markdown stays what the renderer reads
// (crates/prensa-render/src/markdown.rs): a figure is a paragraph whose
// first lines hold only images, then caption lines, the last one the
// credit when it starts with "— ":
//
//     ![A crowd fills the plaza](/media/3f2a….jpg)
//     The plaza on the morning of the strike.
//     — Photo: Ana Ribeiro
//
// so in the editor it is an ordinary paragraph (image nodes and text with
// line breaks), which round-trips byte for byte like any other. This
// module adds what makes it a figure to a writer: uploading (toolbar
// button, drop, paste) to the media library, a form that asks for each
// image's alt text (required: nothing is inserted without it), a caption
// and a credit, and decorations that show figures, galleries and embeds
// as such. An embed is a paragraph holding one URL of a known provider;
// the renderer decides (strict URL parsing), and `embedProvider` below
// mirrors its rules for the editor's card only.
import { Plugin } from "prosemirror-state";
import { Decoration, DecorationSet } from "prosemirror-view";
import { schema } from "./schema.js";

const S = schema.nodes;

// ------------------------------------------------------------ embeds

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const DIGITS = (max) => new RegExp(`^[0-9]{1,${max}}$`);
const SLUG = /^[A-Za-z0-9_-]{1,100}$/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The provider's name if `text` is one URL the renderer embeds, else null. */
export function embedProvider(text) {
  const t = String(text).trim();
  if (!t || /\s/.test(t) || !/^https?:\/\//i.test(t) || t.length > 2048) return null;
  let url;
  try {
    url = new URL(t);
  } catch {
    return null;
  }
  if (url.username || url.password || url.port) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const bare = host.replace(/^www\./, "");
  const seg = url.pathname.split("/").filter(Boolean);
  const is = (...parts) => seg.length === parts.length && parts.every((p, i) => (typeof p === "string" ? seg[i] === p : p.test(seg[i])));
  switch (bare) {
    case "youtube.com":
    case "m.youtube.com":
    case "music.youtube.com":
    case "youtube-nocookie.com":
      if (is("watch")) return YOUTUBE_ID.test(url.searchParams.get("v") || "") ? "YouTube" : null;
      return seg.length === 2 && ["shorts", "embed", "live"].includes(seg[0]) && YOUTUBE_ID.test(seg[1]) ? "YouTube" : null;
    case "youtu.be":
      return is(YOUTUBE_ID) ? "YouTube" : null;
    case "vimeo.com":
      return is(DIGITS(12)) ? "Vimeo" : null;
    case "player.vimeo.com":
      return is("video", DIGITS(12)) ? "Vimeo" : null;
    case "x.com":
    case "twitter.com":
    case "mobile.twitter.com":
    case "mobile.x.com":
      return is(/^[A-Za-z0-9_]{1,15}$/, "status", DIGITS(20)) ? "X" : null;
    case "bsky.app":
      return seg.length === 4 && seg[0] === "profile" && seg[2] === "post" && /^[A-Za-z0-9]{1,64}$/.test(seg[3]) ? "Bluesky" : null;
    case "soundcloud.com":
    case "m.soundcloud.com":
      return is(SLUG, SLUG) || is(SLUG, "sets", SLUG) ? "SoundCloud" : null;
    case "open.spotify.com": {
      const rest = seg[0] && seg[0].startsWith("intl-") ? seg.slice(1) : seg;
      return rest.length === 2 && ["track", "album", "playlist", "episode", "show", "artist"].includes(rest[0]) && /^[A-Za-z0-9]{22}$/.test(rest[1])
        ? "Spotify" : null;
    }
    default:
      if (host.endsWith(".bandcamp.com")) return is(/^(track|album)$/, SLUG) ? "Bandcamp" : null;
      if (!HOSTNAME.test(host)) return null;
      if (is("w", /^[1-9A-HJ-NP-Za-km-z]{22}$/) || is("videos", "watch", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)) return "PeerTube";
      if (is(/^@[A-Za-z0-9_]{1,64}(@[A-Za-z0-9.-]+)?$/, DIGITS(20))) return "Mastodon";
      return null;
  }
}

// ------------------------------------------------------------ figures

/** The paragraph's shape: "figure", "gallery", "embed" or null. */
export function paragraphKind(node) {
  if (node.type !== S.paragraph || node.childCount === 0) return null;
  if (node.childCount === 1 && node.firstChild.isText) {
    // Bare, or an autolink (`<https://…>`): a link whose text is its address.
    const { text, marks } = node.firstChild;
    const plain = marks.every((m) => m.type === schema.marks.link && m.attrs.href === text);
    return plain && embedProvider(text) ? "embed" : null;
  }
  // Lines (split at line breaks) of items: images, text, anything else.
  const lines = [[]];
  node.forEach((child) => {
    if (child.type === S.hard_break) lines.push([]);
    else if (child.isText) {
      child.text.split("\n").forEach((piece, i) => {
        if (i) lines.push([]);
        if (piece) lines[lines.length - 1].push(piece);
      });
    } else lines[lines.length - 1].push(child);
  });
  // As the renderer: leading lines of images (and spaces) only, then
  // caption lines without images.
  let images = 0;
  let caption = false;
  for (const line of lines) {
    const pics = line.filter((item) => typeof item !== "string" && item.type === S.image).length;
    const onlyImages = pics > 0 && line.every((item) => (typeof item === "string" ? !item.trim() : item.type === S.image));
    if (!caption && onlyImages) images += pics;
    else if (!caption) caption = true;
    if (caption && pics) return null;
  }
  if (!images) return null;
  return images > 1 ? "gallery" : "figure";
}

/**
 * A figure paragraph: the images (each `{src, alt}`) on lines of their
 * own, then the caption and the credit on lines after them.
 */
export function figureNode(images, caption, credit) {
  const content = [];
  images.forEach((image, i) => {
    if (i) content.push(schema.text("\n"));
    content.push(S.image.create({ src: image.src, alt: image.alt }));
  });
  const lines = [];
  // A caption's own line breaks stay lines of the caption.
  const clean = (s) => s.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trim()).filter(Boolean).join("\n");
  if (clean(caption)) lines.push(clean(caption));
  if (clean(credit)) lines.push("— " + clean(credit).replace(/\n/g, " ").replace(/^(—|―|--)\s*/, ""));
  if (lines.length) content.push(schema.text("\n" + lines.join("\n")));
  return S.paragraph.create(null, content);
}

/** Decorations that show figures, galleries and embeds for what they are. */
export function figureDecorations() {
  const build = (doc) => {
    const decorations = [];
    doc.descendants((node, pos) => {
      if (node.type !== S.paragraph) return true;
      const kind = paragraphKind(node);
      if (kind === "embed") {
        const provider = embedProvider(node.firstChild.text);
        decorations.push(Decoration.node(pos, pos + node.nodeSize, { class: "embed-card", "data-provider": provider }));
      } else if (kind) {
        decorations.push(Decoration.node(pos, pos + node.nodeSize, { class: kind === "gallery" ? "figure-card gallery-card" : "figure-card" }));
      }
      return false;
    });
    return DecorationSet.create(doc, decorations);
  };
  return new Plugin({
    state: {
      init: (_, state) => build(state.doc),
      apply: (tr, old) => (tr.docChanged ? build(tr.doc) : old),
    },
    props: {
      decorations(state) {
        return this.getState(state);
      },
    },
  });
}

// ------------------------------------------------------------ uploads

/** The media library's upload address: the admin's, from the form's own. */
function uploadUrl(form) {
  const path = new URL(form.action, window.location.href).pathname;
  const at = path.indexOf("/admin/");
  return (at >= 0 ? path.slice(0, at) : "") + "/admin/media/";
}

/** Uploads one file; resolves to `{key, url, width, height, name}`. */
export async function uploadImage(form, file) {
  const body = new FormData();
  const csrf = form.querySelector("input[name=csrf]");
  body.append("csrf", csrf ? csrf.value : "");
  body.append("file", file, file.name || "image");
  let response;
  try {
    response = await fetch(uploadUrl(form), {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  } catch {
    throw new Error(`${file.name || "The image"} could not be sent; check the connection and try again.`);
  }
  let reply = null;
  try {
    reply = await response.json();
  } catch {
    reply = null;
  }
  if (!response.ok || !reply || !reply.url) {
    const message = reply && reply.error && reply.error.message;
    throw new Error(message || `${file.name || "The image"} was not stored (HTTP ${response.status}).`);
  }
  return reply;
}

/** The image files of a drop or a paste, if any. */
export function imageFiles(dataTransfer) {
  if (!dataTransfer || !dataTransfer.files) return [];
  return [...dataTransfer.files].filter((f) => /^image\//.test(f.type));
}

// ------------------------------------------------------------ the forms

let formCount = 0;

function field(labelText, input, hint) {
  const id = `figure-field-${++formCount}`;
  const wrap = document.createElement("p");
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = labelText;
  input.id = id;
  wrap.append(label, input);
  if (hint) {
    const h = document.createElement("span");
    h.className = "hint";
    h.id = `${id}-hint`;
    h.textContent = hint;
    input.setAttribute("aria-describedby", h.id);
    wrap.append(h);
  }
  return wrap;
}

/**
 * The figure form under the toolbar: a thumbnail and a required alt text
 * for each uploaded image, one caption and one credit. `open(images,
 * insert)` shows it; Insert calls `insert(images with alt, caption,
 * credit)` only when every alt text is given.
 */
export function figureForm() {
  const box = document.createElement("div");
  box.className = "figure-form";
  box.hidden = true;
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "Figure");
  const status = document.createElement("p");
  status.className = "figure-status";
  status.setAttribute("role", "status");
  const error = document.createElement("p");
  error.className = "error figure-error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  const list = document.createElement("div");
  list.className = "figure-images";
  const caption = document.createElement("textarea");
  caption.rows = 2;
  caption.name = "figure-caption";
  const credit = document.createElement("input");
  credit.type = "text";
  credit.name = "figure-credit";
  const insert = document.createElement("button");
  insert.type = "button";
  insert.className = "primary";
  insert.textContent = "Insert figure";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = "Cancel";
  const buttons = document.createElement("p");
  buttons.className = "figure-buttons";
  buttons.append(insert, cancel);
  const captionField = field("Caption (optional)", caption);
  const creditField = field("Credit (optional)", credit, "e.g. Photo: Ana Ribeiro");
  box.append(status, error, list, captionField, creditField, buttons);

  let current = null;
  const close = (view) => {
    box.hidden = true;
    current = null;
    list.replaceChildren();
    if (view) view.focus();
  };
  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
  };
  insert.addEventListener("click", () => {
    if (!current) return;
    const inputs = [...list.querySelectorAll("input")];
    const missing = inputs.filter((i) => !i.value.trim());
    for (const i of inputs) i.setAttribute("aria-invalid", String(!i.value.trim()));
    if (missing.length) {
      showError("Describe every image for readers who cannot see it: the alt text is required.");
      missing[0].focus();
      return;
    }
    const images = current.images.map((image, i) => ({ ...image, alt: inputs[i].value.trim() }));
    const { done, view } = current;
    done(images, caption.value, credit.value);
    close(view);
  });
  cancel.addEventListener("click", () => close(current && current.view));
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close(current && current.view);
    }
  });

  return {
    box,
    /** Shows the form busy while files upload. */
    uploading(count) {
      box.hidden = false;
      list.replaceChildren();
      showError("");
      captionField.hidden = creditField.hidden = buttons.hidden = true;
      status.textContent = `Uploading ${count} ${count === 1 ? "image" : "images"}…`;
    },
    failed(view, message) {
      box.hidden = false;
      status.textContent = "";
      showError(message);
      captionField.hidden = creditField.hidden = true;
      buttons.hidden = false;
      insert.hidden = true;
      current = { images: [], done: () => {}, view };
      cancel.focus();
    },
    open(view, images, done) {
      current = { images, done, view };
      box.hidden = false;
      showError("");
      insert.hidden = false;
      captionField.hidden = creditField.hidden = buttons.hidden = false;
      status.textContent = images.length > 1 ? `${images.length} images uploaded: a gallery.` : "Image uploaded.";
      caption.value = "";
      credit.value = "";
      list.replaceChildren(
        ...images.map((image, i) => {
          const row = document.createElement("div");
          row.className = "figure-image";
          const thumb = document.createElement("img");
          thumb.src = image.url;
          thumb.alt = "";
          thumb.width = 96;
          const alt = document.createElement("input");
          alt.type = "text";
          alt.required = true;
          alt.name = "figure-alt";
          alt.value = image.alt || "";
          const label = images.length > 1 ? `Alt text of image ${i + 1} (required)` : "Alt text (required)";
          row.append(thumb, field(label, alt, image.name ? `What ${image.name} shows, for readers who cannot see it` : "What the image shows"));
          return row;
        }),
      );
      const first = list.querySelector("input");
      if (first) first.focus();
    },
  };
}

/** The embed form: one URL, refused unless the renderer embeds it. */
export function embedForm() {
  const box = document.createElement("div");
  box.className = "link-form embed-form";
  box.hidden = true;
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "Embed");
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "url";
  input.placeholder = "https://www.youtube.com/watch?v=…";
  const wrap = field("Embed address", input, "YouTube, Vimeo, PeerTube, Mastodon, Bluesky, X, SoundCloud, Spotify or Bandcamp");
  const apply = document.createElement("button");
  apply.type = "button";
  apply.textContent = "Embed";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = "Cancel";
  const error = document.createElement("p");
  error.className = "error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  box.append(wrap, apply, cancel, error);
  let current = null;
  const close = () => {
    box.hidden = true;
    const view = current && current.view;
    current = null;
    if (view) view.focus();
  };
  const done = () => {
    const url = input.value.trim();
    if (!embedProvider(url)) {
      error.textContent = "That is not an address of a video or post Prensa embeds; add it as a link instead.";
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    const { view, insert } = current;
    insert(view, url);
    close();
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      done();
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });
  apply.addEventListener("click", done);
  cancel.addEventListener("click", close);
  return {
    box,
    open(view, insert) {
      current = { view, insert };
      input.value = "";
      input.removeAttribute("aria-invalid");
      error.hidden = true;
      box.hidden = false;
      input.focus();
    },
  };
}

/** Inserts `node` (a paragraph) as a block of its own at `pos` or the cursor. */
export function insertBlock(view, node, pos) {
  const { state } = view;
  let tr = state.tr;
  const at = pos != null ? pos : state.selection.from;
  const $at = tr.doc.resolve(Math.min(at, tr.doc.content.size));
  // After the paragraph the cursor is in (or at the drop point's block).
  let insertAt = $at.depth > 0 ? $at.after(1) : $at.pos;
  const empty = $at.depth > 0 && $at.node(1).type === S.paragraph && $at.node(1).content.size === 0;
  if (empty) {
    tr = tr.replaceWith($at.before(1), $at.after(1), node);
  } else {
    tr = tr.insert(insertAt, node);
  }
  view.dispatch(tr.scrollIntoView());
}
