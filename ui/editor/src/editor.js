// Folio's article editor engine: ProseMirror with a schema cut to the article allowlist of core's
// sanitiser (crates/folio-core/src/writer/sanitize.rs). Bundled by scripts/build-ui.sh with
// esbuild into ui/dist/editor.js; ui/boot.js loads it the first time an article page asks, and
// the UI reaches it only through ui/src/components/editor/bridge.rs.
//
// ProseMirror's own modules rather than a framework on top of them (Tiptap): the same engine
// and behaviour for a third less script to download, parse and keep in memory (DESIGN §7's P7
// bundle budget). The schema, commands, keys and input rules below are the few an article needs.
//
// The API: `create(element, html)` returns a handle with
//   getHTML(), setHTML(html, keepSelection), onChange(cb), onSelection(cb), onLinkRequest(cb),
//   command(name, arg) -> bool, active() -> [names], caretBlock() -> top-level block index,
//   linkHref() -> the link under the caret or "", setImageSource(id, url), focus(), destroy().
// Nothing here talks to the app: saving, images and sanitising are core's, through the UI.

import { Schema, DOMParser, DOMSerializer, Fragment } from 'prosemirror-model';
import { EditorState, TextSelection } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { history, undo, redo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import {
  baseKeymap,
  chainCommands,
  exitCode,
  lift,
  setBlockType,
  toggleMark,
  wrapIn,
} from 'prosemirror-commands';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import {
  InputRule,
  inputRules,
  textblockTypeInputRule,
  undoInputRule,
  wrappingInputRule,
} from 'prosemirror-inputrules';
import {
  addColumnAfter,
  addRowAfter,
  deleteColumn,
  deleteRow,
  deleteTable,
  goToNextCell,
  tableEditing,
  tableNodes,
} from 'prosemirror-tables';
import { gapCursor } from 'prosemirror-gapcursor';
import { dropCursor } from 'prosemirror-dropcursor';

/** The reference core keeps in a body for one of the article's images. */
const IMAGE_SCHEME = 'folio-image:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALLOWED_LINK = /^(https?:|mailto:)/i;

function imageId(src) {
  if (typeof src !== 'string' || !src.startsWith(IMAGE_SCHEME)) return null;
  const id = src.slice(IMAGE_SCHEME.length).toLowerCase();
  return UUID.test(id) ? id : null;
}

function imageAttrs(img) {
  const id = img && imageId(img.getAttribute('src'));
  return id ? { id, alt: img.getAttribute('alt') || '' } : false;
}

// The allowlist as a schema: whatever else a body or a paste holds is dropped when parsed.
export const schema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph: {
      content: 'inline*',
      group: 'block',
      parseDOM: [{ tag: 'p' }],
      toDOM: () => ['p', 0],
    },
    heading: {
      attrs: { level: { default: 2 } },
      content: 'inline*',
      group: 'block',
      defining: true,
      // H2–H4 only, like the sanitiser: another heading keeps its text as a paragraph.
      parseDOM: [
        { tag: 'h2', attrs: { level: 2 } },
        { tag: 'h3', attrs: { level: 3 } },
        { tag: 'h4', attrs: { level: 4 } },
      ],
      toDOM: (node) => ['h' + node.attrs.level, 0],
    },
    blockquote: {
      content: 'block+',
      group: 'block',
      defining: true,
      parseDOM: [{ tag: 'blockquote' }],
      toDOM: () => ['blockquote', 0],
    },
    code_block: {
      content: 'text*',
      marks: '',
      group: 'block',
      code: true,
      defining: true,
      parseDOM: [{ tag: 'pre', preserveWhitespace: 'full' }],
      toDOM: () => ['pre', ['code', 0]],
    },
    horizontal_rule: {
      group: 'block',
      parseDOM: [{ tag: 'hr' }],
      toDOM: () => ['hr'],
    },
    bullet_list: {
      content: 'list_item+',
      group: 'block',
      parseDOM: [{ tag: 'ul' }],
      toDOM: () => ['ul', 0],
    },
    ordered_list: {
      content: 'list_item+',
      group: 'block',
      parseDOM: [{ tag: 'ol' }],
      toDOM: () => ['ol', 0],
    },
    list_item: {
      content: 'paragraph block*',
      defining: true,
      parseDOM: [{ tag: 'li' }],
      toDOM: () => ['li', 0],
    },
    // Tables as the sanitiser keeps them: cells with colspan/rowspan, no widths or styles.
    ...tableNodes({ tableGroup: 'block', cellContent: 'block+', cellAttributes: {} }),
    // One of the article's images in place: `<figure><img src="folio-image:<id>" alt="…"></figure>`
    // in the HTML; shown with the bytes the app serves (`setImageSource`).
    image: {
      attrs: { id: { default: null }, alt: { default: '' } },
      group: 'block',
      atom: true,
      draggable: true,
      selectable: true,
      parseDOM: [
        { tag: 'figure', priority: 60, getAttrs: (el) => imageAttrs(el.querySelector('img')) },
        { tag: 'img', getAttrs: (el) => imageAttrs(el) },
      ],
      toDOM: (node) => ['figure', ['img', { src: IMAGE_SCHEME + node.attrs.id, alt: node.attrs.alt }]],
    },
    text: { group: 'inline' },
    hard_break: {
      inline: true,
      group: 'inline',
      selectable: false,
      parseDOM: [{ tag: 'br' }],
      toDOM: () => ['br'],
    },
  },
  marks: {
    link: {
      attrs: { href: {} },
      inclusive: false,
      parseDOM: [
        {
          tag: 'a[href]',
          getAttrs: (el) => {
            const href = el.getAttribute('href') || '';
            return ALLOWED_LINK.test(href) ? { href } : false;
          },
        },
      ],
      toDOM: (mark) => ['a', { href: mark.attrs.href }, 0],
    },
    bold: {
      parseDOM: [
        { tag: 'strong' },
        // Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold.
        { tag: 'b', getAttrs: (el) => el.style.fontWeight !== 'normal' && null },
        { style: 'font-weight=bold' },
        { style: 'font-weight', getAttrs: (v) => /^(bold(er)?|[6-9]\d{2,})$/.test(v) && null },
      ],
      toDOM: () => ['strong', 0],
    },
    italic: {
      parseDOM: [{ tag: 'em' }, { tag: 'i' }, { style: 'font-style=italic' }],
      toDOM: () => ['em', 0],
    },
    code: {
      code: true,
      parseDOM: [{ tag: 'code' }],
      toDOM: () => ['code', 0],
    },
  },
});

const N = schema.nodes;
const M = schema.marks;

/** Elements whose content is never article text: removed with it, before parsing a paste. */
const DROPPED = 'script,style,meta,link,title,iframe,frame,object,embed,noscript,template,svg,math,head,textarea,select';
/** The attributes a pasted element keeps; the schema drops the rest of the markup. */
const KEPT_ATTRS = { A: ['href'], IMG: ['src', 'alt'], TD: ['colspan', 'rowspan'], TH: ['colspan', 'rowspan'] };

function unwrap(el) {
  el.replaceWith(...el.childNodes);
}

function wrapChildren(el, tag) {
  const w = el.ownerDocument.createElement(tag);
  w.append(...el.childNodes);
  el.appendChild(w);
}

/**
 * Pasted HTML (Google Docs, Word, web pages) cut down before ProseMirror reads it: scripts and
 * styles go with their content, Google Docs' bold wrapper and styled spans become bold/italic
 * marks where their style says so, every other attribute goes.
 */
export function cleanPastedHTML(html) {
  const doc = new window.DOMParser().parseFromString(html, 'text/html');
  const body = doc.body;
  body.querySelectorAll(DROPPED).forEach((el) => el.remove());
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach((c) => c.remove());
  // Google Docs wraps everything in <b style="font-weight:normal" id="docs-internal-guid-…">.
  body.querySelectorAll('b').forEach((b) => {
    const w = b.style.fontWeight;
    if ((b.id || '').startsWith('docs-internal-guid') || w === 'normal' || w === '400') unwrap(b);
  });
  body.querySelectorAll('span,font').forEach((el) => {
    const weight = el.style.fontWeight;
    if (weight === 'bold' || Number(weight) >= 600) wrapChildren(el, 'strong');
    if (el.style.fontStyle === 'italic') wrapChildren(el, 'em');
    unwrap(el);
  });
  body.querySelectorAll('img').forEach((img) => {
    if (!imageId(img.getAttribute('src'))) img.remove();
  });
  body.querySelectorAll('*').forEach((el) => {
    const kept = KEPT_ATTRS[el.tagName] || [];
    for (const name of el.getAttributeNames()) {
      if (!kept.includes(name)) el.removeAttribute(name);
    }
  });
  return body.innerHTML;
}

const parser = DOMParser.fromSchema(schema);
const serializer = DOMSerializer.fromSchema(schema);

function parseHTML(html) {
  const el = document.createElement('div');
  el.innerHTML = html || '';
  return parser.parse(el);
}

function toHTML(doc) {
  const el = document.createElement('div');
  el.appendChild(serializer.serializeFragment(doc.content));
  return el.innerHTML;
}

/** The index of the top-level block holding the caret (what a re-render keeps). */
function blockIndex(state) {
  return state.selection.$from.index(0);
}

/** Put the caret back in the `index`-th top-level block, `offset` into it where it fits. */
function caretTo(view, index, offset) {
  const doc = view.state.doc;
  if (doc.childCount === 0) return;
  const i = Math.min(index, doc.childCount - 1);
  let start = 0;
  for (let k = 0; k < i; k += 1) start += doc.child(k).nodeSize;
  const child = doc.child(i);
  const pos = Math.min(start + Math.max(offset, 1), start + child.nodeSize - 1);
  const sel = TextSelection.near(doc.resolve(pos));
  view.dispatch(view.state.tr.setSelection(sel).setMeta('addToHistory', false));
}

/** Is a node of `type` (with `attrs`, when given) around the selection's start? */
function inNode(state, type, attrs) {
  const { $from, node } = state.selection;
  if (node && node.type === type) return true;
  for (let d = $from.depth; d > 0; d -= 1) {
    const n = $from.node(d);
    if (n.type === type && (!attrs || Object.keys(attrs).every((k) => n.attrs[k] === attrs[k]))) {
      return true;
    }
  }
  return false;
}

/** Does the selection carry `type` (at the caret: the marks typing would get)? */
function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return Boolean(type.isInSet(state.storedMarks || $from.marks()));
  return state.doc.rangeHasMark(from, to, type);
}

/** The extent of the `type` mark around `$pos` (the link under the caret), or null. */
function markRange($pos, type) {
  const parent = $pos.parent;
  const start = parent.childAfter($pos.parentOffset);
  let found = start.node && type.isInSet(start.node.marks);
  let index = $pos.index();
  let offset = start.offset;
  if (!found && $pos.parentOffset > 0) {
    // the caret right after the link's last character
    const before = parent.childBefore($pos.parentOffset);
    if (before.node && type.isInSet(before.node.marks)) {
      found = type.isInSet(before.node.marks);
      index = $pos.index() - 1;
      offset = before.offset;
    }
  }
  if (!found) return null;
  let from = offset;
  let to = offset + parent.child(index).nodeSize;
  for (let i = index - 1; i >= 0 && found.isInSet(parent.child(i).marks); i -= 1) {
    from -= parent.child(i).nodeSize;
  }
  for (let i = index + 1; i < parent.childCount && found.isInSet(parent.child(i).marks); i += 1) {
    to += parent.child(i).nodeSize;
  }
  const base = $pos.start();
  return { from: base + from, to: base + to, mark: found };
}

/** A heading level, a code block: set it, or back to a paragraph when already there. */
function toggleBlock(type, attrs) {
  return (state, dispatch) =>
    inNode(state, type, attrs)
      ? setBlockType(N.paragraph)(state, dispatch)
      : setBlockType(type, attrs)(state, dispatch);
}

/** A list: wrap the selection in it, lift it out, or turn the other kind of list into it. */
function toggleList(type) {
  const other = type === N.bullet_list ? N.ordered_list : N.bullet_list;
  return (state, dispatch) => {
    const { $from } = state.selection;
    for (let d = $from.depth; d > 0; d -= 1) {
      const n = $from.node(d);
      if (n.type === type) return liftListItem(N.list_item)(state, dispatch);
      if (n.type === other) {
        if (dispatch) dispatch(state.tr.setNodeMarkup($from.before(d), type));
        return true;
      }
    }
    return wrapInList(type)(state, dispatch);
  };
}

function toggleBlockquote(state, dispatch) {
  return inNode(state, N.blockquote) ? lift(state, dispatch) : wrapIn(N.blockquote)(state, dispatch);
}

function insertNode(node) {
  return (state, dispatch) => {
    if (dispatch) dispatch(state.tr.replaceSelectionWith(node).scrollIntoView());
    return true;
  };
}

/** A 3×3 table with a header row, the caret in its first cell. */
function insertTable(state, dispatch) {
  const cell = (type) => type.createAndFill();
  const row = (type) => N.table_row.create(null, [cell(type), cell(type), cell(type)]);
  const table = N.table.create(null, [row(N.table_header), row(N.table_cell), row(N.table_cell)]);
  if (dispatch) {
    const tr = state.tr.replaceSelectionWith(table);
    // the first header cell's paragraph after where the table went in
    const size = tr.doc.content.size;
    for (let pos = tr.mapping.map(state.selection.from, -1); pos < size; pos += 1) {
      const $pos = tr.doc.resolve(pos);
      if ($pos.parent.type === N.paragraph && $pos.depth > 1 && $pos.node(-1).type === N.table_header) {
        tr.setSelection(TextSelection.create(tr.doc, pos));
        break;
      }
    }
    dispatch(tr.scrollIntoView());
  }
  return true;
}

/**
 * Markdown-style marks while typing: **bold**, *italic* or _italic_, `code`. `pattern`'s group 1
 * is the text between `delimiter`s; what the pattern matched before the opening one stays.
 */
function markRule(pattern, type, delimiter) {
  return new InputRule(pattern, (state, match, start, end) => {
    const text = match[1];
    if (!text) return null;
    const from = start + match[0].length - text.length - 2 * delimiter.length;
    const tr = state.tr.replaceWith(from, end, schema.text(text, [type.create()]));
    return tr.removeStoredMark(type);
  });
}

/** A typed address followed by a space becomes a link (the space stays). */
const autolink = new InputRule(/(?:^|\s)((?:https?:\/\/|mailto:)[^\s]+)\s$/, (state, match, start, end) => {
  const url = match[1].replace(/[.,;:!?)\]]+$/, '');
  const from = start + match[0].indexOf(match[1]);
  if (!ALLOWED_LINK.test(url) || state.doc.rangeHasMark(from, from + url.length, M.link)) return null;
  return state.tr.insertText(' ', end).addMark(from, from + url.length, M.link.create({ href: url }));
});

const rules = inputRules({
  rules: [
    textblockTypeInputRule(/^(#{2,4})\s$/, N.heading, (m) => ({ level: m[1].length })),
    wrappingInputRule(/^\s*>\s$/, N.blockquote),
    wrappingInputRule(/^\s*([-+*])\s$/, N.bullet_list),
    wrappingInputRule(/^(\d+)\.\s$/, N.ordered_list),
    textblockTypeInputRule(/^```$/, N.code_block),
    new InputRule(/^(?:---|___)$/, (state, _m, start, end) =>
      state.tr.replaceRangeWith(start - 1, end, N.horizontal_rule.create()),
    ),
    markRule(/\*\*([^*]+)\*\*$/, M.bold, '**'),
    markRule(/(?:^|[^*])\*([^*\s][^*]*)\*$/, M.italic, '*'),
    markRule(/(?:^|\s)_([^_\s][^_]*)_$/, M.italic, '_'),
    markRule(/`([^`]+)`$/, M.code, '`'),
    autolink,
  ],
});

const hardBreak = chainCommands(exitCode, (state, dispatch) => {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(N.hard_break.create()).scrollIntoView());
  return true;
});

const keys = keymap({
  'Mod-z': undo,
  'Shift-Mod-z': redo,
  'Mod-y': redo,
  Backspace: undoInputRule,
  'Mod-b': toggleMark(M.bold),
  'Mod-i': toggleMark(M.italic),
  'Mod-e': toggleMark(M.code),
  'Mod-Alt-0': setBlockType(N.paragraph),
  'Mod-Alt-2': toggleBlock(N.heading, { level: 2 }),
  'Mod-Alt-3': toggleBlock(N.heading, { level: 3 }),
  'Mod-Alt-4': toggleBlock(N.heading, { level: 4 }),
  'Mod-Alt-c': toggleBlock(N.code_block),
  'Shift-Mod-8': toggleList(N.bullet_list),
  'Shift-Mod-7': toggleList(N.ordered_list),
  'Shift-Mod-b': toggleBlockquote,
  Enter: splitListItem(N.list_item),
  Tab: chainCommands(goToNextCell(1), sinkListItem(N.list_item)),
  'Shift-Tab': chainCommands(goToNextCell(-1), liftListItem(N.list_item)),
  'Shift-Enter': hardBreak,
  'Mod-Enter': hardBreak,
});

export function create(element, html) {
  const sources = new Map();
  const views = new Set();
  const listeners = { change: [], selection: [], link: [] };
  const emit = (kind, value) => listeners[kind].forEach((cb) => cb(value));
  let quiet = false;

  const linkHref = () => {
    const { state } = view;
    const { $from, empty, from, to } = state.selection;
    if (empty) {
      const range = markRange($from, M.link);
      return range ? range.mark.attrs.href : '';
    }
    let href = '';
    state.doc.nodesBetween(from, to, (n) => {
      const m = !href && M.link.isInSet(n.marks);
      if (m) href = m.attrs.href;
    });
    return href;
  };

  const imageView = (node) => {
    const dom = document.createElement('figure');
    dom.className = 'editor-image';
    const img = document.createElement('img');
    dom.appendChild(img);
    const shown = { id: node.attrs.id, img };
    const show = (n) => {
      shown.id = n.attrs.id;
      img.alt = n.attrs.alt;
      img.dataset.image = n.attrs.id;
      const src = sources.get(n.attrs.id);
      if (src) img.src = src;
      else img.removeAttribute('src');
    };
    show(node);
    views.add(shown);
    return {
      dom,
      update: (n) => {
        if (n.type !== N.image) return false;
        show(n);
        return true;
      },
      destroy: () => views.delete(shown),
    };
  };

  const view = new EditorView(element, {
    state: EditorState.create({
      doc: parseHTML(html),
      plugins: [
        rules,
        keys,
        keymap(baseKeymap),
        history(),
        dropCursor(),
        gapCursor(),
        tableEditing(),
      ],
    }),
    attributes: { id: 'article-body', class: 'editor-content article-body', spellcheck: 'true' },
    nodeViews: { image: imageView },
    transformPastedHTML: cleanPastedHTML,
    handleKeyDown: (_view, event) => {
      // Ctrl-K belongs to the app's command palette; links are Ctrl-Shift-K.
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.shiftKey && (event.key === 'K' || event.key === 'k')) {
        event.preventDefault();
        emit('link', linkHref());
        return true;
      }
      return false;
    },
    handlePaste: (v, event) => {
      // An address pasted over selected text links that text.
      const text = event.clipboardData && event.clipboardData.getData('text/plain').trim();
      const { empty, from, to } = v.state.selection;
      if (empty || !text || /\s/.test(text) || !ALLOWED_LINK.test(text)) return false;
      v.dispatch(v.state.tr.addMark(from, to, M.link.create({ href: text })));
      return true;
    },
    dispatchTransaction: (tr) => {
      view.updateState(view.state.apply(tr));
      if (tr.docChanged && !quiet) emit('change', null);
      emit('selection', null);
    },
  });

  // Every command acts where the person was: the editor takes the focus back from the toolbar.
  const run = (command) => {
    view.focus();
    return command(view.state, view.dispatch);
  };
  const commands = {
    paragraph: () => run(setBlockType(N.paragraph)),
    h2: () => run(toggleBlock(N.heading, { level: 2 })),
    h3: () => run(toggleBlock(N.heading, { level: 3 })),
    h4: () => run(toggleBlock(N.heading, { level: 4 })),
    bold: () => run(toggleMark(M.bold)),
    italic: () => run(toggleMark(M.italic)),
    code: () => run(toggleMark(M.code)),
    codeBlock: () => run(toggleBlock(N.code_block)),
    bulletList: () => run(toggleList(N.bullet_list)),
    orderedList: () => run(toggleList(N.ordered_list)),
    blockquote: () => run(toggleBlockquote),
    hr: () => run(insertNode(N.horizontal_rule.create())),
    undo: () => run(undo),
    redo: () => run(redo),
    table: () => run(insertTable),
    addRow: () => run(addRowAfter),
    addColumn: () => run(addColumnAfter),
    deleteRow: () => run(deleteRow),
    deleteColumn: () => run(deleteColumn),
    deleteTable: () => run(deleteTable),
    link: (href) => {
      const url = String(href || '').trim();
      return run((state, dispatch) => {
        const { empty, $from } = state.selection;
        let { from, to } = state.selection;
        const range = empty ? markRange($from, M.link) : null;
        if (range) ({ from, to } = range);
        if (!url) {
          if (dispatch) dispatch(state.tr.removeMark(from, to, M.link));
          return true;
        }
        if (!ALLOWED_LINK.test(url)) return false;
        const mark = M.link.create({ href: url });
        if (dispatch) {
          dispatch(
            from === to
              ? // No selected text: the address becomes the link's text.
                state.tr.replaceSelectionWith(schema.text(url, [mark]), false)
              : state.tr.removeMark(from, to, M.link).addMark(from, to, mark),
          );
        }
        return true;
      });
    },
    image: (arg) => {
      const id = arg && imageId(IMAGE_SCHEME + arg.id);
      if (!id) return false;
      if (arg.src) sources.set(id, arg.src);
      return run(insertNode(N.image.create({ id, alt: arg.alt || '' })));
    },
  };

  const ACTIVE = [
    ['paragraph', (s) => inNode(s, N.paragraph)],
    ['h2', (s) => inNode(s, N.heading, { level: 2 })],
    ['h3', (s) => inNode(s, N.heading, { level: 3 })],
    ['h4', (s) => inNode(s, N.heading, { level: 4 })],
    ['bold', (s) => markActive(s, M.bold)],
    ['italic', (s) => markActive(s, M.italic)],
    ['code', (s) => markActive(s, M.code)],
    ['codeBlock', (s) => inNode(s, N.code_block)],
    ['bulletList', (s) => inNode(s, N.bullet_list)],
    ['orderedList', (s) => inNode(s, N.ordered_list)],
    ['blockquote', (s) => inNode(s, N.blockquote)],
    ['link', (s) => markActive(s, M.link) || Boolean(s.selection.empty && markRange(s.selection.$from, M.link))],
    ['table', (s) => inNode(s, N.table)],
  ];

  return {
    getHTML: () => toHTML(view.state.doc),
    /** Replace the content without firing onChange; keep the caret in the same top-level block. */
    setHTML: (next, keepSelection) => {
      const index = blockIndex(view.state);
      const { $from } = view.state.selection;
      const offset = $from.depth >= 1 ? $from.pos - $from.start(1) + 1 : 0;
      const doc = parseHTML(next);
      quiet = true;
      try {
        const tr = view.state.tr
          .replaceWith(0, view.state.doc.content.size, doc.content.size ? doc.content : Fragment.from(N.paragraph.create()))
          .setMeta('addToHistory', false);
        view.dispatch(tr);
      } finally {
        quiet = false;
      }
      if (keepSelection) caretTo(view, index, offset);
    },
    onChange: (cb) => listeners.change.push(cb),
    onSelection: (cb) => listeners.selection.push(cb),
    onLinkRequest: (cb) => listeners.link.push(cb),
    command: (name, arg) => (commands[name] ? Boolean(commands[name](arg)) : false),
    active: () => ACTIVE.filter(([, is]) => is(view.state)).map(([name]) => name),
    canUndo: () => undo(view.state),
    canRedo: () => redo(view.state),
    caretBlock: () => blockIndex(view.state),
    linkHref,
    setImageSource: (id, url) => {
      sources.set(id, url);
      views.forEach((v) => {
        if (v.id === id) v.img.src = url;
      });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
