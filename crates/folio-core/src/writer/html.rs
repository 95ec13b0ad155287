//! Slugs and the text of article HTML: slugs derived from titles, the visible text and its word
//! count.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// WordPress keeps slugs to 200 bytes.
pub const MAX_SLUG_LEN: usize = 200;

/// A URL slug: accents dropped, lowercase ASCII letters and digits, single hyphens between words.
/// Empty when nothing of the input survives (a title in a non-Latin script, say).
pub fn slugify(input: &str) -> String {
    let mut slug = String::with_capacity(input.len());
    let mut pending_hyphen = false;
    let push = |slug: &mut String, s: &str, pending: &mut bool| {
        if *pending && !slug.is_empty() {
            slug.push('-');
        }
        *pending = false;
        slug.push_str(s);
    };
    for c in input.nfkd() {
        // letters NFKD does not decompose into ASCII
        let spelled = match c {
            'ß' => Some("ss"),
            'æ' | 'Æ' => Some("ae"),
            'œ' | 'Œ' => Some("oe"),
            'ø' | 'Ø' => Some("o"),
            'đ' | 'Đ' => Some("d"),
            'ł' | 'Ł' => Some("l"),
            'þ' | 'Þ' => Some("th"),
            _ => None,
        };
        if let Some(s) = spelled {
            push(&mut slug, s, &mut pending_hyphen);
        } else if c.is_ascii_alphanumeric() {
            push(
                &mut slug,
                &c.to_ascii_lowercase().to_string(),
                &mut pending_hyphen,
            );
        } else if matches!(c, '\'' | '\u{2019}')
            || is_combining_mark(c)
            || (!c.is_ascii() && c.is_alphanumeric())
        {
            // apostrophes join ("don't" → "dont"); accents and other scripts are dropped
        } else {
            pending_hyphen = true;
        }
    }
    if slug.len() > MAX_SLUG_LEN {
        slug.truncate(MAX_SLUG_LEN);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    slug
}

/// Inline elements do not separate words (`<b>wo</b>rd` is one word); every other tag does.
/// Shared with the quality gate's parsed text, so both count the same words.
pub(crate) const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// The text of an HTML fragment: tags removed (script and style with their contents), the
/// common entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        // `<` not opening a tag ("1 < 2") is text
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            out.push('<');
            rest = after;
            continue;
        }
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |i| &comment[i + 3..]);
            continue;
        }
        let Some(gt) = after.find('>') else {
            // a stray `<` is text
            out.push('<');
            rest = after;
            continue;
        };
        let tag = &after[..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(i) => &rest[i..],
                None => "",
            };
            out.push(' ');
            continue;
        }
        if !INLINE_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// Words in an HTML fragment's text: runs separated by whitespace that contain a letter or digit
/// (so a lone "—" or "|" is not a word).
pub fn html_word_count(html: &str) -> u32 {
    let n = html_text(html)
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_with_single_hyphens() {
        for (input, want) in [
            ("Hello, World!", "hello-world"),
            ("  Best   Garden Hoes (2026) ", "best-garden-hoes-2026"),
            ("Café crème brûlée", "cafe-creme-brulee"),
            ("Don't panic — it’s fine", "dont-panic-its-fine"),
            ("Straße & Ölgemälde", "strasse-olgemalde"),
            ("日本語 guide", "guide"),
            ("---", ""),
            ("日本語", ""),
        ] {
            assert_eq!(slugify(input), want, "{input:?}");
        }
        let long = "word ".repeat(100);
        let s = slugify(&long);
        assert!(s.len() <= MAX_SLUG_LEN && !s.ends_with('-'), "{s}");
    }

    #[test]
    fn words_are_counted_in_the_html_text() {
        assert_eq!(html_word_count(""), 0);
        assert_eq!(html_word_count("<p>One two</p><p>three</p>"), 3);
        assert_eq!(html_word_count("<p>wo<b>rd</b> and <em>more</em></p>"), 3);
        assert_eq!(
            html_word_count("<h2>Tools</h2><ul><li>hoe</li><li>rake</li></ul>"),
            3
        );
        assert_eq!(html_word_count("a&nbsp;b &amp; c &#8212; d"), 4);
        assert_eq!(
            html_word_count("<p>x</p><script>var a = 1 + 2;</script><style>p{}</style><p>y</p>"),
            2
        );
        assert_eq!(
            html_word_count("<table><tr><th>Size</th><td>10&nbsp;cm</td></tr></table>"),
            3
        );
        assert_eq!(html_word_count("1 < 2 and 3 > 2"), 5);
        assert_eq!(html_word_count("<p>a<!-- b > c --> d</p>"), 2);
    }
}
