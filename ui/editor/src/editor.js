// Folio's article editor engine: Tiptap (ProseMirror) limited to the article allowlist of core's
// sanitiser (crates/folio-core/src/writer/sanitize.rs). Bundled by scripts/build-ui.sh with
// esbuild into ui/dist/editor.js; ui/boot.js puts this module on `window.folioEditor` before the
// wasm UI starts, and the UI reaches it only through ui/src/components/editor/bridge.rs.
//
// The API: `create(element, html)` returns a handle with
//   getHTML(), setHTML(html, keepSelection), onChange(cb), onSelection(cb), onLinkRequest(cb),
//   command(name, arg) -> bool, active() -> [names], caretBlock() -> top-level block index,
//   linkHref() -> the link under the caret or "", setImageSource(id, url), focus(), destroy().
// Nothing here talks to the app: saving, images and sanitising are core's, through the UI.

import { Editor, Node, mergeAttributes } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { Table, TableRow, TableCell, TableHeader } from '@tiptap/extension-table';
import { TextSelection } from '@tiptap/pm/state';

/** The reference core keeps in a body for one of the article's images. */
const IMAGE_SCHEME = 'folio-image:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function imageId(src) {
  if (typeof src !== 'string' || !src.startsWith(IMAGE_SCHEME)) return null;
  const id = src.slice(IMAGE_SCHEME.length).toLowerCase();
  return UUID.test(id) ? id : null;
}

function imageAttrs(img) {
  const id = img && imageId(img.getAttribute('src'));
  return id ? { id, alt: img.getAttribute('alt') || '' } : false;
}

// One of the article's images in place: `<figure><img src="folio-image:<id>" alt="…"></figure>`
// in the HTML; shown with the bytes the app serves (`setImageSource`).
function imageNode(sources, views) {
  return Node.create({
    name: 'folioImage',
    group: 'block',
    atom: true,
    draggable: true,
    selectable: true,
    addAttributes() {
      return { id: { default: null }, alt: { default: '' } };
    },
    parseHTML() {
      return [
        { tag: 'figure', priority: 60, getAttrs: (el) => imageAttrs(el.querySelector('img')) },
        { tag: 'img', getAttrs: (el) => imageAttrs(el) },
      ];
    },
    renderHTML({ node }) {
      return ['figure', ['img', { src: IMAGE_SCHEME + node.attrs.id, alt: node.attrs.alt }]];
    },
    addNodeView() {
      return ({ node }) => {
        const dom = document.createElement('figure');
        dom.className = 'editor-image';
        const img = document.createElement('img');
        dom.appendChild(img);
        const view = { id: node.attrs.id, img };
        const show = (n) => {
          view.id = n.attrs.id;
          img.alt = n.attrs.alt;
          img.dataset.image = n.attrs.id;
          const src = sources.get(n.attrs.id);
          if (src) img.src = src;
          else img.removeAttribute('src');
        };
        show(node);
        views.add(view);
        return {
          dom,
          update: (n) => {
            if (n.type.name !== 'folioImage') return false;
            show(n);
            return true;
          },
          destroy: () => views.delete(view),
        };
      };
    },
  });
}

// Tables without the widths and styles the sanitiser would drop anyway, so what the editor
// writes is what core stores.
const PlainTable = Table.extend({
  renderHTML() {
    return ['table', ['tbody', 0]];
  },
});

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
  const doc = new DOMParser().parseFromString(html, 'text/html');
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

const ALLOWED_LINK = /^(https?:|mailto:)/i;

/** The index of the top-level block holding the caret (what a re-render keeps). */
function blockIndex(state) {
  return state.selection.$from.index(0);
}

/** Put the caret back in the `index`-th top-level block, `offset` into it where it fits. */
function caretTo(editor, index, offset) {
  const doc = editor.state.doc;
  if (doc.childCount === 0) return;
  const i = Math.min(index, doc.childCount - 1);
  let start = 0;
  for (let k = 0; k < i; k += 1) start += doc.child(k).nodeSize;
  const child = doc.child(i);
  const pos = Math.min(start + Math.max(offset, 1), start + child.nodeSize - 1);
  const sel = TextSelection.near(doc.resolve(pos));
  editor.view.dispatch(editor.state.tr.setSelection(sel).setMeta('addToHistory', false));
}

export function create(element, html) {
  const sources = new Map();
  const views = new Set();
  const listeners = { change: [], selection: [], link: [] };
  const emit = (kind, value) => listeners[kind].forEach((cb) => cb(value));
  let quiet = false;

  const editor = new Editor({
    element,
    content: html,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        strike: false,
        underline: false,
        // An article ending in a list or a heading would gain an empty paragraph (an edit) just
        // by being opened.
        trailingNode: false,
        codeBlock: { defaultLanguage: null, languageClassPrefix: null },
        link: {
          openOnClick: false,
          autolink: true,
          linkOnPaste: true,
          protocols: [],
          defaultProtocol: 'https',
          HTMLAttributes: { target: null, rel: null, class: null },
          isAllowedUri: (url) => ALLOWED_LINK.test(url),
        },
      }),
      PlainTable.configure({ resizable: false }),
      TableRow,
      TableHeader,
      TableCell,
      imageNode(sources, views),
    ],
    editorProps: {
      attributes: { id: 'article-body', class: 'editor-content article-body', spellcheck: 'true' },
      transformPastedHTML: cleanPastedHTML,
      handleKeyDown: (_view, event) => {
        // Ctrl-K belongs to the app's command palette; links are Ctrl-Shift-K.
        const mod = event.ctrlKey || event.metaKey;
        if (mod && event.shiftKey && (event.key === 'K' || event.key === 'k')) {
          event.preventDefault();
          emit('link', editor.getAttributes('link').href || '');
          return true;
        }
        return false;
      },
    },
    onUpdate: () => {
      if (!quiet) emit('change', null);
    },
    onSelectionUpdate: () => emit('selection', null),
    onTransaction: () => emit('selection', null),
  });

  const chain = () => editor.chain().focus();
  const commands = {
    paragraph: () => chain().setParagraph().run(),
    h2: () => chain().toggleHeading({ level: 2 }).run(),
    h3: () => chain().toggleHeading({ level: 3 }).run(),
    h4: () => chain().toggleHeading({ level: 4 }).run(),
    bold: () => chain().toggleBold().run(),
    italic: () => chain().toggleItalic().run(),
    code: () => chain().toggleCode().run(),
    codeBlock: () => chain().toggleCodeBlock().run(),
    bulletList: () => chain().toggleBulletList().run(),
    orderedList: () => chain().toggleOrderedList().run(),
    blockquote: () => chain().toggleBlockquote().run(),
    hr: () => chain().setHorizontalRule().run(),
    undo: () => chain().undo().run(),
    redo: () => chain().redo().run(),
    table: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
    addRow: () => chain().addRowAfter().run(),
    addColumn: () => chain().addColumnAfter().run(),
    deleteRow: () => chain().deleteRow().run(),
    deleteColumn: () => chain().deleteColumn().run(),
    deleteTable: () => chain().deleteTable().run(),
    link: (href) => {
      const url = String(href || '').trim();
      if (!url) return chain().extendMarkRange('link').unsetLink().run();
      if (!ALLOWED_LINK.test(url)) return false;
      if (editor.state.selection.empty && !editor.isActive('link')) {
        // No selected text: the address becomes the link's text.
        return chain()
          .insertContent({ type: 'text', text: url, marks: [{ type: 'link', attrs: { href: url } }] })
          .run();
      }
      return chain().extendMarkRange('link').setLink({ href: url }).run();
    },
    image: (arg) => {
      const id = arg && imageId(IMAGE_SCHEME + arg.id);
      if (!id) return false;
      if (arg.src) sources.set(id, arg.src);
      return chain().insertContent({ type: 'folioImage', attrs: { id, alt: arg.alt || '' } }).run();
    },
  };

  const ACTIVE = [
    ['paragraph', () => editor.isActive('paragraph')],
    ['h2', () => editor.isActive('heading', { level: 2 })],
    ['h3', () => editor.isActive('heading', { level: 3 })],
    ['h4', () => editor.isActive('heading', { level: 4 })],
    ['bold', () => editor.isActive('bold')],
    ['italic', () => editor.isActive('italic')],
    ['code', () => editor.isActive('code')],
    ['codeBlock', () => editor.isActive('codeBlock')],
    ['bulletList', () => editor.isActive('bulletList')],
    ['orderedList', () => editor.isActive('orderedList')],
    ['blockquote', () => editor.isActive('blockquote')],
    ['link', () => editor.isActive('link')],
    ['table', () => editor.isActive('table')],
  ];

  return {
    getHTML: () => editor.getHTML(),
    /** Replace the content without firing onChange; keep the caret in the same top-level block. */
    setHTML: (next, keepSelection) => {
      const index = blockIndex(editor.state);
      const { $from } = editor.state.selection;
      const offset = $from.depth >= 1 ? $from.pos - $from.start(1) + 1 : 0;
      quiet = true;
      try {
        editor.chain().setMeta('addToHistory', false).setContent(next, { emitUpdate: false }).run();
      } finally {
        quiet = false;
      }
      if (keepSelection) caretTo(editor, index, offset);
    },
    onChange: (cb) => listeners.change.push(cb),
    onSelection: (cb) => listeners.selection.push(cb),
    onLinkRequest: (cb) => listeners.link.push(cb),
    command: (name, arg) => (commands[name] ? Boolean(commands[name](arg)) : false),
    active: () => ACTIVE.filter(([, is]) => is()).map(([name]) => name),
    canUndo: () => editor.can().undo(),
    canRedo: () => editor.can().redo(),
    caretBlock: () => blockIndex(editor.state),
    linkHref: () => editor.getAttributes('link').href || '',
    setImageSource: (id, url) => {
      sources.set(id, url);
      views.forEach((v) => {
        if (v.id === id) v.img.src = url;
      });
    },
    focus: () => editor.commands.focus(),
    destroy: () => editor.destroy(),
  };
}
