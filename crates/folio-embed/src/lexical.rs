//! Lexical variants: keywords that differ only in case, plural, word order, a joining word
//! ("for", "vs"), a year or a one-letter typo are one search intent, and land in one group
//! before any embedding is compared (the embeddings alone keep "crm 2025" near "pram 2025").

/// Joining words that change no intent ("soil for raised beds" = "raised bed soil").
const JOINERS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "v",
    "versus", "vs", "with",
];

/// Search modifiers that say what a searcher wants to do, not what about: the words SEO tools
/// strip to find a keyword's topic. Left out of the text that is embedded (a static embedding
/// averages its words, so "how to choose a ..." would otherwise outweigh the topic), kept in
/// the keyword and in its lexical group.
const MODIFIERS: &[&str] = &[
    "best",
    "top",
    "rated",
    "cheap",
    "cheapest",
    "affordable",
    "review",
    "reviews",
    "price",
    "prices",
    "cost",
    "sale",
    "deal",
    "deals",
    "coupon",
    "buy",
    "buying",
    "guide",
    "tips",
    "ideas",
    "examples",
    "how",
    "what",
    "which",
    "why",
    "when",
    "is",
    "are",
    "it",
    "worth",
    "near",
    "me",
    "online",
    "free",
    "vs",
    "versus",
    "comparison",
    "compare",
    "alternative",
    "alternatives",
    "brand",
    "brands",
    "under",
    "beginners",
    "amazon",
    "choose",
    "a",
    "an",
    "the",
    "for",
    "to",
    "of",
    "and",
    "or",
    "with",
    "in",
    "on",
];

/// The words of a keyword that name its topic: modifiers, numbers and years dropped (the whole
/// keyword if nothing would be left).
pub fn topic_text(keyword: &str) -> String {
    let lower = keyword.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !MODIFIERS.contains(w) && !w.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if kept.is_empty() {
        lower
    } else {
        kept.join(" ")
    }
}

/// The key two variants of one keyword share: lowercased words, joining words and years
/// dropped, each word singular, sorted. A keyword made only of joining words keys as itself.
pub fn variant_key(keyword: &str) -> String {
    let lower = keyword.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut kept: Vec<String> = words
        .iter()
        .filter(|w| !JOINERS.contains(w) && !is_year(w))
        .map(|w| singular(w))
        .collect();
    if kept.is_empty() {
        kept = words.iter().map(|w| w.to_string()).collect();
    }
    kept.sort_unstable();
    kept.dedup();
    kept.join(" ")
}

fn is_year(w: &str) -> bool {
    w.len() == 4
        && (w.starts_with("19") || w.starts_with("20"))
        && w.bytes().all(|b| b.is_ascii_digit())
}

/// English plural endings, conservatively: "beds" → "bed", "berries" → "berry", "boxes" →
/// "box"; "glass", "cactus", "analysis" and short words are left alone.
fn singular(w: &str) -> String {
    let n = w.chars().count();
    if n <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        if n > 4 {
            return format!("{stem}y");
        }
    }
    for end in ["sses", "xes", "ches", "shes", "zzes"] {
        if w.ends_with(end) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// Keys one typo apart: each key with one letter deleted from one of its longer words (five
/// letters or more, so "soil" and "sail" or "food" and "fool" stay apart, and digits are never
/// deleted, so "bed 10 ft" and "bed 12 ft" do too). Two keys that share one of these are one
/// substitution, insertion, deletion or transposition apart within such a word.
pub(crate) fn typo_neighbours(key: &str) -> Vec<String> {
    const MIN_LETTERS: usize = 5;
    let words: Vec<&str> = key.split(' ').collect();
    let mut out = vec![key.to_string()];
    for (w, word) in words.iter().enumerate() {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < MIN_LETTERS {
            continue;
        }
        for (i, c) in chars.iter().enumerate() {
            if !c.is_alphabetic() {
                continue;
            }
            let shorter: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
            let mut variant = words.clone();
            variant[w] = &shorter;
            out.push(variant.join(" "));
        }
    }
    out
}

/// A cluster name from a keyword: spaces collapsed, the first letter capitalised.
pub fn tidy_name(keyword: &str) -> String {
    let words: Vec<&str> = keyword.split_whitespace().collect();
    let joined = words.join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_share_a_key() {
        let k = variant_key("raised bed soil");
        for v in [
            "Raised Bed Soil",
            "raised beds soil",
            "soil for raised beds",
            "raised bed soil 2025",
            "raised-bed soil",
        ] {
            assert_eq!(variant_key(v), k, "{v}");
        }
        assert_eq!(
            variant_key("iphone vs android"),
            variant_key("android iphone")
        );
        assert_ne!(variant_key("raised bed soil"), variant_key("raised bed"));
    }

    #[test]
    fn plurals_are_folded_conservatively() {
        assert_eq!(singular("berries"), "berry");
        assert_eq!(singular("boxes"), "box");
        assert_eq!(singular("beds"), "bed");
        for same in ["glass", "cactus", "analysis", "bus", "gas"] {
            assert_eq!(singular(same), same);
        }
    }

    #[test]
    fn typo_neighbours_meet_for_one_letter_but_not_for_digits() {
        let meet = |a: &str, b: &str| {
            let na = typo_neighbours(a);
            typo_neighbours(b).iter().any(|x| na.contains(x))
        };
        assert!(meet("raised bed soil", "riased bed soil"));
        assert!(meet("raised bed soil", "rasied bed soil"));
        assert!(meet("raised bed soil", "raised bed soill"));
        assert!(!meet("garden bed 10 ft", "garden bed 12 ft"));
        assert!(!meet("dog food", "dog fool"), "short words are left alone");
        assert!(!meet("raised bed soil", "raised bed sail"));
        assert!(!meet("raised bed soil", "raised bed sand"));
    }

    #[test]
    fn the_topic_is_the_keyword_without_its_modifiers() {
        assert_eq!(
            topic_text("How to choose a Raised Bed Soil"),
            "raised bed soil"
        );
        assert_eq!(
            topic_text("best running shoes 2025 under 100"),
            "running shoes"
        );
        assert_eq!(
            topic_text("best"),
            "best",
            "a keyword of modifiers only stays itself"
        );
    }

    #[test]
    fn names_are_tidied() {
        assert_eq!(tidy_name("  raised   bed soil "), "Raised bed soil");
        assert_eq!(tidy_name("élan vital"), "Élan vital");
        assert_eq!(tidy_name(""), "");
    }
}
