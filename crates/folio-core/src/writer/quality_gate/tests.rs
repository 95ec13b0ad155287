mod fixture;

use super::writing::length;
use super::*;
use fixture::{Fixture, INTRO};
use folio_model::QualityCheckKind as Kind;

fn finding(report: &QualityReport, kind: Kind) -> QualityFinding {
    report.finding(kind).cloned().unwrap_or_else(|| {
        panic!("no {kind:?} finding in {report:#?}");
    })
}

fn failed(report: &QualityReport, kind: Kind) -> String {
    let f = finding(report, kind);
    assert!(!f.passed, "{kind:?} passed: {}", f.message);
    f.message
}

fn passed(report: &QualityReport, kind: Kind) -> String {
    let f = finding(report, kind);
    assert!(f.passed, "{kind:?} failed: {}", f.message);
    f.message
}

/// The report for a bare body with no keyword, outline, target or banned list.
fn body_only(body: &str, keyword: &str) -> QualityReport {
    check_quality(&QualityInput {
        title: "",
        meta_title: "",
        body_html: body,
        primary_keyword: keyword,
        outline: &[],
        target_word_count: None,
        banned_phrases: &[],
    })
}

#[test]
fn a_well_written_article_passes_every_check() {
    let fixture = Fixture::new();
    let report = fixture.check();
    let kinds: Vec<Kind> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, Kind::ALL);
    for f in &report.findings {
        assert!(f.passed, "{:?}: {}", f.kind, f.message);
        assert_eq!(f.blocking, f.kind.blocking());
    }
    assert!(report.passed());
    assert_eq!(report.word_count, html_word_count(&fixture.html()));
    assert!((700..=1500).contains(&report.word_count));
    assert_eq!(
        passed(&report, Kind::OutlineFollowed),
        "The 6 H2s follow the outline"
    );
    assert_eq!(
        passed(&report, Kind::KeywordInHeading),
        "The H2 \"What a garden hoe does\" contains \"garden hoe\""
    );
    // deterministic: the same input gives the same report
    assert_eq!(fixture.check(), report);
}

#[test]
fn outline_check_names_missing_extra_and_reordered_h2s() {
    let mut fixture = Fixture::new();
    fixture.sections.remove(2);
    let message = failed(&fixture.check(), Kind::OutlineFollowed);
    assert_eq!(
        message,
        "The H2s do not follow the outline: missing \"Choosing the right handle\""
    );

    let mut fixture = Fixture::new();
    fixture.sections[1].0 = "Hoe varieties".into();
    let report = fixture.check();
    assert_eq!(
        failed(&report, Kind::OutlineFollowed),
        "The H2s do not follow the outline: missing \"Types of hoes\"; not in the outline \
         \"Hoe varieties\""
    );
    assert!(!report.passed());

    let mut fixture = Fixture::new();
    fixture.sections.swap(1, 2);
    assert_eq!(
        failed(&fixture.check(), Kind::OutlineFollowed),
        "The H2s do not follow the outline: out of order: H2 2 is \"Choosing the right handle\" \
         where the outline has \"Types of hoes\""
    );

    // case, spacing and punctuation do not count
    let mut fixture = Fixture::new();
    fixture.sections[0].0 = "WHAT  a garden-hoe does?".into();
    fixture.sections[5].0 = "Frequently <em>asked</em> questions".into();
    passed(&fixture.check(), Kind::OutlineFollowed);
}

#[test]
fn without_an_outline_the_headings_are_not_checked() {
    let mut fixture = Fixture::new();
    fixture.sections[1].0 = "Anything the author likes".into();
    let report = fixture.check_against(&[]);
    assert_eq!(
        passed(&report, Kind::OutlineFollowed),
        "No outline to follow"
    );
}

#[test]
fn a_section_under_twenty_words_counts_as_empty() {
    let mut fixture = Fixture::new();
    fixture.sections[4].1 = vec!["Keep it sharp.".into()];
    fixture.sections[5].1.clear();
    let report = fixture.check();
    assert_eq!(
        failed(&report, Kind::NoEmptySection),
        "Sections with fewer than 20 words: \"Sharpening and care\" (3 words), \
         \"Frequently asked questions\" (0 words)"
    );
    assert!(report
        .blocking_failures()
        .any(|f| f.kind == Kind::NoEmptySection));

    // exactly the minimum is enough, and an H3 with its text belongs to the H2 above
    let mut fixture = Fixture::new();
    let words: Vec<String> = (1..=MIN_SECTION_WORDS).map(|i| format!("w{i}")).collect();
    fixture.sections[4].1 = vec![format!(
        "</p><h3>{}</h3><p>{}",
        words[0],
        words[1..].join(" ")
    )];
    passed(&fixture.check(), Kind::NoEmptySection);
}

#[test]
fn the_keyword_must_be_in_the_title_meta_title_intro_and_an_h2() {
    let mut fixture = Fixture::new();
    fixture.title = "Weeding without chemicals".into();
    fixture.meta_title = String::new();
    let report = fixture.check();
    assert_eq!(
        failed(&report, Kind::KeywordInTitle),
        "The title \"Weeding without chemicals\" does not contain \"garden hoe\""
    );
    assert_eq!(
        failed(&report, Kind::KeywordInMetaTitle),
        "The meta title is empty; it must contain \"garden hoe\""
    );
    assert_eq!(report.blocking_failures().count(), 2);

    // the keyword only after the first 100 words
    let mut fixture = Fixture::new();
    fixture.intro[0] = fixture.intro[0].replace("A garden hoe", "A hoe");
    fixture.intro.push(fixture.sections[0].1[0].clone());
    fixture.intro.push("Nothing beats a garden hoe.".into());
    fixture.sections[0].1[0] = "Chopping and slicing are different jobs that ask for \
                                different blades, different timing and different effort."
        .into();
    assert_eq!(
        failed(&fixture.check(), Kind::KeywordInIntro),
        "\"garden hoe\" is not in the first 100 words (they start \"A hoe is the cheapest way \
         to keep…\")"
    );

    let mut fixture = Fixture::new();
    fixture.sections[0].0 = "What a hoe does".into();
    fixture.sections[3].0 = "Working without back pain".into();
    let outline = fixture.outline();
    let report = fixture.check_against(&outline);
    assert_eq!(
        failed(&report, Kind::KeywordInHeading),
        "None of the 6 H2s contains \"garden hoe\""
    );
    passed(&report, Kind::OutlineFollowed);
}

#[test]
fn keyword_matching_ignores_case_punctuation_apostrophes_and_plural() {
    let mut fixture = Fixture::new();
    fixture.keyword = "  Garden-Hoes! ".into();
    fixture.title = "GARDEN HOE guide".into();
    fixture.meta_title = "Which garden\u{a0}hoe?".into();
    let report = fixture.check();
    for kind in [
        Kind::KeywordInTitle,
        Kind::KeywordInMetaTitle,
        Kind::KeywordInIntro,
        Kind::KeywordInHeading,
    ] {
        assert!(
            passed(&report, kind).contains("\"Garden-Hoes!\""),
            "{kind:?}"
        );
    }
    // whole words only: "hoe" is not in "shoe"
    let report = body_only("<p>A shoe and a hoedown.</p>", "hoe");
    failed(&report, Kind::KeywordInIntro);
    // apostrophes: either kind, or none
    let report = body_only("<p>What’s the best hoe?</p>", "what's the best hoe");
    passed(&report, Kind::KeywordInIntro);
}

#[test]
fn without_a_primary_keyword_the_keyword_checks_pass_with_a_note() {
    for keyword in ["", "   ", "?!"] {
        let mut fixture = Fixture::new();
        fixture.keyword = keyword.into();
        fixture.title = "Weeding".into();
        let report = fixture.check();
        for kind in [
            Kind::KeywordInTitle,
            Kind::KeywordInMetaTitle,
            Kind::KeywordInIntro,
            Kind::KeywordInHeading,
            Kind::KeywordDensity,
        ] {
            assert_eq!(
                passed(&report, kind),
                "No primary keyword, so nothing to look for"
            );
        }
    }
}

#[test]
fn length_must_be_within_fifteen_percent_of_the_target() {
    assert!(length(85, Some(100)).passed);
    assert!(length(115, Some(100)).passed);
    assert_eq!(
        length(84, Some(100)).message,
        "84 words is 16% below the 100-word target (85–115 allowed)"
    );
    assert_eq!(
        length(116, Some(100)).message,
        "116 words is 16% above the 100-word target (85–115 allowed)"
    );
    assert!(!length(116, Some(100)).passed);
    // the range is in whole words: 85% of 90 is 76.5, so 76 is too short
    assert!(!length(76, Some(90)).passed && length(77, Some(90)).passed);
    assert_eq!(length(0, None).message, "No target length");
    assert!(length(5, Some(0)).passed);

    let mut fixture = Fixture::new();
    fixture.target = Some(2000);
    let report = fixture.check();
    let message = failed(&report, Kind::Length);
    assert!(message.contains("below the 2000-word target (1700–2300 allowed)"));
    // a warning only
    assert!(report.passed());
    assert_eq!(report.warnings().count(), 1);
}

#[test]
fn keyword_density_above_three_percent_warns() {
    // 100 words, the one-word keyword 3 times: exactly 3% passes
    let filler = |n: usize| {
        (0..n)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let body = format!("<p>hoe hoe hoe {}</p>", filler(97));
    assert_eq!(
        passed(&body_only(&body, "hoe"), Kind::KeywordDensity),
        "Keyword density 3.0% (3 of 100 words); at most 3%"
    );
    let body = format!("<p>hoe hoe hoe hoes {}</p>", filler(96));
    assert_eq!(
        failed(&body_only(&body, "hoe"), Kind::KeywordDensity),
        "Keyword density 4.0% (4 of 100 words) is above 3%"
    );

    // a two-word keyword counts both words, headings included
    let mut fixture = Fixture::new();
    fixture.sections[1].1.push(
        "Every garden hoe differs; a garden hoe for clay, a garden hoe for sand, a garden hoe \
         for gravel, a garden hoe for beds, a garden hoe for borders, a garden hoe for paths. \
         Buy a garden hoe, oil a garden hoe, sharpen a garden hoe, hang a garden hoe."
            .into(),
    );
    let report = fixture.check();
    let message = failed(&report, Kind::KeywordDensity);
    let words = report.word_count;
    assert_eq!(
        message,
        format!(
            "Keyword density {:.1}% (30 of {words} words) is above 3%",
            3000.0 / f64::from(words)
        )
    );
    assert!(report.passed(), "density only warns");
}

#[test]
fn paragraphs_over_150_words_warn_naming_the_first() {
    let mut fixture = Fixture::new();
    let long = |first: &str| {
        let rest: Vec<String> = (0..150).map(|i| format!("x{i}")).collect();
        format!("{first} {}", rest.join(" "))
    };
    fixture.sections[2].1[0] = long("Handles come in many lengths and");
    fixture.sections[4].1[1] = long("Care");
    let report = fixture.check();
    assert_eq!(
        failed(&report, Kind::ParagraphLength),
        "The paragraph \"Handles come in many lengths and x0 x1…\" has 156 words; at most 150 \
         (2 paragraphs over)"
    );
    assert!(report.warnings().any(|f| f.kind == Kind::ParagraphLength));

    // exactly 150 words is allowed; list items are not paragraphs
    let words: Vec<String> = (0..150).map(|i| format!("y{i}")).collect();
    let body = format!(
        "<p>{}</p><ul><li>{} more</li></ul>",
        words.join(" "),
        words.join(" ")
    );
    assert_eq!(
        passed(&body_only(&body, ""), Kind::ParagraphLength),
        "The longest of 1 paragraphs has 150 words; at most 150"
    );
}

#[test]
fn sections_repeating_each_other_block() {
    // the fixture's sections share nothing worth the name
    let report = Fixture::new().check();
    assert!(passed(&report, Kind::Repetition).ends_with("; at most 15%"));

    let mut fixture = Fixture::new();
    let repeated = fixture.sections[1].1[0].clone();
    fixture.sections[4].1.push(repeated);
    let report = fixture.check();
    // the copied paragraph is more of the shorter section, so that one is named
    assert_eq!(
        failed(&report, Kind::Repetition),
        "Section \"Types of hoes\" repeats 63 of its 114 5-word sequences (55%) from other \
         parts, most from section \"Sharpening and care\" (\"the dutch or push hoe\"); at most \
         15%"
    );
    assert!(!report.passed());

    // the intro counts as a part
    let mut fixture = Fixture::new();
    let repeated = fixture.intro[0].clone();
    fixture.sections[5].1.push(repeated);
    let message = failed(&fixture.check(), Kind::Repetition);
    assert!(
        message.starts_with("The intro repeats ")
            && message.contains("most from section \"Frequently asked questions\""),
        "{message}"
    );
}

#[test]
fn banned_phrases_are_found_whatever_the_case_and_counted() {
    let mut fixture = Fixture::new();
    fixture.title = "Delve into the garden hoe".into();
    fixture.sections[2].1[0].push_str(" It delves deep. Let’s DIVE in, seamlessly.");
    let report = fixture.check();
    assert_eq!(
        failed(&report, Kind::BannedPhrases),
        "Banned phrases found: \"delve\" (2), \"seamlessly\" (1), \"let's dive in\" (1)"
    );
    assert!(report.passed(), "banned phrases only warn");

    // the account's own list replaces the default; duplicates are reported once
    let mut fixture = Fixture::new();
    fixture.banned = vec!["Rake".into(), "rake".into(), "  ".into()];
    assert_eq!(
        passed(&fixture.check(), Kind::BannedPhrases),
        "None of the 1 banned phrases appear"
    );
    fixture.banned.push("push hoe".into());
    assert_eq!(
        failed(&fixture.check(), Kind::BannedPhrases),
        "Banned phrases found: \"push hoe\" (2)"
    );
    fixture.banned.clear();
    assert_eq!(
        passed(&fixture.check(), Kind::BannedPhrases),
        "No banned phrases are set"
    );
}

#[test]
fn an_empty_body_or_one_without_h2s_fails_only_what_it_must() {
    let mut fixture = Fixture::new();
    fixture.intro.clear();
    fixture.sections.clear();
    let report = fixture.check();
    assert_eq!(report.word_count, 0);
    assert_eq!(
        failed(&report, Kind::KeywordInIntro),
        "The body is empty; it must contain \"garden hoe\""
    );
    assert_eq!(
        failed(&report, Kind::KeywordInHeading),
        "There is no H2 to contain \"garden hoe\""
    );
    assert!(failed(&report, Kind::OutlineFollowed).contains("missing \"What a garden hoe does\""));
    for kind in [
        Kind::NoEmptySection,
        Kind::KeywordDensity,
        Kind::ParagraphLength,
        Kind::Repetition,
    ] {
        passed(&report, kind);
    }

    // prose without headings: only the heading checks can fail
    let report = body_only(&format!("<p>{}</p>", INTRO.join(" ")), "garden hoe");
    let failures: Vec<Kind> = report.blocking_failures().map(|f| f.kind).collect();
    assert_eq!(
        failures,
        [
            Kind::KeywordInTitle,
            Kind::KeywordInMetaTitle,
            Kind::KeywordInHeading
        ]
    );
}

#[test]
fn german_text_with_umlauts_and_entities_is_matched() {
    let body = "<p>Eine gute Hacke f&uuml;r G&auml;rten spart M&uuml;he. Wer sie richtig \
                f\u{75}\u{308}hrt, braucht kaum Chemie gegen Unkraut und schont dabei den \
                R&uuml;cken.</p>\
                <h2>Welche HACKE FÜR GÄRTEN passt?</h2>\
                <p>Die Pendelhacke schneidet in beide Richtungen, die Ziehhacke lockert schweren \
                Boden, und die schmale Blatthacke kommt zwischen Möhren und Zwiebeln gut zurecht \
                ohne die Wurzeln zu verletzen.</p>";
    let outline = ["Welche Hacke für Gärten passt".to_owned()];
    let report = check_quality(&QualityInput {
        title: "Die beste Hacke für Gärten",
        meta_title: "Hacke für Gärten: Ratgeber",
        body_html: body,
        primary_keyword: "Hacke für Gärten",
        outline: &outline,
        target_word_count: None,
        banned_phrases: &[],
    });
    // a short text, so the keyword is dense; every other check passes
    for f in report
        .findings
        .iter()
        .filter(|f| f.kind != Kind::KeywordDensity)
    {
        assert!(f.passed, "{:?}: {}", f.kind, f.message);
    }
    // twice, three words each: "für" is one word, not "f" + "r", and the entities are letters
    let density = failed(&report, Kind::KeywordDensity);
    let words = report.word_count;
    assert!(
        density.contains(&format!("(6 of {words} words)")),
        "{density}"
    );
}

#[test]
fn entities_and_inline_markup_do_not_split_words() {
    for body in [
        "<p>A garden&nbsp;<strong>hoe</strong> works.</p>",
        "<p>A gar<b>den</b> hoe works.</p>",
        "<p>A garden &#104;&#x6F;e works.</p>",
        "<p>A garden<!-- note --> hoe works.</p>",
    ] {
        passed(&body_only(body, "garden hoe"), Kind::KeywordInIntro);
    }
    // a block element does split them, and scripts are not text
    failed(
        &body_only("<p>gar</p><p>den hoe</p>", "garden hoe"),
        Kind::KeywordInIntro,
    );
    failed(
        &body_only("<script>'garden hoe'</script><p>weeds</p>", "garden hoe"),
        Kind::KeywordInIntro,
    );
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "",
        " ",
        "<",
        ">",
        "</h2>",
        "<h2>",
        "<h2></h2><h2></h2>",
        "<p><p><p>",
        "<h2><p>nested</h2></p>",
        "&",
        "&#0;&#xD800;&#99999999;&bogus;",
        "<!--",
        "<![CDATA[x]]>",
        "<script>",
        "<template><h2>x</h2></template>",
        "<table><h2>moved</h2><td>cell",
        "<svg><h2>foreign</h2></svg>",
        "\u{0}\u{FEFF}\u{202E}",
        "🌱🌱 🌱 <h2>🌱</h2>",
        "ß İ ǅ ﬁ",
        "a'b’c ' ’",
    ];
    let banned: Vec<String> = odd.iter().map(|s| (*s).to_owned()).collect();
    let check = |body: &str, keyword: &str| {
        let report = check_quality(&QualityInput {
            title: keyword,
            meta_title: body,
            body_html: body,
            primary_keyword: keyword,
            outline: &banned,
            target_word_count: Some(1),
            banned_phrases: &banned,
        });
        assert_eq!(report.findings.len(), Kind::ALL.len());
    };
    for body in odd {
        for keyword in odd {
            check(body, keyword);
        }
    }
    // large inputs once: long, and deeply nested (slow to parse, see dom.rs)
    check(&"word ".repeat(20_000), "word");
    check(&"<div><h2>x</h2>".repeat(1_000), "x");
}
