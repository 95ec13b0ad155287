//! Just enough HTML handling to compare term names and to quote an error page.

/// Decodes the entities WordPress writes into term names and titles (`Tips &amp; Tricks`,
/// `&#8217;`); unknown entities are left as they are.
pub(crate) fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// What a person would recognise of a page: its `<title>`, else the start of its text.
pub(crate) fn snippet(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title"), lower.find("</title>")) {
        if let Some(open_end) = lower[start..].find('>').map(|o| start + o + 1) {
            if open_end <= end {
                let title = collapse(&decode_entities(&body[open_end..end]));
                if !title.is_empty() {
                    return shorten(&title, 160);
                }
            }
        }
    }
    let mut text = String::with_capacity(body.len().min(4096));
    let mut in_tag = false;
    for c in body.chars().take(8192) {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    shorten(&collapse(&decode_entities(&text)), 200)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(decode_entities("Tips &amp; Tricks"), "Tips & Tricks");
        assert_eq!(
            decode_entities("It&#8217;s &#x27;x&#039;"),
            "It\u{2019}s 'x'"
        );
        assert_eq!(decode_entities("a & b &bogus; &"), "a & b &bogus; &");
    }

    #[test]
    fn snippets() {
        assert_eq!(
            snippet("<html><head><title>Briefly unavailable for scheduled maintenance</title></head></html>"),
            "Briefly unavailable for scheduled maintenance"
        );
        assert_eq!(
            snippet("<br />\n<b>Warning</b>:  Undefined variable $x in <b>/var/www/wp-content/plugins/p.php</b> on line <b>3</b><br />\n{\"id\":1}"),
            "Warning : Undefined variable $x in /var/www/wp-content/plugins/p.php on line 3 {\"id\":1}"
        );
    }
}
