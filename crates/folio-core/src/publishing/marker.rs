//! Folio's mark on the posts it publishes, so that finding a post by slug never adopts a post a
//! person wrote (a slug is synced, and a teammate can aim it at any post on the site).
//!
//! WordPress drops unregistered `meta` sent over REST and no plugin is installed on users' sites,
//! so the mark lives in the post's own markup: an extra attribute on the first block's opening
//! comment, `<!-- wp:paragraph {"folioContentId":"…"} -->`. WordPress keeps block comments in
//! `content.raw` verbatim and renders nothing for them; the block editor ignores attributes a
//! block does not declare, so the block still opens as a valid native block (no Classic block,
//! no warning, nothing visible). Saving the post in the block editor drops the attribute; such a
//! post is then only adopted by its stored id, or by slug with force.

use folio_model::ContentId;

/// The attribute name: unlikely to clash with any block's own attributes.
pub(crate) const ATTRIBUTE: &str = "folioContentId";

/// `markup` with this article's mark on its first block. Markup that does not start with a block
/// (an empty article) is returned as it is: it cannot carry a mark without adding a block.
pub(crate) fn mark(markup: &str, content: ContentId) -> String {
    const OPEN: &str = "<!-- wp:";
    let Some(rest) = markup.strip_prefix(OPEN) else {
        return markup.to_owned();
    };
    let Some(end) = rest.find("-->") else {
        return markup.to_owned();
    };
    let comment = rest[..end].trim_end();
    let self_closing = comment.ends_with('/');
    let comment = comment.trim_end_matches('/').trim_end();
    let (name, attrs) = match comment.split_once(' ') {
        Some((name, attrs)) => (name, attrs.trim()),
        None => (comment, ""),
    };
    let ours = format!("\"{ATTRIBUTE}\":\"{content}\"");
    // Spliced in as text rather than parsed and re-serialised: the block's own attributes stay
    // byte for byte as the block serialiser wrote them (escapes included).
    let attrs = match attrs.strip_prefix('{') {
        Some(inner) if inner.trim_start().starts_with('}') => format!("{{{ours}}}"),
        Some(inner) => format!("{{{ours},{inner}"),
        None => format!("{{{ours}}}"),
    };
    let close = if self_closing { " /-->" } else { " -->" };
    format!("{OPEN}{name} {attrs}{close}{}", &rest[end + 3..])
}

/// Whether a post's raw content carries this article's mark.
pub(crate) fn carries(raw: &str, content: ContentId) -> bool {
    raw.contains(&format!("\"{ATTRIBUTE}\":\"{content}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> ContentId {
        ContentId(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0001,
        ))
    }

    #[test]
    fn the_first_block_carries_the_mark_and_keeps_its_own_attributes() {
        let id = id();
        assert_eq!(
            mark("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->", id),
            format!("<!-- wp:paragraph {{\"folioContentId\":\"{id}\"}} -->\n<p>Hi</p>\n<!-- /wp:paragraph -->")
        );
        assert_eq!(
            mark("<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">T</h3>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->", id),
            format!("<!-- wp:heading {{\"folioContentId\":\"{id}\",\"level\":3}} -->\n<h3 class=\"wp-block-heading\">T</h3>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->")
        );
        assert_eq!(
            mark("<!-- wp:separator {} /-->", id),
            format!("<!-- wp:separator {{\"folioContentId\":\"{id}\"}} /-->")
        );
        assert_eq!(mark("", id), "");
        assert_eq!(mark("<p>classic</p>", id), "<p>classic</p>");
    }

    #[test]
    fn only_this_articles_mark_counts() {
        let id = id();
        let marked = mark(
            "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->",
            id,
        );
        assert!(carries(&marked, id));
        let other = ContentId(uuid::Uuid::from_u128(2));
        assert!(!carries(&marked, other));
        assert!(!carries(
            "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->",
            id
        ));
    }
}
