//! Article HTML as WordPress block-editor markup, so a published post opens in the editor as
//! native blocks (paragraphs, headings, lists, tables, quotes, code, separators) instead of one
//! Classic block.
//!
//! Each block is written exactly as the block editor serialises it (checked against Gutenberg's
//! `save` functions and its serialised fixtures): the editor re-renders a block from its
//! attributes when a post is opened and flags any difference as "unexpected or invalid
//! content". So headings carry `wp-block-heading` and no `level` for H2 (the default), lists
//! carry `wp-block-list` with one `wp:list-item` block per item, quotes hold their paragraphs
//! as inner blocks, and inner blocks are joined by a blank line like top-level ones.
//!
//! The input is parsed with html5ever (through `dom_query`, which gives the tree and html5ever's
//! serialiser for escaping), never matched with patterns. It must already be sanitised
//! (`writer::sanitize`): then every element is one the article allowlist knows. Whatever a block
//! cannot hold exactly (a list item with a table in it, a figure without a table) becomes a
//! `wp:html` block with the same HTML, so nothing is lost.
//!
//! An image reference (`<figure><img src="folio-image:<id>"></figure>` or a bare `img` at the
//! top level, `writer/image_refs.rs`) becomes a block that names the image; the publisher puts
//! the uploaded image's block there (`publishing/media.rs`). A reference anywhere else (inside a
//! paragraph, a list, a table) cannot be a block and is dropped.

use crate::writer::image_refs::parse_image_ref;
use crate::writer::sanitize::sanitize_article_html;
use dom_query::{Document, NodeRef};
use folio_model::ImageId;

/// One top-level block of a post.
pub(crate) struct Block {
    pub(crate) markup: String,
    /// An H2 heading block: the in-article images are placed after these.
    pub(crate) h2: bool,
    /// Where the body places one of the article's images (the markup is then empty).
    pub(crate) image: Option<ImageId>,
}

impl Block {
    fn html(markup: String) -> Self {
        Self {
            markup,
            h2: false,
            image: None,
        }
    }
}

/// Elements that live inside a paragraph (the sanitiser's phrasing elements).
const INLINE: &[&str] = &["a", "strong", "em", "b", "i", "code", "br"];

/// The article as block-editor markup: sanitised first, then converted (blocks separated by a
/// blank line, as the editor writes them).
pub fn html_to_blocks(html: &str) -> String {
    join(&article_blocks(&sanitize_article_html(html)))
}

/// The top-level blocks of a sanitised article body.
pub(crate) fn article_blocks(sanitized: &str) -> Vec<Block> {
    let doc = Document::fragment(sanitized);
    let root = doc.root();
    // html5ever puts a fragment's nodes under an `html` element.
    let top = match root.first_element_child() {
        Some(html) if html.has_name("html") => html,
        _ => root,
    };
    for img in doc.select("img").nodes() {
        if image_reference(&top, img).is_none() {
            img.remove_from_parent();
        }
    }
    blocks_of(&top.children())
}

/// The image a top-level `img`, or the only `img` of a top-level `figure`, refers to.
fn image_reference(top: &NodeRef, img: &NodeRef) -> Option<ImageId> {
    let parent = img.parent()?;
    let placed = parent.id == top.id
        || (parent.has_name("figure")
            && parent.parent().is_some_and(|p| p.id == top.id)
            && parts(&parent).len() == 1);
    if !placed {
        return None;
    }
    parse_image_ref(&img.attr("src")?)
}

/// The image a top-level element places: a bare reference or a figure holding only one.
fn placed_image(el: &NodeRef) -> Option<ImageId> {
    let img = if el.has_name("img") {
        *el
    } else if el.has_name("figure") {
        match parts(el).as_slice() {
            [only] if only.has_name("img") => *only,
            _ => return None,
        }
    } else {
        return None;
    };
    parse_image_ref(&img.attr("src")?)
}

fn join(blocks: &[Block]) -> String {
    blocks
        .iter()
        .filter(|b| b.image.is_none())
        .map(|b| b.markup.as_str())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn name(node: &NodeRef) -> String {
    node.node_name().map(|n| n.to_string()).unwrap_or_default()
}

fn is_inline(node: &NodeRef) -> bool {
    node.is_text() || (node.is_element() && INLINE.contains(&name(node).as_str()))
}

fn is_blank(node: &NodeRef) -> bool {
    node.is_text() && node.text().trim().is_empty()
}

/// A node's children without the whitespace between them (where only elements count).
fn parts<'a>(node: &NodeRef<'a>) -> Vec<NodeRef<'a>> {
    node.children()
        .into_iter()
        .filter(|c| !is_blank(c))
        .collect()
}

/// A node's HTML; html5ever's serialiser cannot fail writing to memory, and if it ever did the
/// text would still be kept.
fn outer_html(node: &NodeRef) -> String {
    node.try_html()
        .map(|h| h.to_string())
        .unwrap_or_else(|| html_escape::encode_text(&node.text()).into_owned())
}

fn inner_html(node: &NodeRef) -> String {
    node.try_inner_html()
        .map(|h| h.to_string())
        .unwrap_or_else(|| html_escape::encode_text(&node.text()).into_owned())
}

/// `<!-- wp:name attrs -->`, the block's HTML and its closing comment on three lines.
fn delimited(name: &str, attrs: &str, html: &str) -> String {
    let attrs = if attrs.is_empty() {
        String::new()
    } else {
        format!(" {attrs}")
    };
    format!("<!-- wp:{name}{attrs} -->\n{html}\n<!-- /wp:{name} -->")
}

fn html_block(node: &NodeRef) -> String {
    delimited("html", "", &outer_html(node))
}

/// Blocks for a run of sibling nodes: block elements one each, runs of loose text and inline
/// elements (an H1's text, say, once the sanitiser has removed its tag) as paragraphs.
fn blocks_of(nodes: &[NodeRef]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut run = String::new();
    let mut run_text = false;
    let flush = |run: &mut String, run_text: &mut bool, blocks: &mut Vec<Block>| {
        if *run_text {
            blocks.push(Block::html(paragraph(run.trim())));
        }
        run.clear();
        *run_text = false;
    };
    for node in nodes {
        if is_inline(node) {
            run.push_str(&outer_html(node));
            run_text |= !node.text().trim().is_empty();
            continue;
        }
        flush(&mut run, &mut run_text, &mut blocks);
        if node.is_element() {
            blocks.extend(block_of(node));
        }
    }
    flush(&mut run, &mut run_text, &mut blocks);
    blocks
}

fn paragraph(inner: &str) -> String {
    delimited("paragraph", "", &format!("<p>{inner}</p>"))
}

/// The block for one element; `None` for an element with no text (an empty paragraph).
fn block_of(el: &NodeRef) -> Option<Block> {
    let tag = name(el);
    let block = Block::html;
    if let Some(image) = placed_image(el) {
        return Some(Block {
            markup: String::new(),
            h2: false,
            image: Some(image),
        });
    }
    let has_text = !el.text().trim().is_empty();
    match tag.as_str() {
        "p" => has_text.then(|| block(paragraph(&inner_html(el)))),
        "h2" | "h3" | "h4" => has_text.then(|| {
            let attrs = match tag.as_str() {
                "h2" => String::new(),
                other => format!("{{\"level\":{}}}", &other[1..]),
            };
            Block {
                markup: delimited(
                    "heading",
                    &attrs,
                    &format!(
                        "<{tag} class=\"wp-block-heading\">{}</{tag}>",
                        inner_html(el)
                    ),
                ),
                h2: tag == "h2",
                image: None,
            }
        }),
        "ul" | "ol" => Some(block(list(el).unwrap_or_else(|| html_block(el)))),
        "table" => Some(block(table(el, None).unwrap_or_else(|| html_block(el)))),
        "figure" => Some(block(figure_table(el).unwrap_or_else(|| html_block(el)))),
        "blockquote" => has_text.then(|| {
            block(delimited(
                "quote",
                "",
                &format!(
                    "<blockquote class=\"wp-block-quote\">{}</blockquote>",
                    join(&blocks_of(&el.children()))
                ),
            ))
        }),
        "pre" => Some(block(code(el).unwrap_or_else(|| html_block(el)))),
        "hr" => Some(block(delimited(
            "separator",
            "",
            "<hr class=\"wp-block-separator has-alpha-channel-opacity\"/>",
        ))),
        _ => Some(block(html_block(el))),
    }
}

/// The HTML of nodes that rich text can hold: inline nodes as they are, paragraphs unwrapped
/// (one line each, `<br>` between); `None` when anything else is among them.
fn rich_text(nodes: &[NodeRef]) -> Option<String> {
    let mut lines: Vec<String> = vec![String::new()];
    for node in nodes {
        if is_inline(node) {
            lines.last_mut()?.push_str(&outer_html(node));
        } else if node.has_name("p") {
            lines.push(inner_html(node));
            lines.push(String::new());
        } else if !node.is_element() {
            continue;
        } else {
            return None;
        }
    }
    if lines.len() == 1 {
        return lines.pop();
    }
    let kept: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    Some(kept.join("<br>"))
}

fn is_list(node: &NodeRef) -> bool {
    node.has_name("ul") || node.has_name("ol")
}

/// `wp:list` with a `wp:list-item` block per item; `None` when an item holds more than text and
/// nested lists.
fn list(el: &NodeRef) -> Option<String> {
    let tag = if el.has_name("ol") { "ol" } else { "ul" };
    let mut items = Vec::new();
    for child in parts(el) {
        if !child.has_name("li") {
            return None;
        }
        items.push(list_item(&child)?);
    }
    let attrs = if tag == "ol" {
        "{\"ordered\":true}"
    } else {
        ""
    };
    Some(delimited(
        "list",
        attrs,
        &format!(
            "<{tag} class=\"wp-block-list\">{}</{tag}>",
            items.join("\n\n")
        ),
    ))
}

/// An item's text, then its nested lists as inner blocks (the editor keeps them after the text).
fn list_item(li: &NodeRef) -> Option<String> {
    let children = li.children();
    let split = children.iter().position(is_list).unwrap_or(children.len());
    let text = rich_text(&children[..split])?;
    let mut nested = Vec::new();
    for child in &children[split..] {
        if is_blank(child) {
            continue;
        }
        if !is_list(child) {
            return None;
        }
        nested.push(list(child)?);
    }
    Some(delimited(
        "list-item",
        "",
        &format!("<li>{text}{}</li>", nested.join("\n\n")),
    ))
}

/// A `<figure>` holding a table and perhaps its caption, as the table block writes itself.
fn figure_table(figure: &NodeRef) -> Option<String> {
    let parts = parts(figure);
    let table_el = parts.iter().find(|p| p.has_name("table"))?;
    let mut caption = None;
    for part in &parts {
        if part.has_name("figcaption") && caption.is_none() {
            caption = Some(rich_text(&part.children())?);
        } else if part.id != table_el.id {
            return None;
        }
    }
    table(table_el, caption)
}

/// `wp:table`: head, body and foot rows in that order (the block's own order), the caption as
/// the block's `figcaption`; `None` for a table the block cannot hold (a cell with a list in
/// it, rows outside sections) or one without rows.
fn table(el: &NodeRef, mut caption: Option<String>) -> Option<String> {
    let (mut head, mut body, mut foot) = (String::new(), String::new(), String::new());
    for part in parts(el) {
        let rows = match name(&part).as_str() {
            "thead" => &mut head,
            "tbody" => &mut body,
            "tfoot" => &mut foot,
            "caption" if caption.is_none() => {
                caption = Some(rich_text(&part.children())?);
                continue;
            }
            _ => return None,
        };
        for row in parts(&part) {
            if !row.has_name("tr") {
                return None;
            }
            rows.push_str(&table_row(&row)?);
        }
    }
    if head.is_empty() && body.is_empty() && foot.is_empty() {
        return None;
    }
    let section = |tag: &str, rows: &str| {
        if rows.is_empty() {
            String::new()
        } else {
            format!("<{tag}>{rows}</{tag}>")
        }
    };
    let caption = caption
        .filter(|c| !c.trim().is_empty())
        .map(|c| format!("<figcaption class=\"wp-element-caption\">{c}</figcaption>"))
        .unwrap_or_default();
    // Fixed layout is the editor's default for new tables; saying so keeps the block valid on
    // the WordPress versions whose default was still auto.
    Some(delimited(
        "table",
        "{\"hasFixedLayout\":true}",
        &format!(
            "<figure class=\"wp-block-table\"><table class=\"has-fixed-layout\">{}{}{}</table>{caption}</figure>",
            section("thead", &head),
            section("tbody", &body),
            section("tfoot", &foot),
        ),
    ))
}

fn table_row(tr: &NodeRef) -> Option<String> {
    let mut out = String::from("<tr>");
    for cell in parts(tr) {
        let tag = match name(&cell).as_str() {
            "th" => "th",
            "td" => "td",
            _ => return None,
        };
        out.push('<');
        out.push_str(tag);
        // the attributes the table block keeps for a cell, in its order
        for attr in ["scope", "colspan", "rowspan"] {
            if let Some(value) = cell.attr(attr) {
                out.push_str(&format!(
                    " {attr}=\"{}\"",
                    html_escape::encode_double_quoted_attribute(&value)
                ));
            }
        }
        out.push('>');
        out.push_str(&rich_text(&cell.children())?);
        out.push_str(&format!("</{tag}>"));
    }
    out.push_str("</tr>");
    Some(out)
}

/// `wp:code` from `<pre>` (with or without a `<code>` inside); `None` when it holds more than
/// text and inline markup.
fn code(pre: &NodeRef) -> Option<String> {
    let nodes = match parts(pre).as_slice() {
        [only] if only.has_name("code") => only.children(),
        _ => pre.children(),
    };
    if !nodes.iter().all(is_inline) {
        return None;
    }
    // As the code block itself does: `[` escaped so WordPress never runs a shortcode written in
    // an example (the entity means the same character wherever it stands).
    let html = nodes
        .iter()
        .map(outer_html)
        .collect::<String>()
        .replace('[', "&#91;");
    Some(delimited(
        "code",
        "",
        &format!("<pre class=\"wp-block-code\"><code>{html}</code></pre>"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::html::html_text;

    fn words(html: &str) -> Vec<String> {
        html_text(html)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn empty_and_blank_input_make_no_blocks() {
        assert_eq!(html_to_blocks(""), "");
        assert_eq!(html_to_blocks(" \n <p> </p><p><br></p><h2></h2>"), "");
    }

    #[test]
    fn paragraphs_and_headings_are_written_as_the_editor_writes_them() {
        assert_eq!(
            html_to_blocks("<p>One</p>\n<h2>Two</h2><h3>Three</h3><h4>Four</h4>"),
            "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n\
             <!-- wp:heading -->\n<h2 class=\"wp-block-heading\">Two</h2>\n<!-- /wp:heading -->\n\n\
             <!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">Three</h3>\n<!-- /wp:heading -->\n\n\
             <!-- wp:heading {\"level\":4} -->\n<h4 class=\"wp-block-heading\">Four</h4>\n<!-- /wp:heading -->"
        );
    }

    #[test]
    fn inline_markup_is_kept_inside_blocks() {
        let inline = "A <strong>b</strong> <em>c</em> <b>d</b> <i>e</i> <code>f</code> \
                      <a href=\"https://example.com/?a=1&amp;b=2\">g</a><br>h";
        assert_eq!(
            html_to_blocks(&format!("<p>{inline}</p><h2>{inline}</h2><ul><li>{inline}</li></ul>")),
            format!(
                "<!-- wp:paragraph -->\n<p>{inline}</p>\n<!-- /wp:paragraph -->\n\n\
                 <!-- wp:heading -->\n<h2 class=\"wp-block-heading\">{inline}</h2>\n<!-- /wp:heading -->\n\n\
                 <!-- wp:list -->\n<ul class=\"wp-block-list\"><!-- wp:list-item -->\n<li>{inline}</li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->"
            )
        );
    }

    #[test]
    fn text_stays_escaped() {
        assert_eq!(
            html_to_blocks("<p>1 &lt; 2 &amp;&amp; \"q\" &gt; caf\u{e9}&nbsp;&#8212; &lt;!-- wp:html --&gt;</p>"),
            "<!-- wp:paragraph -->\n<p>1 &lt; 2 &amp;&amp; \"q\" &gt; caf\u{e9}&nbsp;\u{2014} &lt;!-- wp:html --&gt;</p>\n<!-- /wp:paragraph -->"
        );
    }

    #[test]
    fn lists_hold_one_list_item_block_per_item_and_nest() {
        assert_eq!(
            html_to_blocks("<ul>\n<li>one</li>\n<li>two\n<ol><li>a</li><li>b</li></ol>\n</li></ul>"),
            "<!-- wp:list -->\n<ul class=\"wp-block-list\"><!-- wp:list-item -->\n<li>one</li>\n<!-- /wp:list-item -->\n\n\
             <!-- wp:list-item -->\n<li>two\n<!-- wp:list {\"ordered\":true} -->\n<ol class=\"wp-block-list\"><!-- wp:list-item -->\n<li>a</li>\n<!-- /wp:list-item -->\n\n\
             <!-- wp:list-item -->\n<li>b</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list --></li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->"
        );
        // paragraphs inside an item are unwrapped, a line each
        assert_eq!(
            html_to_blocks("<ol><li><p>first</p><p>second</p></li></ol>"),
            "<!-- wp:list {\"ordered\":true} -->\n<ol class=\"wp-block-list\"><!-- wp:list-item -->\n<li>first<br>second</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list -->"
        );
    }

    #[test]
    fn tables_become_table_blocks_with_their_sections_in_order() {
        assert_eq!(
            html_to_blocks(
                "<table><caption>Hoe <em>sizes</em></caption><tfoot><tr><td>foot</td></tr></tfoot>\
                 <thead><tr><th scope=\"col\">Size</th><th colspan=\"2\">Price</th></tr></thead>\
                 <tr><td rowspan=\"2\">S</td><td><strong>10</strong></td><td>12</td></tr></table>"
            ),
            "<!-- wp:table {\"hasFixedLayout\":true} -->\n<figure class=\"wp-block-table\"><table class=\"has-fixed-layout\">\
             <thead><tr><th scope=\"col\">Size</th><th colspan=\"2\">Price</th></tr></thead>\
             <tbody><tr><td rowspan=\"2\">S</td><td><strong>10</strong></td><td>12</td></tr></tbody>\
             <tfoot><tr><td>foot</td></tr></tfoot></table>\
             <figcaption class=\"wp-element-caption\">Hoe <em>sizes</em></figcaption></figure>\n<!-- /wp:table -->"
        );
        // a figure around a table is the table block's own figure
        assert_eq!(
            html_to_blocks("<figure><table><tr><td>x</td></tr></table><figcaption>Cap</figcaption></figure>"),
            "<!-- wp:table {\"hasFixedLayout\":true} -->\n<figure class=\"wp-block-table\"><table class=\"has-fixed-layout\">\
             <tbody><tr><td>x</td></tr></tbody></table>\
             <figcaption class=\"wp-element-caption\">Cap</figcaption></figure>\n<!-- /wp:table -->"
        );
    }

    #[test]
    fn quotes_hold_their_paragraphs_as_inner_blocks() {
        assert_eq!(
            html_to_blocks("<blockquote><p>One</p><p>Two</p></blockquote><blockquote>Loose <em>text</em></blockquote>"),
            "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n\
             <!-- wp:paragraph -->\n<p>Two</p>\n<!-- /wp:paragraph --></blockquote>\n<!-- /wp:quote -->\n\n\
             <!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>Loose <em>text</em></p>\n<!-- /wp:paragraph --></blockquote>\n<!-- /wp:quote -->"
        );
    }

    #[test]
    fn code_and_separators() {
        assert_eq!(
            html_to_blocks("<pre><code>if a &lt; b {\n  [gallery] &amp;\n}</code></pre><hr><pre>plain</pre>"),
            "<!-- wp:code -->\n<pre class=\"wp-block-code\"><code>if a &lt; b {\n  &#91;gallery] &amp;\n}</code></pre>\n<!-- /wp:code -->\n\n\
             <!-- wp:separator -->\n<hr class=\"wp-block-separator has-alpha-channel-opacity\"/>\n<!-- /wp:separator -->\n\n\
             <!-- wp:code -->\n<pre class=\"wp-block-code\"><code>plain</code></pre>\n<!-- /wp:code -->"
        );
    }

    #[test]
    fn loose_text_becomes_a_paragraph_and_the_unexpected_an_html_block() {
        // the sanitiser leaves an H1's text without its tag
        assert_eq!(
            html_to_blocks("<h1>Title</h1><p>Body</p>"),
            "<!-- wp:paragraph -->\n<p>Title</p>\n<!-- /wp:paragraph -->\n\n\
             <!-- wp:paragraph -->\n<p>Body</p>\n<!-- /wp:paragraph -->"
        );
        assert_eq!(
            html_to_blocks("<figure><figcaption>Lonely</figcaption></figure>"),
            "<!-- wp:html -->\n<figure><figcaption>Lonely</figcaption></figure>\n<!-- /wp:html -->"
        );
        // a list item holding a table cannot be a list-item block: the whole list stays HTML
        let list = "<ul><li>x<table><tbody><tr><td>y</td></tr></tbody></table></li></ul>";
        assert_eq!(
            html_to_blocks(list),
            format!("<!-- wp:html -->\n{list}\n<!-- /wp:html -->")
        );
    }

    #[test]
    fn the_blocks_are_sanitised_and_keep_every_word() {
        let article = "<h1>Hoes</h1><p>Intro <script>alert(1)</script><b>bold</b>.</p>\
             <h2>Kinds</h2><ul><li>Draw<ul><li>Wide</li></ul></li><li>Stirrup</li></ul>\
             <table><tr><th>Size</th><td>10&nbsp;cm</td></tr></table>\
             <blockquote><p>Sharp hoes cut.</p></blockquote><pre><code>x = 1</code></pre>\
             <figure><figcaption>Odd</figcaption></figure>tail <em>text</em>";
        let blocks = html_to_blocks(article);
        assert!(
            !blocks.contains("script") && !blocks.contains("alert"),
            "{blocks}"
        );
        assert_eq!(
            words(&blocks),
            words(&sanitize_article_html(article)),
            "{blocks}"
        );
        let opened = blocks.matches("<!-- wp:").count();
        assert_eq!(opened, blocks.matches("<!-- /wp:").count(), "{blocks}");
        assert_eq!(opened, 14, "{blocks}");
    }
}
