//! Clustering: lexical variants first (one group each), then average linkage over the groups'
//! embeddings, cut at a cosine-distance threshold.

use crate::lexical::{tidy_name, topic_text, typo_neighbours, variant_key};
use crate::model::{dot, normalise};
use crate::{EmbedError, Embedder, Embeddings};
use std::collections::HashMap;

/// The default cut: cosine distance 0.5 (similarity 0.5), where potion-base-2M with average
/// linkage scored best on a labelled 10k set (docs/offline-clustering.md).
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// Groups one pass takes: the all-pairs matrix is n²/2 floats (12,000 groups ≈ 288 MB).
pub const MAX_GROUPS: usize = 12_000;

/// A keyword to cluster.
#[derive(Clone, Copy, Debug)]
pub struct KeywordIn<'a> {
    pub text: &'a str,
    pub volume: u64,
}

/// A cluster: its offline name, its members (indices into the keywords given to
/// [`Plan::build`]), the highest-volume first, and its unit-length centre (to compare with
/// clusters made earlier).
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub name: String,
    pub members: Vec<usize>,
    pub centre: Vec<f32>,
}

/// Keywords grouped and merged once; cut at any threshold cheaply.
pub struct Plan {
    /// Each group's keyword indices.
    groups: Vec<Vec<usize>>,
    /// Each keyword's own embedding (for naming).
    keywords: Embeddings,
    /// Each group's embedding (the normalised mean of its keywords').
    centres: Embeddings,
    volumes: Vec<u64>,
    texts: Vec<String>,
    /// Average-linkage merges, in the order of increasing distance.
    steps: Vec<(usize, usize, f32)>,
}

impl Plan {
    /// Group `keywords` by lexical variant, embed them and link the groups.
    pub fn build(embedder: &Embedder, keywords: &[KeywordIn<'_>]) -> Result<Self, EmbedError> {
        let texts: Vec<String> = keywords.iter().map(|k| k.text.trim().to_string()).collect();
        let groups = variant_groups(&texts);
        if groups.len() > MAX_GROUPS {
            return Err(EmbedError::TooMany {
                groups: groups.len(),
                max: MAX_GROUPS,
            });
        }
        let topics: Vec<String> = texts.iter().map(|t| topic_text(t)).collect();
        let embedded = embedder.embed(&topics);
        let dim = embedded.dim();
        let mut centres = Vec::with_capacity(groups.len() * dim);
        for g in &groups {
            let mut c = vec![0f32; dim];
            for &k in g {
                c.iter_mut().zip(embedded.row(k)).for_each(|(a, b)| *a += b);
            }
            normalise(&mut c);
            centres.extend(c);
        }
        let centres = Embeddings::from_rows(dim, centres);
        let steps = link(&centres);
        Ok(Self {
            groups,
            keywords: embedded,
            centres,
            volumes: keywords.iter().map(|k| k.volume).collect(),
            texts,
            steps,
        })
    }

    /// Groups of lexical variants (each one cluster at any threshold).
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// How many clusters a cut at `threshold` gives (singletons included).
    pub fn count_at(&self, threshold: f32) -> usize {
        let merges = self.steps.iter().take_while(|s| s.2 <= threshold).count();
        self.groups.len() - merges
    }

    /// The clusters at `threshold` (a cosine distance; lower is tighter), largest first.
    pub fn cut(&self, threshold: f32) -> Result<Vec<Cluster>, EmbedError> {
        let roots = self.roots(threshold)?;
        let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
        for (g, r) in roots.into_iter().enumerate() {
            by_root.entry(r).or_default().push(g);
        }
        let mut clusters: Vec<Cluster> =
            by_root.into_values().map(|gs| self.cluster(&gs)).collect();
        clusters.sort_by(|a, b| {
            b.members
                .len()
                .cmp(&a.members.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(clusters)
    }

    /// What a cut at `threshold` would give: clusters of two keywords or more, and keywords
    /// left alone (without naming anything).
    pub fn preview(&self, threshold: f32) -> Result<(usize, usize), EmbedError> {
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for (g, r) in self.roots(threshold)?.into_iter().enumerate() {
            *sizes.entry(r).or_default() += self.groups[g].len();
        }
        let alone = sizes.values().filter(|&&n| n == 1).count();
        Ok((sizes.len() - alone, alone))
    }

    /// Each group's cluster (a linkage label) at `threshold`.
    fn roots(&self, threshold: f32) -> Result<Vec<usize>, EmbedError> {
        if !(0.0..=2.0).contains(&threshold) {
            return Err(EmbedError::Threshold(threshold));
        }
        let n = self.groups.len();
        // Linkage labels: groups are 0..n, the i-th merge makes n + i.
        let mut parent: Vec<usize> = (0..n + self.steps.len()).collect();
        for (i, &(a, b, d)) in self.steps.iter().enumerate() {
            if d > threshold {
                break;
            }
            parent[a] = n + i;
            parent[b] = n + i;
        }
        Ok((0..n)
            .map(|g| {
                let mut r = g;
                while parent[r] != r {
                    r = parent[r];
                }
                r
            })
            .collect())
    }

    /// A cluster of groups, named after the highest-volume keyword among its members nearest
    /// its centre (a tenth of them, at least three): the head term, not an outlier that happens
    /// to be popular.
    fn cluster(&self, groups: &[usize]) -> Cluster {
        let dim = self.centres.dim();
        let mut centre = vec![0f32; dim];
        for &g in groups {
            let w = self.groups[g].len() as f32;
            centre
                .iter_mut()
                .zip(self.centres.row(g))
                .for_each(|(a, b)| *a += w * b);
        }
        let mut members: Vec<usize> = groups
            .iter()
            .flat_map(|&g| self.groups[g].iter().copied())
            .collect();
        let mut nearest: Vec<(f32, usize)> = members
            .iter()
            .map(|&k| (dot(self.keywords.row(k), &centre), k))
            .collect();
        nearest.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let take = members.len().div_ceil(10).max(3).min(members.len());
        let head = nearest[..take]
            .iter()
            .map(|&(_, k)| k)
            .max_by(|&a, &b| self.volumes[a].cmp(&self.volumes[b]).then(b.cmp(&a)))
            .unwrap_or(members[0]);
        members.sort_by(|&a, &b| self.volumes[b].cmp(&self.volumes[a]).then(a.cmp(&b)));
        normalise(&mut centre);
        Cluster {
            name: tidy_name(&self.texts[head]),
            members,
            centre,
        }
    }
}

/// Keywords with one variant key, then keys one typo apart, joined (union-find).
fn variant_groups(texts: &[String]) -> Vec<Vec<usize>> {
    let mut key_of: HashMap<String, usize> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let key = variant_key(t);
        let g = *key_of.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            members.push(Vec::new());
            keys.len() - 1
        });
        members[g].push(i);
    }
    let mut parent: Vec<usize> = (0..keys.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (g, key) in keys.iter().enumerate() {
        for near in typo_neighbours(key) {
            match seen.get(&near) {
                Some(&other) => {
                    let (a, b) = (root(&mut parent, g), root(&mut parent, other));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
                None => {
                    seen.insert(near, g);
                }
            }
        }
    }
    let mut joined: HashMap<usize, Vec<usize>> = HashMap::new();
    for (g, kws) in members.into_iter().enumerate() {
        let r = root(&mut parent, g);
        joined.entry(r).or_default().extend(kws);
    }
    let mut groups: Vec<Vec<usize>> = joined.into_values().collect();
    groups.sort_by_key(|g| g[0]);
    groups
}

/// Average linkage over cosine distances; the merges sorted by distance.
fn link(centres: &Embeddings) -> Vec<(usize, usize, f32)> {
    let n = centres.len();
    if n < 2 {
        return Vec::new();
    }
    let mut condensed = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n - 1 {
        let a = centres.row(i);
        for j in i + 1..n {
            // Clamped: rounding can make a distance slightly negative, and a zero row (a
            // keyword of unknown tokens) is at distance 1 from everything.
            condensed.push((1.0 - dot(a, centres.row(j))).clamp(0.0, 2.0));
        }
    }
    let dendrogram = kodama::linkage(&mut condensed, n, kodama::Method::Average);
    dendrogram
        .steps()
        .iter()
        .map(|s| (s.cluster1, s.cluster2, s.dissimilarity))
        .collect()
}
