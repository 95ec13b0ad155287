//! Article bodies cut down to an allowlist of markup before they are stored or published.
//!
//! Bodies are untrusted: a model writes most of them (and can be talked into writing anything by
//! the pages it summarises), people paste the rest, and another device or the CLI may have
//! stored one before this check existed. What is kept is the markup an article needs and the
//! block editor can hold: paragraphs, H2–H4, lists, tables, quotes, code, links, emphasis.
//! Everything else loses its tag but keeps its text, except elements whose content is not
//! article text (scripts, styles, frames, embedded objects, SVG, forms' option lists), which go
//! entirely. No attribute survives but a link's `href` (http, https or mailto only), the
//! table cells' `colspan`, `rowspan` and `scope`, and an image's `alt` and its `src` — which
//! must be a reference to one of the article's images, `folio-image:<image id>`
//! (`writer/image_refs.rs`); an `img` with any other address goes. So no event handlers,
//! styles, classes or ids, and nothing an article shows is loaded from elsewhere.

use crate::writer::image_refs::{image_ref, parse_image_ref, IMAGE_REF_SCHEME};
use crate::CoreError;
use dom_query::Document;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The largest article body Folio stores or publishes, in bytes of HTML. A long article is about
/// 50 KB; 2 MiB is forty times that, so only a mistake (a pasted page with inline images, a
/// runaway model) comes near it, and the sanitiser's work stays bounded.
pub const MAX_ARTICLE_HTML_BYTES: usize = 2 * 1024 * 1024;

/// Tags kept as they are (their disallowed attributes removed).
const TAGS: &[&str] = &[
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "blockquote",
    "code",
    "pre",
    "br",
    "hr",
    "figure",
    "figcaption",
    "img",
];

/// Tags removed together with everything inside them: their content is code, styling, another
/// document or a widget, never article text. (Any other tag outside [`TAGS`] is removed and its
/// text kept.)
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "noscript", "noembed",
    "noframes", "template", "svg", "math", "textarea", "select", "title", "xmp",
];

/// The only URL schemes a link may use. Relative links are dropped too: they would point into
/// the WordPress site (or the app) wherever the article is shown.
/// (`folio-image` is allowed for an `img`'s `src` only; the attribute filter sees to that.)
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", IMAGE_REF_SCHEME];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href"].as_slice()),
        ("img", ["src", "alt"].as_slice()),
        ("td", ["colspan", "rowspan"].as_slice()),
        ("th", ["colspan", "rowspan", "scope"].as_slice()),
    ]
    .into_iter()
    .map(|(tag, attrs)| (tag, attrs.iter().copied().collect()))
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        // Links keep no `target`, so `noopener` would protect nothing, and `noreferrer` would hide
        // from the sites an article cites that readers came from it.
        .link_rel(None)
        .attribute_filter(|_, attribute, value| match attribute {
            // An image reference, written one way whatever case or spaces it came with.
            "src" => parse_image_ref(value).map(|id| image_ref(id).into()),
            // A link to an image reference would lead nowhere outside Folio.
            "href" if is_image_ref_scheme(value) => None,
            // WordPress finds block delimiters (`<!-- wp:… -->`) anywhere in a post, attribute
            // values included, and the serialiser escapes neither `<` nor `>` there: encoded,
            // a link can never open or close a block (a URL means the same either way).
            "href" => Some(value.replace('<', "%3C").replace('>', "%3E").into()),
            "colspan" | "rowspan" => value
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|n| *n > 0)
                .map(|n| n.to_string().into()),
            "scope" => ["row", "col", "rowgroup", "colgroup"]
                .contains(&value)
                .then(|| value.into()),
            _ => Some(value.into()),
        })
        .strip_comments(true);
    builder
});

/// Whether an address uses the image reference scheme, read the way a URL parser reads it
/// (spaces and control characters ignored, any case).
fn is_image_ref_scheme(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(IMAGE_REF_SCHEME.len() + 1)
        .collect();
    squeezed
        .to_ascii_lowercase()
        .starts_with(&format!("{IMAGE_REF_SCHEME}:"))
}

/// `html` without the `img` elements that lost their `src` (an address that was not an image
/// reference): an image without its picture is nothing to keep.
fn drop_images_without_source(html: String) -> String {
    if !html.contains("<img") {
        return html;
    }
    let doc = Document::fragment(html.as_str());
    let orphans = doc.select("img:not([src])");
    if orphans.is_empty() {
        return html;
    }
    orphans.remove();
    let root = doc.root();
    // html5ever puts a fragment's nodes under an `html` element.
    let top = match root.first_element_child() {
        Some(el) if el.has_name("html") => el,
        _ => root,
    };
    top.try_inner_html()
        .map(|h| h.to_string())
        .unwrap_or_default()
}

/// The article HTML with only the allowed markup left (see the module documentation); the text
/// is kept. Input longer than [`MAX_ARTICLE_HTML_BYTES`] is cut at that length first (the parser
/// closes whatever the cut leaves open), so the work is bounded whatever arrives; the store and
/// the publisher refuse such bodies before they get here.
pub fn sanitize_article_html(html: &str) -> String {
    let mut end = html.len().min(MAX_ARTICLE_HTML_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    drop_images_without_source(SANITIZER.clean(&html[..end]).to_string())
}

/// The sanitised body to store or publish, or a validation error when the body (as given, or
/// once sanitised) is longer than [`MAX_ARTICLE_HTML_BYTES`]: a person would rather hear that
/// than find the end of the article missing.
pub(crate) fn sanitize_article_body(html: &str) -> Result<String, CoreError> {
    let too_long = |len: usize| {
        CoreError::invalid(
            "body_html",
            format!(
                "The article's HTML is {:.1} MB; Folio keeps articles up to {} MB. Remove \
                 embedded images or data, or split the article",
                len as f64 / 1_048_576.0,
                MAX_ARTICLE_HTML_BYTES / 1_048_576
            ),
        )
    };
    if html.len() > MAX_ARTICLE_HTML_BYTES {
        return Err(too_long(html.len()));
    }
    let clean = sanitize_article_html(html);
    if clean.len() > MAX_ARTICLE_HTML_BYTES {
        return Err(too_long(clean.len()));
    }
    Ok(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_styles_and_frames_go_with_their_content() {
        let out = sanitize_article_html(
            "<p>Before</p><script>alert(1)</script><style>p{color:red}</style>\
             <iframe src=\"https://evil.example\">framed text</iframe><noscript>no</noscript>\
             <svg><script>alert(2)</script><text>svg text</text></svg><p>After</p>",
        );
        assert_eq!(out, "<p>Before</p><p>After</p>");
    }

    #[test]
    fn event_handlers_styles_classes_and_ids_are_removed() {
        let out = sanitize_article_html(
            "<p onclick=\"alert(1)\" style=\"color:red\" class=\"x\" id=\"y\" title=\"t\">Hi \
             <strong onmouseover=\"alert(2)\">there</strong></p>",
        );
        assert_eq!(out, "<p>Hi <strong>there</strong></p>");
    }

    #[test]
    fn images_go_and_their_handlers_with_them() {
        let out = sanitize_article_html("<p>A<img src=x onerror=alert(1)>B</p>");
        assert_eq!(out, "<p>AB</p>");
        for other in [
            "<img src=\"https://example.com/a.png\" alt=\"a\">",
            "<img src=\"data:image/png;base64,AAAA\">",
            "<img src=\"folio-image:not-a-uuid\" alt=\"a\">",
            "<img alt=\"no source\">",
            "<img src=\"/relative.png\">",
        ] {
            assert_eq!(
                sanitize_article_html(&format!("<p>x</p>{other}")),
                "<p>x</p>",
                "{other}"
            );
        }
    }

    #[test]
    fn image_references_are_kept_with_their_alt_text_only() {
        let id = "0190a8d2-7a4e-7cc1-9a51-2b8d3f0e4c11";
        let out = sanitize_article_html(&format!(
            "<figure class=\"x\"><img src=\" FOLIO-IMAGE:{} \" alt=\"A &quot;tomato&quot;\" \
             onerror=\"alert(1)\" style=\"width:9px\" width=\"9\"></figure><p>after</p>",
            id.to_uppercase()
        ));
        assert_eq!(
            out,
            format!("<figure><img src=\"folio-image:{id}\" alt=\"A &quot;tomato&quot;\"></figure><p>after</p>")
        );
        assert_eq!(sanitize_article_html(&out), out, "stable");
    }

    #[test]
    fn a_link_never_points_at_an_image_reference() {
        let id = "0190a8d2-7a4e-7cc1-9a51-2b8d3f0e4c11";
        for href in [
            format!("folio-image:{id}"),
            format!("Folio-Image:{id}"),
            format!("folio-\timage:{id}"),
        ] {
            assert_eq!(
                sanitize_article_html(&format!("<a href=\"{href}\">x</a>")),
                "<a>x</a>",
                "{href}"
            );
        }
    }

    #[test]
    fn links_keep_only_web_and_mail_addresses() {
        for (input, want) in [
            (
                "<a href=\"https://example.com/a?b=1&amp;c=2\" target=\"_blank\">x</a>",
                "<a href=\"https://example.com/a?b=1&amp;c=2\">x</a>",
            ),
            (
                "<a href=\"http://example.com\">x</a>",
                "<a href=\"http://example.com\">x</a>",
            ),
            (
                "<a href=\"mailto:a@example.com\">x</a>",
                "<a href=\"mailto:a@example.com\">x</a>",
            ),
            ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
            ("<a href=\" JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"),
            ("<a href=\"java&#x09;script:alert(1)\">x</a>", "<a>x</a>"),
            (
                "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
                "<a>x</a>",
            ),
            ("<a href=\"vbscript:msgbox\">x</a>", "<a>x</a>"),
            ("<a href=\"/relative\">x</a>", "<a>x</a>"),
        ] {
            assert_eq!(sanitize_article_html(input), want, "{input}");
        }
    }

    #[test]
    fn no_attribute_can_smuggle_a_block_delimiter() {
        let out = sanitize_article_html(
            "<p><a href=\"https://x.example/?q=--><!-- wp:latest-posts /--><!--\">x</a></p>\
             <p>--><!-- wp:html -->&lt;!-- wp:more --&gt;</p><table><tbody><tr>\
             <td colspan=\"2 --><!-- wp:x\" rowspan=\"0\">c</td>\
             <th scope=\"<!-- wp:x -->\" colspan=\" 3 \">h</th></tr></tbody></table>",
        );
        assert!(!out.contains("<!--"), "{out}");
        assert_eq!(
            out,
            "<p><a href=\"https://x.example/?q=--%3E%3C!-- wp:latest-posts /--%3E%3C!--\">x</a></p>\
             <p>--&gt;&lt;!-- wp:more --&gt;</p><table><tbody><tr><td>c</td>\
             <th colspan=\"3\">h</th></tr></tbody></table>"
        );
    }

    #[test]
    fn h1_and_unknown_tags_lose_the_tag_but_keep_the_text() {
        let out = sanitize_article_html(
            "<h1>Title</h1><div><p>In a <span>div</span></p></div><h5>Small</h5>",
        );
        assert_eq!(out, "Title<p>In a div</p>Small");
    }

    #[test]
    fn article_markup_is_kept_intact() {
        let article = "<p>Intro with <strong>bold</strong>, <em>em</em>, <b>b</b>, <i>i</i>, \
             <code>code</code> and a <a href=\"https://example.com/\">link</a>.<br>Next line.</p>\
             <h2>Two</h2><h3>Three</h3><h4>Four</h4>\
             <ul><li>one</li><li>two<ol><li>nested</li></ol></li></ul>\
             <table><caption>Sizes</caption><thead><tr><th scope=\"col\">Size</th>\
             <th colspan=\"2\">Price</th></tr></thead><tbody><tr><td rowspan=\"2\">S</td>\
             <td>1</td><td>2</td></tr></tbody><tfoot><tr><td>x</td></tr></tfoot></table>\
             <blockquote><p>Quoted</p></blockquote><pre><code>let a = 1;</code></pre><hr>\
             <figure><table><tbody><tr><td>t</td></tr></tbody></table>\
             <figcaption>Cap</figcaption></figure>";
        assert_eq!(sanitize_article_html(article), article);
    }

    #[test]
    fn text_and_entities_are_preserved_and_escaped() {
        assert_eq!(
            sanitize_article_html("<p>1 < 2 &amp; 3 > 2 &nbsp;caf\u{e9} &#8212; \u{1f331}</p>"),
            "<p>1 &lt; 2 &amp; 3 &gt; 2 &nbsp;caf\u{e9} \u{2014} \u{1f331}</p>"
        );
        assert_eq!(sanitize_article_html("plain text"), "plain text");
        assert_eq!(sanitize_article_html(""), "");
    }

    #[test]
    fn sanitising_twice_changes_nothing_more() {
        let once = sanitize_article_html(
            "<p>a<script>x</script><b>b<p>c</b><table><tr><td>d</table><a href=javascript:1>e",
        );
        assert_eq!(sanitize_article_html(&once), once);
    }

    #[test]
    fn oversized_bodies_are_refused_and_the_sanitiser_stays_bounded() {
        let big = format!("<p>{}</p>", "word ".repeat(MAX_ARTICLE_HTML_BYTES / 5));
        let err = sanitize_article_body(&big).unwrap_err();
        assert_eq!(err.field(), Some("body_html"));
        assert!(err.to_string().contains("2 MB"), "{err}");
        let cut = sanitize_article_html(&big);
        assert!(
            cut.len() <= MAX_ARTICLE_HTML_BYTES + "</p>".len(),
            "{}",
            cut.len()
        );
        assert!(cut.starts_with("<p>word ") && cut.ends_with("</p>"));
        // a cut never splits a character
        let wide = "\u{e9}".repeat(MAX_ARTICLE_HTML_BYTES);
        assert!(sanitize_article_html(&wide).len() <= MAX_ARTICLE_HTML_BYTES);
        assert_eq!(
            sanitize_article_body("<p>ok</p><script>x</script>").unwrap(),
            "<p>ok</p>"
        );
    }
}
