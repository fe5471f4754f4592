// The admin's rich Markdown editor: mounted over the article editor's body
// `<textarea>`, which stays the form field (the stored format is Markdown;
// without JavaScript the textarea is the editor). Every change is written
// back to the textarea as Markdown, so the form, the live preview and the
// autosave in admin.js see the same text as they always did.
//
// Why ProseMirror: its schema is ours to define (exactly the constructs the
// renderer supports), prosemirror-markdown gives a parser (markdown-it) and
// a serializer we control, which is what a byte-stable round trip needs
// (test/roundtrip.test.mjs), and its author maintains both. Tiptap and
// Milkdown are layers over the same core that would add size, not control.
import { EditorState, Plugin, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { Slice } from "prosemirror-model";
import { keymap } from "prosemirror-keymap";
import { history, undo, redo } from "prosemirror-history";
import {
  baseKeymap, toggleMark, setBlockType, wrapIn, lift, chainCommands, exitCode,
} from "prosemirror-commands";
import { wrapInList, liftListItem, sinkListItem, splitListItem } from "prosemirror-schema-list";
import {
  inputRules, wrappingInputRule, textblockTypeInputRule, InputRule, undoInputRule,
} from "prosemirror-inputrules";
import { dropCursor } from "prosemirror-dropcursor";
import { gapCursor } from "prosemirror-gapcursor";
import {
  tableEditing, goToNextCell, addRowAfter, addColumnAfter, deleteRow, deleteColumn, isInTable,
} from "prosemirror-tables";
import { schema } from "./schema.js";
import { parseMarkdown, serializeMarkdown } from "./markdown.js";
import { cleanPastedHTML } from "./paste.js";
import { countWords, readingMinutes } from "./words.js";
import {
  figureDecorations, figureForm, embedForm, uploadImage, imageFiles, figureNode, insertBlock, embedProvider,
} from "./figures.js";

const S = schema.nodes;
const M = schema.marks;
const MODE_KEY = "prensa-editor-mode";

// ------------------------------------------------------------ commands

function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks || $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

function blockActive(state, type, attrs = {}) {
  const { $from, to } = state.selection;
  if (to > $from.end()) return false;
  const parent = $from.parent;
  return parent.type === type && Object.entries(attrs).every(([k, v]) => parent.attrs[k] === v);
}

function inside(state, type) {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === type) return true;
  return false;
}

function toggleHeading(level) {
  return (state, dispatch) =>
    blockActive(state, S.heading, { level })
      ? setBlockType(S.paragraph)(state, dispatch)
      : setBlockType(S.heading, { level })(state, dispatch);
}

function toggleList(type) {
  return (state, dispatch) => {
    if (inside(state, type)) return liftListItem(S.list_item)(state, dispatch);
    return wrapInList(type)(state, dispatch);
  };
}

function toggleQuote(state, dispatch) {
  if (inside(state, S.blockquote)) return lift(state, dispatch);
  return wrapIn(S.blockquote)(state, dispatch);
}

// Link: with the cursor in a link, remove it; with a selection, ask for
// the address in the link form under the toolbar (see `linkForm`). No
// browser prompt: it is modal, unstyled and not part of the page.
let askForLink = null;
function toggleLink(state, dispatch, view) {
  const { from, to, empty } = state.selection;
  if (markActive(state, M.link)) {
    if (dispatch) {
      // The whole link around the cursor, not only the selected part.
      const found = linkRange(state.doc.resolve(from)) || { from, to };
      dispatch(state.tr.removeMark(found.from, found.to, M.link));
    }
    return true;
  }
  if (empty) return false;
  if (dispatch && view && askForLink) askForLink(view, from, to);
  return true;
}

function linkRange($pos) {
  const parent = $pos.parent;
  const start = $pos.start();
  let range = null;
  let offset = 0;
  parent.forEach((child) => {
    const link = M.link.isInSet(child.marks);
    const a = start + offset;
    const b = a + child.nodeSize;
    if (link && a <= $pos.pos && $pos.pos <= b) range = { from: a, to: b, link };
    offset += child.nodeSize;
  });
  if (!range) return null;
  // Widen over neighbours carrying the same link.
  offset = 0;
  parent.forEach((child) => {
    const a = start + offset;
    const b = a + child.nodeSize;
    if (range.link.isInSet(child.marks)) {
      if (b === range.from) range.from = a;
      if (a === range.to) range.to = b;
    }
    offset += child.nodeSize;
  });
  return range;
}

function insertRule(state, dispatch) {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(S.horizontal_rule.create()).scrollIntoView());
  return true;
}

function insertTable(state, dispatch) {
  if (isInTable(state)) return false;
  if (dispatch) {
    const cell = (type, text) => type.create(null, text ? schema.text(text) : null);
    const table = S.table.create(null, [
      S.table_row.create(null, [cell(S.table_header, "Heading"), cell(S.table_header, "Heading")]),
      S.table_row.create(null, [cell(S.table_cell), cell(S.table_cell)]),
    ]);
    const tr = state.tr.replaceSelectionWith(table);
    dispatch(tr.scrollIntoView());
  }
  return true;
}

// A footnote: a reference at the cursor with the next free number, and
// its definition at the end of the text, where the cursor goes next.
function insertFootnote(state, dispatch) {
  if (!state.selection.$from.parent.inlineContent || state.selection.$from.parent.type.spec.code) return false;
  if (!dispatch) return true;
  const used = new Set();
  state.doc.descendants((node) => {
    if (node.type === S.footnote_ref || node.type === S.footnote_def) used.add(String(node.attrs.label));
  });
  let n = 1;
  while (used.has(String(n))) n++;
  const label = String(n);
  let tr = state.tr.replaceSelectionWith(S.footnote_ref.create({ label }), false);
  const end = tr.doc.content.size;
  tr = tr.insert(end, S.footnote_def.create({ label }, S.paragraph.create()));
  tr = tr.setSelection(TextSelection.create(tr.doc, end + 2)).scrollIntoView();
  dispatch(tr);
  return true;
}

// Image and embed: the toolbar buttons open the file picker and the embed
// form that `mount` sets up (see figures.js).
let askForImages = null;
let askForEmbed = null;
function textblockHere(state) {
  const parent = state.selection.$from.parent;
  return parent.inlineContent && !parent.type.spec.code && !isInTable(state);
}
function insertImage(state, dispatch, view) {
  if (!textblockHere(state)) return false;
  if (dispatch && view && askForImages) askForImages(view);
  return true;
}
function insertEmbed(state, dispatch, view) {
  if (!textblockHere(state)) return false;
  if (dispatch && view && askForEmbed) askForEmbed(view);
  return true;
}

// Ctrl/Cmd+S: the form's own "save" button (Create draft / Save draft /
// Update), as if clicked, so the server sees intent=save.
function saveCommand(form) {
  return () => {
    const button = form.querySelector("button[name=intent][value=save]");
    if (button) form.requestSubmit(button);
    return true;
  };
}

// ------------------------------------------------------------ input rules

function rules() {
  return inputRules({
    rules: [
      wrappingInputRule(/^\s*>\s$/, S.blockquote),
      wrappingInputRule(/^\s*([-+*])\s$/, S.bullet_list, (m) => ({ bullet: m[1] === "*" ? "*" : m[1] })),
      wrappingInputRule(
        /^(\d+)([.)])\s$/,
        S.ordered_list,
        (m) => ({ order: +m[1], delim: m[2] }),
        (m, node) => node.childCount + node.attrs.order === +m[1],
      ),
      textblockTypeInputRule(/^```([\w+#.-]*)\s$/, S.code_block, (m) => ({ params: m[1] || "" })),
      textblockTypeInputRule(/^(#{1,6})\s$/, S.heading, (m) => ({ level: m[1].length })),
      new InputRule(/^(?:---|\*\*\*|___)$/, (state, _m, start, end) => {
        const $start = state.doc.resolve(start);
        if ($start.parent.type !== S.paragraph || $start.parent.content.size !== end - start) return null;
        return state.tr.replaceRangeWith($start.before(), $start.after(), S.horizontal_rule.create());
      }),
    ],
  });
}

// ------------------------------------------------------------ keymap

function keys(form) {
  const mod = {
    "Mod-z": undo,
    "Shift-Mod-z": redo,
    "Mod-y": redo,
    Backspace: undoInputRule,
    "Mod-b": toggleMark(M.strong),
    "Mod-B": toggleMark(M.strong),
    "Mod-i": toggleMark(M.em),
    "Mod-I": toggleMark(M.em),
    "Mod-e": toggleMark(M.code),
    "Mod-k": toggleLink,
    "Mod-s": saveCommand(form),
    "Mod-Alt-0": setBlockType(S.paragraph),
    "Mod-Alt-1": toggleHeading(2),
    "Mod-Alt-2": toggleHeading(3),
    "Mod-Alt-3": toggleHeading(4),
    "Shift-Mod-8": toggleList(S.bullet_list),
    "Shift-Mod-9": toggleList(S.ordered_list),
    "Shift-Mod-.": toggleQuote,
    "Mod-Alt-f": insertFootnote,
    "Mod-[": liftListItem(S.list_item),
    "Mod-]": sinkListItem(S.list_item),
    Enter: splitListItem(S.list_item),
    "Shift-Enter": chainCommands(exitCode, (state, dispatch) => {
      if (dispatch) dispatch(state.tr.replaceSelectionWith(S.hard_break.create()).scrollIntoView());
      return true;
    }),
    // Tab moves between table cells only; elsewhere it leaves the editor,
    // as keyboard users expect.
    Tab: goToNextCell(1),
    "Shift-Tab": goToNextCell(-1),
  };
  return keymap(mod);
}

// ------------------------------------------------------------ the toolbar

const isMac = typeof navigator !== "undefined" && /Mac|iP(hone|ad)/.test(navigator.platform);
const modName = isMac ? "⌘" : "Ctrl";

function shortcut(keys) {
  return keys.replace("Mod", modName).replace("Alt", isMac ? "⌥" : "Alt");
}

const BUTTONS = [
  { group: "Text style" },
  { label: "H2 heading", text: "H2", keys: "Mod+Alt+1", run: toggleHeading(2), active: (s) => blockActive(s, S.heading, { level: 2 }) },
  { label: "H3 subheading", text: "H3", keys: "Mod+Alt+2", run: toggleHeading(3), active: (s) => blockActive(s, S.heading, { level: 3 }) },
  { label: "Bold", text: "B", cls: "b", keys: "Mod+B", run: toggleMark(M.strong), active: (s) => markActive(s, M.strong) },
  { label: "Italic", text: "I", cls: "i", keys: "Mod+I", run: toggleMark(M.em), active: (s) => markActive(s, M.em) },
  { label: "Strikethrough", text: "S", cls: "s", run: toggleMark(M.strike), active: (s) => markActive(s, M.strike) },
  { label: "Link", text: "Link", keys: "Mod+K", run: toggleLink, active: (s) => markActive(s, M.link) },
  { group: "Blocks" },
  { label: "Bulleted list", text: "List", keys: "Mod+Shift+8", run: toggleList(S.bullet_list), active: (s) => inside(s, S.bullet_list) },
  { label: "Numbered list", text: "Numbered", keys: "Mod+Shift+9", run: toggleList(S.ordered_list), active: (s) => inside(s, S.ordered_list) },
  { label: "Quote", text: "Quote", keys: "Mod+Shift+.", run: toggleQuote, active: (s) => inside(s, S.blockquote) },
  { group: "Insert" },
  { label: "Footnote", text: "Footnote", keys: "Mod+Alt+F", run: insertFootnote },
  { label: "Image or gallery", text: "Image", run: insertImage },
  { label: "Embed", text: "Embed", run: insertEmbed },
  { label: "Table", text: "Table", run: insertTable },
  { label: "Add row", text: "Add row", run: addRowAfter, table: true },
  { label: "Add column", text: "Add column", run: addColumnAfter, table: true },
  { label: "Delete row", text: "Delete row", run: deleteRow, table: true },
  { label: "Delete column", text: "Delete column", run: deleteColumn, table: true },
  { label: "Horizontal rule", text: "Rule", run: insertRule },
];

function toolbar(getView) {
  const bar = document.createElement("div");
  bar.className = "toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Formatting");
  const items = [];
  let group = null;
  for (const b of BUTTONS) {
    if (b.group) {
      group = document.createElement("div");
      group.className = "toolbar-group";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", b.group);
      bar.append(group);
      continue;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = b.text;
    if (b.cls) button.classList.add(`t-${b.cls}`);
    // The visible text is part of the name (WCAG 2.5.3, label in name).
    if (b.label !== b.text) button.setAttribute("aria-label", b.label);
    button.title = b.keys ? `${b.label} (${shortcut(b.keys)})` : b.label;
    if (b.keys) button.setAttribute("aria-keyshortcuts", b.keys.replace("Mod", isMac ? "Meta" : "Control"));
    if (b.active) button.setAttribute("aria-pressed", "false");
    if (b.table) button.classList.add("table-only");
    // Keep the editor's selection: act on mousedown, not after a blur.
    button.addEventListener("mousedown", (e) => e.preventDefault());
    button.addEventListener("click", () => {
      const view = getView();
      b.run(view.state, view.dispatch, view);
      view.focus();
    });
    group.append(button);
    items.push({ spec: b, button });
  }
  // One tab stop for the whole toolbar; arrow keys move inside it (the
  // WAI-ARIA toolbar pattern), so the text is one Tab away from the title.
  let current = 0;
  const enabled = () => items.filter((i) => !i.button.disabled);
  const focusAt = (index) => {
    const list = enabled();
    if (!list.length) return;
    const item = list[(index + list.length) % list.length];
    for (const i of items) i.button.tabIndex = -1;
    item.button.tabIndex = 0;
    current = items.indexOf(item);
    item.button.focus();
  };
  bar.addEventListener("keydown", (e) => {
    const list = enabled();
    const at = list.indexOf(items[current]);
    if (e.key === "ArrowRight") focusAt(at + 1);
    else if (e.key === "ArrowLeft") focusAt(at - 1);
    else if (e.key === "Home") focusAt(0);
    else if (e.key === "End") focusAt(list.length - 1);
    else return;
    e.preventDefault();
  });
  const update = (state) => {
    for (const { spec, button } of items) {
      if (spec.active) button.setAttribute("aria-pressed", String(!!spec.active(state)));
      button.disabled = !spec.run(state);
      button.hidden = !!spec.table && !isInTable(state);
    }
    const list = enabled();
    const hasStop = items.some((i) => i.button.tabIndex === 0 && !i.button.disabled && !i.button.hidden);
    if (!hasStop && list.length) {
      for (const i of items) i.button.tabIndex = -1;
      list[0].button.tabIndex = 0;
      current = items.indexOf(list[0]);
    }
  };
  for (const i of items) i.button.tabIndex = -1;
  return { bar, update };
}

// A one-field form for a link's address, shown under the toolbar: Enter
// applies, Escape cancels; either way the cursor goes back to the text.
function linkForm() {
  const box = document.createElement("div");
  box.className = "link-form";
  box.hidden = true;
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "Link");
  const label = document.createElement("label");
  label.htmlFor = "rich-editor-link";
  label.textContent = "Link address";
  const input = document.createElement("input");
  input.id = "rich-editor-link";
  input.type = "text";
  input.inputMode = "url";
  input.placeholder = "https://…, /path/ or mailto:…";
  const apply = document.createElement("button");
  apply.type = "button";
  apply.textContent = "Apply";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = "Cancel";
  box.append(label, input, apply, cancel);
  let target = null;
  const close = () => {
    box.hidden = true;
    const view = target && target.view;
    target = null;
    if (view) view.focus();
  };
  const done = () => {
    const href = input.value.trim();
    if (target && href) {
      const { view, from, to } = target;
      view.dispatch(view.state.tr.addMark(from, to, M.link.create({ href })).scrollIntoView());
    }
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
  const open = (view, from, to) => {
    target = { view, from, to };
    input.value = "";
    box.hidden = false;
    input.focus();
  };
  return { box, open };
}

// ------------------------------------------------------------ mounting

function mount(form, textarea) {
  const label = form.querySelector(`label[for="${textarea.id}"]`);
  if (label && !label.id) label.id = `${textarea.id}-label`;
  // Whatever trailing newlines the stored text had, it keeps.
  let trailing = /\n*$/.exec(textarea.value)[0];
  const toMarkdown = (doc) => {
    const md = serializeMarkdown(doc);
    return md ? md.replace(/\n$/, "") + (trailing || "\n") : "";
  };

  const wrapper = document.createElement("div");
  wrapper.className = "rich-editor";
  const bar = toolbar(() => view);
  const host = document.createElement("div");
  host.className = "rich-editor-text";
  const footer = document.createElement("div");
  footer.className = "rich-editor-footer";
  const stats = document.createElement("p");
  stats.className = "hint word-count";
  stats.id = `${textarea.id}-stats`;
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "secondary mode-toggle";
  toggle.textContent = "Markdown";
  toggle.setAttribute("aria-pressed", "false");
  toggle.title = "Edit the Markdown source (the stored format)";
  footer.append(stats, toggle);
  const link = linkForm();
  askForLink = link.open;
  // Images: uploaded to the media library, then the figure form asks for
  // alt texts (required), a caption and a credit before inserting.
  const figure = figureForm();
  const embed = embedForm();
  const picker = document.createElement("input");
  picker.type = "file";
  picker.accept = "image/jpeg,image/png,image/webp,image/gif";
  picker.multiple = true;
  picker.hidden = true;
  picker.setAttribute("aria-label", "Images to upload");
  let pickFor = null;
  const addImages = async (view, files, pos) => {
    figure.uploading(files.length);
    let images;
    try {
      images = await Promise.all(files.map((file) => uploadImage(form, file)));
    } catch (e) {
      figure.failed(view, e.message);
      return;
    }
    const list = images.map((r) => ({ src: r.url, url: r.url, alt: "", name: r.name }));
    figure.open(view, list, (chosen, caption, credit) => {
      insertBlock(view, figureNode(chosen, caption, credit), pos != null ? Math.min(pos, view.state.doc.content.size) : null);
    });
  };
  picker.addEventListener("change", () => {
    const files = imageFiles({ files: picker.files });
    picker.value = "";
    if (files.length && pickFor) addImages(pickFor, files, null);
  });
  askForImages = (view) => {
    pickFor = view;
    picker.click();
  };
  askForEmbed = (view) => embed.open(view, (v, url) => insertBlock(v, S.paragraph.create(null, schema.text(url))));
  wrapper.append(bar.bar, link.box, figure.box, embed.box, picker, host, footer);
  textarea.before(wrapper);
  // The toggle stays reachable in Markdown mode, after the textarea.
  const textareaFooter = document.createElement("div");
  textareaFooter.className = "rich-editor-footer";

  let lastMarkdown = textarea.value;
  // Whether the writer changed the rich text since it was read: an
  // untouched article is submitted exactly as it was stored.
  let edited = false;
  const sync = (state) => {
    const md = toMarkdown(state.doc);
    if (md !== lastMarkdown) {
      lastMarkdown = md;
      textarea.value = md;
      // admin.js refreshes the preview and marks the draft dirty on input.
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  };
  const showStats = (doc) => {
    const words = countWords(doc);
    const minutes = readingMinutes(words);
    stats.textContent = `${words.toLocaleString("en")} ${words === 1 ? "word" : "words"} · ${minutes} min read`;
  };

  const plugins = [
    rules(),
    keys(form),
    keymap(baseKeymap),
    dropCursor(),
    gapCursor(),
    history(),
    tableEditing(),
    figureDecorations(),
    new Plugin({
      view: () => ({ update: (v) => bar.update(v.state) }),
    }),
  ];
  const makeState = (markdown) => EditorState.create({ doc: parseMarkdown(markdown), plugins });

  const view = new EditorView(host, {
    state: makeState(textarea.value),
    attributes: {
      class: "prose",
      role: "textbox",
      "aria-multiline": "true",
      "aria-labelledby": label ? label.id : "",
      "aria-describedby": stats.id,
      spellcheck: "true",
    },
    dispatchTransaction(tr) {
      const state = view.state.apply(tr);
      view.updateState(state);
      if (tr.docChanged) {
        edited = true;
        sync(state);
        showStats(state.doc);
      }
    },
    transformPastedHTML: (html) => cleanPastedHTML(html, window.location.origin),
    // Image files dropped or pasted into the text are uploaded and become
    // figures (a gallery when there are several).
    handleDrop(view, event) {
      const files = imageFiles(event.dataTransfer);
      if (!files.length) return false;
      event.preventDefault();
      const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
      addImages(view, files, at ? at.pos : null);
      return true;
    },
    handlePaste(view, event) {
      const files = imageFiles(event.clipboardData);
      if (!files.length) return false;
      event.preventDefault();
      addImages(view, files, null);
      return true;
    },
    // Plain text is read as Markdown (the stored format): pasting a
    // Markdown snippet gives its formatting. Shift pastes it literally.
    clipboardTextParser(text, _context, plain) {
      if (plain) return null;
      const doc = parseMarkdown(text.replace(/\r\n?/g, "\n"));
      // One paragraph joins the text where it lands; anything more is
      // inserted as the blocks it is. An embed's address (YouTube, …) is
      // a paragraph of its own, which the renderer shows as an embed.
      const one = doc.childCount === 1 && doc.firstChild.type === S.paragraph;
      if (one && embedProvider(text) && view.state.selection.$from.parent.content.size > 0) return new Slice(doc.content, 0, 0);
      if (one) return new Slice(doc.content, 1, 1);
      return new Slice(doc.content, 0, 0);
    },
  });
  bar.update(view.state);
  showStats(view.state.doc);

  // Markdown mode: the textarea itself. Switching back re-reads it.
  const setMode = (markdown) => {
    if (markdown) {
      sync(view.state);
      wrapper.hidden = true;
      textarea.hidden = false;
      textareaFooter.append(stats, toggle);
      toggle.setAttribute("aria-pressed", "true");
      textarea.focus();
    } else {
      if (textarea.value !== lastMarkdown) {
        trailing = /\n*$/.exec(textarea.value)[0];
        lastMarkdown = textarea.value;
        view.updateState(makeState(textarea.value));
        edited = false;
        showStats(view.state.doc);
        bar.update(view.state);
      }
      footer.append(stats, toggle);
      textarea.hidden = true;
      wrapper.hidden = false;
      toggle.setAttribute("aria-pressed", "false");
      view.focus();
    }
    try {
      localStorage.setItem(MODE_KEY, markdown ? "markdown" : "rich");
    } catch {
      // Private mode: the choice is just not remembered.
    }
  };
  textarea.after(textareaFooter);
  toggle.addEventListener("click", () => setMode(toggle.getAttribute("aria-pressed") !== "true"));
  // Every change is already in the textarea; this is for one the browser
  // had not yet reported when the form was sent.
  form.addEventListener("submit", () => {
    if (edited && !wrapper.hidden) sync(view.state);
  });
  // Ctrl/Cmd+S anywhere in the form (the rich text handles its own).
  form.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== "s") return;
    e.preventDefault();
    saveCommand(form)();
  });

  textarea.hidden = true;
  textarea.classList.add("markdown-source");
  let saved = null;
  try {
    saved = localStorage.getItem(MODE_KEY);
  } catch {
    saved = null;
  }
  if (saved === "markdown") {
    wrapper.hidden = true;
    textarea.hidden = false;
    textareaFooter.append(stats, toggle);
    toggle.setAttribute("aria-pressed", "true");
  }
  form.dataset.richEditor = "ready";
  return view;
}

function start() {
  const form = document.getElementById("editor");
  const textarea = form && form.querySelector("textarea#body");
  if (!textarea) return;
  try {
    window.prensaEditor = mount(form, textarea);
  } catch (e) {
    // The textarea still works; say so rather than leave a broken page.
    textarea.hidden = false;
    console.warn("Rich editor unavailable; editing Markdown.", e);
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
