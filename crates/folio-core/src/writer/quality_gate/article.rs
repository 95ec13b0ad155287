//! An article's body as the checks see it: the intro, the H2 sections, the paragraphs and the
//! whole text, read from the parsed tree.
//!
//! A section is everything from one H2 to the next, wherever the H2 sits (inside a Gutenberg
//! group `<div>` too); H3s and their text belong to the H2 above them. Text follows
//! `html::html_text`: inline elements join words, every other element separates them, scripts
//! and styles are not text.

use super::dom::{Dom, Event};
use crate::writer::html::INLINE_TAGS;

pub(super) struct Article {
    /// The text before the first H2.
    pub intro: String,
    pub sections: Vec<Section>,
    /// The text of every `<p>`, in order, whitespace collapsed.
    pub paragraphs: Vec<String>,
    /// All of the body's text, headings included.
    pub text: String,
}

pub(super) struct Section {
    /// The H2's text, whitespace collapsed.
    pub heading: String,
    /// The text after the H2 up to the next one (H3s included).
    pub body: String,
}

/// Elements whose contents are not text a reader sees.
const HIDDEN_TAGS: &[&str] = &["script", "style"];

impl Article {
    pub(super) fn parse(html: &str) -> Article {
        let mut reader = Reader::default();
        Dom::parse(html).walk(|event| reader.on(event));
        reader.finish()
    }
}

#[derive(Default)]
struct Reader {
    intro: String,
    sections: Vec<Section>,
    paragraphs: Vec<String>,
    text: String,
    // depths, not flags: a heading or paragraph nested in another must not end it early
    heading_depth: usize,
    paragraph_depth: usize,
    paragraph: String,
}

impl Reader {
    fn on(&mut self, event: Event<'_>) -> bool {
        match event {
            Event::Start(tag) => {
                if HIDDEN_TAGS.contains(&tag) {
                    return false;
                }
                self.separate(tag);
                if tag == "h2" {
                    if self.heading_depth == 0 {
                        self.sections.push(Section {
                            heading: String::new(),
                            body: String::new(),
                        });
                    }
                    self.heading_depth += 1;
                } else if tag == "p" {
                    self.paragraph_depth += 1;
                }
            }
            Event::End(tag) => {
                if tag == "h2" {
                    self.heading_depth = self.heading_depth.saturating_sub(1);
                } else if tag == "p" {
                    self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
                    if self.paragraph_depth == 0 {
                        let paragraph = std::mem::take(&mut self.paragraph);
                        self.paragraphs.push(collapse(&paragraph));
                    }
                }
                self.separate(tag);
            }
            Event::Text(t) => self.push(t),
        }
        true
    }

    fn separate(&mut self, tag: &str) {
        if !INLINE_TAGS.contains(&tag) {
            self.push(" ");
        }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        if self.paragraph_depth > 0 {
            self.paragraph.push_str(s);
        }
        match self.sections.last_mut() {
            Some(section) if self.heading_depth > 0 => section.heading.push_str(s),
            Some(section) => section.body.push_str(s),
            None => self.intro.push_str(s),
        }
    }

    fn finish(mut self) -> Article {
        for section in &mut self.sections {
            section.heading = collapse(&section.heading);
        }
        Article {
            intro: self.intro,
            sections: self.sections,
            paragraphs: self.paragraphs,
            text: self.text,
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::html::html_word_count;
    use crate::writer::quality_gate::terms::word_count;

    #[test]
    fn sections_run_from_one_h2_to_the_next() {
        let article = Article::parse(
            "<p>Intro <b>te</b>xt.</p>\
             <div class=\"wp-block-group\"><h2> First\n<em>part</em> </h2><p>One</p></div>\
             <h3>Detail</h3><ul><li>two</li></ul>\
             <h2>Second</h2><p>Three<script>four()</script></p>",
        );
        assert_eq!(collapse(&article.intro), "Intro text.");
        let headings: Vec<_> = article.sections.iter().map(|s| &s.heading[..]).collect();
        assert_eq!(headings, ["First part", "Second"]);
        assert_eq!(collapse(&article.sections[0].body), "One Detail two");
        assert_eq!(collapse(&article.sections[1].body), "Three");
        assert_eq!(article.paragraphs, ["Intro text.", "One", "Three"]);
    }

    #[test]
    fn the_text_has_the_words_html_word_count_counts() {
        for html in [
            "<p>wo<b>rd</b> and <em>more</em></p><h2>T</h2><ul><li>hoe</li><li>rake</li></ul>",
            "a&nbsp;b &amp; c &#8212; d",
            "<table><tr><th>Size</th><td>10&nbsp;cm</td></tr></table>",
            "<p>x</p><script>var a = 1 + 2;</script><style>p{}</style><p>y</p>",
        ] {
            let article = Article::parse(html);
            assert_eq!(
                word_count(&article.text) as u32,
                html_word_count(html),
                "{html}"
            );
        }
    }
}
