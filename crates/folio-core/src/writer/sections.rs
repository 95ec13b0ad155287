//! An article body's sections: the top-level H2 headings and what follows each up to the next
//! one. Regenerating a section replaces what follows its heading and keeps every other node as
//! it was (so the document change is only that section's text).

use crate::CoreError;
use dom_query::{Document, NodeRef};

/// One H2 section of a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading's text.
    pub heading: String,
    /// The section's HTML after its heading, up to the next H2.
    pub body_html: String,
}

/// The top-level nodes of a (sanitised) body as HTML, with whether each is an H2.
pub(crate) fn top_level(html: &str) -> Vec<(bool, String, String)> {
    let doc = Document::fragment(html);
    let root = doc.root();
    // html5ever puts a fragment's nodes under an `html` element.
    let top = match root.first_element_child() {
        Some(h) if h.has_name("html") => h,
        _ => root,
    };
    top.children()
        .iter()
        .map(|n: &NodeRef| {
            let h2 = n.is_element() && n.has_name("h2");
            let html = if n.is_element() {
                n.try_html().map(|h| h.to_string()).unwrap_or_default()
            } else {
                html_escape::encode_text(&n.text()).into_owned()
            };
            (h2, n.text().trim().to_owned(), html)
        })
        .collect()
}

impl crate::Folio {
    /// The article's H2 headings in order: the sections `regenerate_section` takes by index.
    pub async fn content_sections(
        &self,
        id: folio_model::ContentId,
    ) -> Result<Vec<String>, CoreError> {
        let c = self.get_content(id).await?;
        Ok(sections(&c.body_html)
            .into_iter()
            .map(|s| s.heading)
            .collect())
    }
}

/// The body's H2 sections in order.
pub fn sections(html: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for (h2, text, html) in top_level(html) {
        if h2 {
            out.push(Section {
                heading: text,
                body_html: String::new(),
            });
        } else if let Some(s) = out.last_mut() {
            s.body_html.push_str(&html);
        }
    }
    for s in &mut out {
        s.body_html = s.body_html.trim().to_owned();
    }
    out
}

/// The body with section `index`'s content (after its heading, up to the next H2) replaced.
pub fn replace_section(html: &str, index: usize, new_body: &str) -> Result<String, CoreError> {
    let nodes = top_level(html);
    let count = nodes.iter().filter(|(h2, _, _)| *h2).count();
    if index >= count {
        return Err(CoreError::invalid(
            "section",
            format!("The article has {count} sections (H2 headings); choose one from 1 to {count}"),
        ));
    }
    let mut out = String::with_capacity(html.len() + new_body.len());
    let mut seen = 0usize;
    let mut replacing = false;
    for (h2, _, node) in &nodes {
        if *h2 {
            if replacing {
                replacing = false;
            }
            if seen == index {
                out.push_str(node);
                out.push('\n');
                out.push_str(new_body.trim());
                out.push('\n');
                replacing = true;
                seen += 1;
                continue;
            }
            seen += 1;
        }
        if !replacing {
            out.push_str(node);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "<p>Intro.</p>\n<h2>One</h2>\n<p>First.</p><ul><li>a</li></ul>\n<h2>Two</h2>\n<p>Second.</p>\n<h2>Three</h2>\n<p>Third.</p>";

    #[test]
    fn sections_are_the_h2s_and_what_follows_each() {
        let s = sections(BODY);
        let headings: Vec<_> = s.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["One", "Two", "Three"]);
        assert_eq!(s[0].body_html, "<p>First.</p><ul><li>a</li></ul>");
        assert_eq!(s[2].body_html, "<p>Third.</p>");
    }

    #[test]
    fn replacing_a_section_keeps_every_other_node() {
        let out = replace_section(BODY, 1, "<p>New second.</p>").expect("replaced");
        assert_eq!(
            out,
            "<p>Intro.</p>\n<h2>One</h2>\n<p>First.</p><ul><li>a</li></ul>\n<h2>Two</h2>\n<p>New second.</p>\n<h2>Three</h2>\n<p>Third.</p>"
        );
        let last = replace_section(BODY, 2, "<p>New third.</p>").expect("replaced");
        assert!(
            last.ends_with("<h2>Three</h2>\n<p>New third.</p>\n"),
            "{last}"
        );
        assert!(last.contains("<p>Second.</p>"));
    }

    #[test]
    fn a_section_past_the_last_is_refused_with_the_range() {
        let e = replace_section(BODY, 3, "<p>x</p>").expect_err("no fourth section");
        assert!(e.to_string().contains("from 1 to 3"), "{e}");
        let e = replace_section("<p>No headings.</p>", 0, "<p>x</p>").expect_err("none");
        assert!(e.to_string().contains("0 sections"), "{e}");
    }
}
