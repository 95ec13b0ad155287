//! Offline clustering with the real model (installed by scripts/setup.sh → scripts/models.sh).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_embed::{EmbedError, Embedder, KeywordIn, Plan, DEFAULT_THRESHOLD};
use std::sync::OnceLock;

fn embedder() -> &'static Embedder {
    static E: OnceLock<Embedder> = OnceLock::new();
    E.get_or_init(|| {
        Embedder::load_default()
            .unwrap_or_else(|e| panic!("{e} (the test command's setup installs it)"))
    })
}

fn plan(words: &[(&'static str, u64)]) -> Plan {
    let kws: Vec<KeywordIn> = words
        .iter()
        .map(|&(text, volume)| KeywordIn { text, volume })
        .collect();
    Plan::build(embedder(), &kws).unwrap()
}

/// The cluster (by index) each keyword landed in.
fn assignment(plan: &Plan, n: usize, threshold: f32) -> Vec<usize> {
    let mut of = vec![usize::MAX; n];
    for (c, cluster) in plan.cut(threshold).unwrap().iter().enumerate() {
        for &m in &cluster.members {
            assert_eq!(of[m], usize::MAX, "keyword {m} is in two clusters");
            of[m] = c;
        }
    }
    assert!(
        of.iter().all(|&c| c != usize::MAX),
        "every keyword is placed"
    );
    of
}

const TOPICS: &[(&str, u64)] = &[
    // 0..6: raised bed soil, with its lexical variants and a typo
    ("raised bed soil", 2400),
    ("raised beds soil", 90),
    ("soil for raised beds", 880),
    ("raised bed soil 2025", 40),
    ("riased bed soil", 10),
    ("best soil for raised garden beds", 1300),
    // 6..10: dog food
    ("puppy food", 5400),
    ("best dog food", 9900),
    ("dog food for puppies", 720),
    ("grain free dog food", 2900),
    // 10..14: mortgages
    ("mortgage rates", 33100),
    ("refinance mortgage rates", 4400),
    ("home loan interest rates", 2900),
    ("mortgage rate calculator", 12100),
    // 14..18: running shoes
    ("running shoes", 18100),
    ("trail running shoes", 6600),
    ("best running shoes for men", 2400),
    ("marathon running shoes", 1000),
];

#[test]
fn lexical_variants_and_typos_are_one_group() {
    let p = plan(TOPICS);
    let of = assignment(&p, TOPICS.len(), 0.0);
    // At distance 0 only lexical variants are together.
    for i in 1..5 {
        assert_eq!(
            of[i], of[0],
            "{} is a variant of {}",
            TOPICS[i].0, TOPICS[0].0
        );
    }
    assert_ne!(of[5], of[0], "a different wording is not a lexical variant");
    assert_eq!(p.groups(), TOPICS.len() - 4);
}

#[test]
fn topics_become_clusters_named_after_their_head_term() {
    let p = plan(TOPICS);
    let of = assignment(&p, TOPICS.len(), DEFAULT_THRESHOLD);
    let topics = [0..6, 6..10, 10..14, 14..18];
    for t in &topics {
        for i in t.clone() {
            assert_eq!(
                of[i], of[t.start],
                "{} with {}",
                TOPICS[i].0, TOPICS[t.start].0
            );
        }
    }
    for (a, ta) in topics.iter().enumerate() {
        for tb in &topics[a + 1..] {
            assert_ne!(
                of[ta.start], of[tb.start],
                "{} apart from {}",
                TOPICS[ta.start].0, TOPICS[tb.start].0
            );
        }
    }
    let clusters = p.cut(DEFAULT_THRESHOLD).unwrap();
    let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"Raised bed soil"), "{names:?}");
    assert!(names.contains(&"Running shoes"), "{names:?}");
    // Members come highest volume first.
    let shoes = clusters.iter().find(|c| c.name == "Running shoes").unwrap();
    assert_eq!(shoes.members[0], 14);
}

#[test]
fn a_tighter_threshold_never_gives_fewer_clusters_and_the_preview_matches_the_cut() {
    let p = plan(TOPICS);
    let mut last = usize::MAX;
    for t in [0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0, 2.0] {
        let n = p.count_at(t);
        let cut = p.cut(t).unwrap();
        assert_eq!(n, cut.len(), "at {t}");
        let alone = cut.iter().filter(|c| c.members.len() == 1).count();
        assert_eq!(p.preview(t).unwrap(), (n - alone, alone), "at {t}");
        assert!(n <= last, "looser ({t}) gave more clusters");
        last = n;
    }
    assert_eq!(p.count_at(2.0), 1);
    assert!(matches!(p.cut(-0.1), Err(EmbedError::Threshold(_))));
    assert!(matches!(p.cut(f32::NAN), Err(EmbedError::Threshold(_))));
}

#[test]
fn a_missing_model_names_the_command_that_installs_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = Embedder::load(dir.path()).err().unwrap();
    assert_eq!(err.code(), "model_missing");
    assert!(err.to_string().contains("scripts/models.sh"), "{err}");
    // A damaged file is refused, not trusted.
    std::fs::write(dir.path().join("model.safetensors"), b"not a model").unwrap();
    std::fs::write(dir.path().join("config.json"), b"{}").unwrap();
    std::fs::write(dir.path().join("tokenizer.json"), b"{}").unwrap();
    let err = Embedder::load(dir.path()).err().unwrap();
    assert_eq!(err.code(), "model_invalid", "{err}");
}

#[test]
fn empty_and_odd_input_is_handled() {
    let p = plan(&[]);
    assert_eq!(p.cut(0.5).unwrap(), vec![]);
    let p = plan(&[("", 0), ("???", 0), ("the", 5), ("raised bed soil", 10)]);
    let clusters = p.cut(DEFAULT_THRESHOLD).unwrap();
    assert_eq!(clusters.iter().map(|c| c.members.len()).sum::<usize>(), 4);
}

/// The model is English, but German, Spanish and French keywords share enough subwords to
/// cluster by topic within one language (docs/offline-clustering.md, "Languages").
#[test]
fn keywords_in_one_other_language_cluster_by_topic() {
    for (shoes, loans) in [
        (
            &["laufschuhe", "trail laufschuhe", "laufschuhe damen"][..],
            &["hypothekenzinsen", "hypothekenzinsen vergleich"][..],
        ),
        (
            &[
                "zapatillas de running",
                "zapatillas trail running",
                "mejores zapatillas running",
            ][..],
            &["tipos de interés hipoteca", "hipoteca tipo fijo"][..],
        ),
        (
            &[
                "chaussures de course",
                "chaussures de trail",
                "chaussures running femme",
            ][..],
            &["taux immobilier", "taux crédit immobilier"][..],
        ),
    ] {
        let words: Vec<(&'static str, u64)> = shoes.iter().chain(loans).map(|&w| (w, 10)).collect();
        let p = plan(&words);
        let of = assignment(&p, words.len(), DEFAULT_THRESHOLD);
        for i in 1..shoes.len() {
            assert_eq!(of[i], of[0], "{} with {}", words[i].0, words[0].0);
        }
        for j in shoes.len()..words.len() {
            assert_ne!(of[j], of[0], "{} apart from {}", words[j].0, words[0].0);
        }
    }
}
