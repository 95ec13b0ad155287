//! Offline clustering figures: `cargo bench -p folio-embed --bench cluster` (FOLIO_BENCH_KEYWORDS,
//! default 10,000). Keywords are made from 250 topics (an adjective and a product) with the
//! modifiers and variants real exports have (plurals, years, "for", "vs", questions), 40 each;
//! past 10,000 the same again for other places (up to 100,000).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_embed::{Embedder, KeywordIn, Plan, DEFAULT_THRESHOLD};
use std::time::Instant;

const ADJECTIVES: &[&str] = &[
    "organic",
    "electric",
    "wooden",
    "portable",
    "vintage",
    "waterproof",
    "wireless",
    "stainless",
    "handmade",
    "ergonomic",
];
const PRODUCTS: &[&str] = &[
    "coffee grinder",
    "garden hose",
    "standing desk",
    "yoga mat",
    "dog bed",
    "rain jacket",
    "kitchen knife",
    "bike helmet",
    "air purifier",
    "baby monitor",
    "camping tent",
    "desk lamp",
    "office chair",
    "running shoe",
    "water bottle",
    "cutting board",
    "sleeping bag",
    "travel pillow",
    "wall clock",
    "phone case",
    "hiking boot",
    "laptop stand",
    "bread maker",
    "rice cooker",
    "tea kettle",
];
const FORMS: &[&str] = &[
    "{t}",
    "{t}s",
    "best {t}",
    "best {t}s 2025",
    "cheap {t}",
    "{t} reviews",
    "{t} for beginners",
    "how to choose a {t}",
    "{t} vs plastic",
    "{t} near me",
    "{t} sale",
    "{t} price",
    "top rated {t}",
    "{t} buying guide",
    "is a {t} worth it",
    "{t} brands",
    "small {t}",
    "large {t}",
    "{t} for kids",
    "{t} for home",
    "{t} set",
    "{t} black",
    "{t} white",
    "{t} amazon",
    "{t} under 50",
    "{t} under 100",
    "luxury {t}",
    "{t} gift",
    "{t} deals",
    "{t} comparison",
    "{t} accessories",
    "how to clean a {t}",
    "{t} maintenance",
    "{t} replacement parts",
    "{t} warranty",
    "{t} alternatives",
    "{t} ideas",
    "diy {t}",
    "{t} for men",
    "{t} for women",
];

/// Beyond 10,000 keywords the same topics again, for other places (100k = ten places).
const PLACES: &[&str] = &[
    "",
    " uk",
    " canada",
    " australia",
    " ireland",
    " new zealand",
    " online",
    " usa",
    " europe",
    " india",
];

fn main() {
    let n: usize = std::env::var("FOLIO_BENCH_KEYWORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut texts = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    'outer: for q in PLACES {
        for p in PRODUCTS {
            for a in ADJECTIVES {
                let topic = format!("{a} {p}");
                for f in FORMS {
                    if texts.len() == n {
                        break 'outer;
                    }
                    texts.push(format!("{}{q}", f.replace("{t}", &topic)));
                    labels.push((p, a));
                }
            }
        }
    }
    let keywords: Vec<KeywordIn> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| KeywordIn {
            text: t,
            volume: 10 + (i as u64 * 7919) % 5000,
        })
        .collect();
    let t = Instant::now();
    let embedder = Embedder::load_default().unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    let embedded = embedder.embed_keywords(&texts);
    let embed_only = t.elapsed();
    assert_eq!(embedded.len(), texts.len());
    let t = Instant::now();
    let plan = Plan::build(&embedder, &keywords).unwrap();
    let build = t.elapsed();
    let t = Instant::now();
    let clusters = plan.cut(DEFAULT_THRESHOLD).unwrap();
    let cut = t.elapsed();
    let t = Instant::now();
    let preview: Vec<(f32, usize)> = [0.3, 0.4, 0.5, 0.6, 0.7]
        .iter()
        .map(|&th| (th, plan.count_at(th)))
        .collect();
    let previewed = t.elapsed();
    println!(
        "offline clustering: {} keywords → {} lexical groups → {} clusters at {DEFAULT_THRESHOLD}; model load {:.0} ms, embedding alone {:.1} ms, embed + group + link {:.2} s, cut {:.1} ms, preview of 5 thresholds {:.2} ms {preview:?}",
        keywords.len(),
        plan.groups(),
        clusters.len(),
        load.as_secs_f64() * 1000.0,
        embed_only.as_secs_f64() * 1000.0,
        build.as_secs_f64(),
        cut.as_secs_f64() * 1000.0,
        previewed.as_secs_f64() * 1000.0,
    );
    // Agreement with the labels (adjusted Rand index; 1 is perfect, 0 is chance), against the
    // fine labels (adjective + product, 250 topics) and the coarse ones (product, 25).
    for th in [0.3, 0.4, 0.5, 0.6] {
        let of = assignment(&plan, keywords.len(), th);
        let fine: Vec<String> = labels.iter().map(|(p, a)| format!("{a} {p}")).collect();
        let coarse: Vec<String> = labels.iter().map(|(p, _)| p.to_string()).collect();
        println!(
            "at {th}: {} clusters, ARI {:.3} against 250 topics, {:.3} against 25 products",
            plan.count_at(th),
            ari(&of, &fine),
            ari(&of, &coarse)
        );
    }
    let big: Vec<String> = clusters
        .iter()
        .take(5)
        .map(|c| format!("{} ({})", c.name, c.members.len()))
        .collect();
    println!("largest clusters: {}", big.join(", "));
}

fn assignment(plan: &Plan, n: usize, th: f32) -> Vec<usize> {
    let mut of = vec![0; n];
    for (c, cluster) in plan.cut(th).unwrap().iter().enumerate() {
        for &m in &cluster.members {
            of[m] = c;
        }
    }
    of
}

fn ari(found: &[usize], truth: &[String]) -> f64 {
    use std::collections::HashMap;
    let pairs = |x: f64| x * (x - 1.0) / 2.0;
    let mut table: HashMap<(usize, &str), f64> = HashMap::new();
    let mut rows: HashMap<usize, f64> = HashMap::new();
    let mut cols: HashMap<&str, f64> = HashMap::new();
    for (f, t) in found.iter().zip(truth) {
        *table.entry((*f, t.as_str())).or_default() += 1.0;
        *rows.entry(*f).or_default() += 1.0;
        *cols.entry(t.as_str()).or_default() += 1.0;
    }
    let index: f64 = table.values().map(|&v| pairs(v)).sum();
    let a: f64 = rows.values().map(|&v| pairs(v)).sum();
    let b: f64 = cols.values().map(|&v| pairs(v)).sum();
    let expected = a * b / pairs(found.len() as f64);
    (index - expected) / ((a + b) / 2.0 - expected)
}
