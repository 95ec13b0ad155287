//! The tree a browser builds from an article's HTML, by html5ever's tree builder: unclosed `<p>`s,
//! stray end tags, entities and raw-text elements come out as they would on the page. html5ever
//! ships only the parser, so this is the smallest tree it can build into: an index arena (no
//! reference cycles, no unsafe) keeping element names and text, which is all the gate reads.

use std::borrow::Cow;
use std::cell::RefCell;

use html5ever::interface::tree_builder::{
    ElemName, ElementFlags, NodeOrText, QuirksMode, TreeSink,
};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, parse_fragment, Attribute, LocalName, Namespace, QualName};

type NodeId = usize;

enum NodeKind {
    Document,
    /// `template` is the separate fragment a `<template>` element's contents are parsed into.
    Element {
        name: QualName,
        template: Option<NodeId>,
    },
    Text(String),
    /// Comments and processing instructions: kept so the parser can move them, never read.
    Other,
}

struct Node {
    parent: Option<NodeId>,
    children: Vec<NodeId>,
    kind: NodeKind,
}

/// A parsed HTML fragment.
pub(super) struct Dom {
    nodes: Vec<Node>,
}

/// What a walk over the tree meets, in document order.
pub(super) enum Event<'a> {
    /// An element opens; the local name is lowercase (`"h2"`, `"p"`).
    Start(&'a str),
    End(&'a str),
    Text(&'a str),
}

const ROOT: NodeId = 0;

impl Dom {
    /// Parses `html` as the contents of a `<body>`, the way WordPress renders a post's content.
    pub(super) fn parse(html: &str) -> Dom {
        let sink = Sink {
            nodes: RefCell::new(vec![Node {
                parent: None,
                children: Vec::new(),
                kind: NodeKind::Document,
            }]),
        };
        let context = QualName::new(None, ns!(html), local_name!("body"));
        parse_fragment(sink, Default::default(), context, Vec::new(), false).one(html)
    }

    /// Walks the tree in document order. `on` returning `false` for a `Start` skips that
    /// element's contents and its `End`. Iterative, so deeply nested input cannot overflow the
    /// stack.
    pub(super) fn walk(&self, mut on: impl FnMut(Event<'_>) -> bool) {
        // (node, index of its next child to visit)
        let mut stack: Vec<(NodeId, usize)> = vec![(ROOT, 0)];
        while let Some(top) = stack.last_mut() {
            let (id, next) = *top;
            let Some(node) = self.nodes.get(id) else {
                stack.pop();
                continue;
            };
            let Some(&child) = node.children.get(next) else {
                stack.pop();
                if let NodeKind::Element { name, .. } = &node.kind {
                    on(Event::End(&name.local));
                }
                continue;
            };
            top.1 += 1;
            match self.nodes.get(child).map(|c| &c.kind) {
                Some(NodeKind::Element { name, .. }) => {
                    if on(Event::Start(&name.local)) {
                        stack.push((child, 0));
                    }
                }
                Some(NodeKind::Text(text)) => {
                    on(Event::Text(text));
                }
                Some(NodeKind::Document | NodeKind::Other) | None => {}
            }
        }
    }
}

/// The tree builder's view of the arena. It mutates through `&self` (html5ever's interface), so
/// the nodes sit in a `RefCell`; no borrow is held across a call back into the parser.
struct Sink {
    nodes: RefCell<Vec<Node>>,
}

/// An element's name, owned: the arena is behind a `RefCell`, so no reference into it can be
/// handed out. Atoms make the copies cheap.
#[derive(Debug)]
struct OwnedName {
    ns: Namespace,
    local: LocalName,
}

impl ElemName for OwnedName {
    fn ns(&self) -> &Namespace {
        &self.ns
    }
    fn local_name(&self) -> &LocalName {
        &self.local
    }
}

impl Sink {
    fn push(&self, kind: NodeKind) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node {
            parent: None,
            children: Vec::new(),
            kind,
        });
        nodes.len() - 1
    }

    fn detach(&self, id: NodeId) {
        let mut nodes = self.nodes.borrow_mut();
        let Some(parent) = nodes.get_mut(id).and_then(|n| n.parent.take()) else {
            return;
        };
        if let Some(p) = nodes.get_mut(parent) {
            p.children.retain(|&c| c != id);
        }
    }

    /// Inserts `child` into `parent` at `index` (the end when `None`), merging text into an
    /// adjacent text node as the DOM does.
    fn insert(&self, parent: NodeId, index: Option<usize>, child: NodeOrText<NodeId>) {
        let id = match child {
            NodeOrText::AppendText(text) => {
                let mut nodes = self.nodes.borrow_mut();
                let children = nodes.get(parent).map_or(&[][..], |p| &p.children[..]);
                let at = index.unwrap_or(children.len());
                let before = at.checked_sub(1).and_then(|i| children.get(i)).copied();
                if let Some(Node {
                    kind: NodeKind::Text(existing),
                    ..
                }) = before.and_then(|b| nodes.get_mut(b))
                {
                    existing.push_str(&text);
                    return;
                }
                drop(nodes);
                self.push(NodeKind::Text(text.to_string()))
            }
            NodeOrText::AppendNode(node) => {
                self.detach(node);
                node
            }
        };
        let mut nodes = self.nodes.borrow_mut();
        if let Some(p) = nodes.get_mut(parent) {
            let at = index.map_or(p.children.len(), |i| i.min(p.children.len()));
            p.children.insert(at, id);
        }
        if let Some(n) = nodes.get_mut(id) {
            n.parent = Some(parent);
        }
    }

    fn parent_and_index(&self, id: NodeId) -> Option<(NodeId, usize)> {
        let nodes = self.nodes.borrow();
        let parent = nodes.get(id)?.parent?;
        let index = nodes.get(parent)?.children.iter().position(|&c| c == id)?;
        Some((parent, index))
    }
}

impl TreeSink for Sink {
    type Handle = NodeId;
    type Output = Dom;
    type ElemName<'a> = OwnedName;

    fn finish(self) -> Dom {
        Dom {
            nodes: self.nodes.into_inner(),
        }
    }

    // Browsers recover from every error; so does the gate, it judges the text, not the markup.
    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        ROOT
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> OwnedName {
        match self.nodes.borrow().get(*target).map(|n| &n.kind) {
            Some(NodeKind::Element { name, .. }) => OwnedName {
                ns: name.ns.clone(),
                local: name.local.clone(),
            },
            // only ever asked about elements; an empty name matches no rule of the parser
            _ => OwnedName {
                ns: ns!(),
                local: local_name!(""),
            },
        }
    }

    fn create_element(&self, name: QualName, _: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let template = flags.template.then(|| self.push(NodeKind::Document));
        self.push(NodeKind::Element { name, template })
    }

    fn create_comment(&self, _text: StrTendril) -> NodeId {
        self.push(NodeKind::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> NodeId {
        self.push(NodeKind::Other)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.insert(*parent, None, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        if self.parent_and_index(*element).is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        match self.nodes.borrow().get(*target).map(|n| &n.kind) {
            Some(NodeKind::Element {
                template: Some(contents),
                ..
            }) => *contents,
            // only ever asked about templates; the element itself is a harmless answer
            _ => *target,
        }
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &NodeId, child: NodeOrText<NodeId>) {
        // Detach first: moving a node that already sits before `sibling` shifts its index.
        if let NodeOrText::AppendNode(node) = &child {
            self.detach(*node);
        }
        if let Some((parent, index)) = self.parent_and_index(*sibling) {
            self.insert(parent, Some(index), child);
        }
    }

    // Attributes are not kept: no check reads them.
    fn add_attrs_if_missing(&self, _target: &NodeId, _attrs: Vec<Attribute>) {}

    fn remove_from_parent(&self, target: &NodeId) {
        self.detach(*target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut nodes = self.nodes.borrow_mut();
        let moved = nodes
            .get_mut(*node)
            .map(|n| std::mem::take(&mut n.children))
            .unwrap_or_default();
        for &c in &moved {
            if let Some(child) = nodes.get_mut(c) {
                child.parent = Some(*new_parent);
            }
        }
        if let Some(p) = nodes.get_mut(*new_parent) {
            p.children.extend(moved);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk as a flat string: `<p>`, `</p>` and text.
    fn trace(html: &str) -> String {
        let mut out = String::new();
        Dom::parse(html).walk(|e| {
            match e {
                Event::Start(tag) => out.push_str(&format!("<{tag}>")),
                Event::End(tag) => out.push_str(&format!("</{tag}>")),
                Event::Text(t) => out.push_str(t),
            }
            true
        });
        out
    }

    #[test]
    fn builds_the_tree_a_browser_would() {
        // the fragment sits in the `<html>` element the fragment algorithm creates
        assert_eq!(trace("<p>a</p>"), "<html><p>a</p></html>");
        // unclosed paragraphs close at the next block
        assert_eq!(
            trace("<p>one<p>two<h2>Head</h2>"),
            "<html><p>one</p><p>two</p><h2>Head</h2></html>"
        );
        // entities are decoded, comments dropped, adjacent text merged
        assert_eq!(
            trace("<p>Caf&eacute; &amp; <!-- note -->b&uuml;r</p>"),
            "<html><p>Café & bür</p></html>"
        );
        // a stray end tag is ignored; `<` that opens no tag is text
        assert_eq!(trace("</div>1 < 2"), "<html>1 < 2</html>");
        // misnested formatting is repaired (the adoption agency moves nodes around)
        assert_eq!(
            trace("<p><b>bold<i>both</b>italic</i></p>"),
            "<html><p><b>bold<i>both</i></b><i>italic</i></p></html>"
        );
        // table text misplaced outside cells is moved before the table (foster parenting)
        assert_eq!(
            trace("<table>loose<tr><td>cell</td></tr></table>"),
            "<html>loose<table><tbody><tr><td>cell</td></tr></tbody></table></html>"
        );
    }

    #[test]
    fn a_skipped_element_hides_its_contents() {
        let mut text = String::new();
        Dom::parse("<p>keep<script>var x = '<p>';</script></p><style>p{}</style>").walk(|e| {
            match e {
                Event::Start(tag) => return tag != "script" && tag != "style",
                Event::Text(t) => text.push_str(t),
                Event::End(_) => {}
            }
            true
        });
        assert_eq!(text, "keep");
    }

    #[test]
    fn the_walk_needs_no_stack_for_deep_nesting() {
        // html5ever's scope checks make deep nesting quadratic to parse, so the depth is modest;
        // the small stack is what a recursive walk of it would overflow
        let html = "<div>".repeat(2_000) + "deep";
        let dom = Dom::parse(&html);
        let walked = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                let mut found = false;
                dom.walk(|e| {
                    found |= matches!(e, Event::Text("deep"));
                    true
                });
                found
            })
            .map(|handle| handle.join());
        assert!(matches!(walked, Ok(Ok(true))));
    }
}
