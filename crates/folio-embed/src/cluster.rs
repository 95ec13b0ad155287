//! Clustering: lexical variants first (one group each), then average linkage over the groups'
//! embeddings, cut at a cosine-distance threshold.

use crate::lexical::{tidy_name, typo_neighbours, variant_key};
use crate::model::{dot, normalise};
use crate::{EmbedError, Embedder, Embeddings};
use std::collections::HashMap;

/// The default cut: cosine distance 0.5 (similarity 0.5), where potion-base-2M with average
/// linkage scored best on a labelled 10k set (docs/offline-clustering.md).
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// Groups linked in one all-pairs pass: its matrix is n²/2 floats (12,000 groups ≈ 288 MB).
/// More are first split into parts of similar groups (see [`split`]).
pub const PART_GROUPS: usize = 12_000;

/// Groups one plan takes (100k+ keywords: a part at a time).
pub const MAX_GROUPS: usize = 250_000;

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
    /// Parts linked separately (one, up to [`PART_GROUPS`] groups).
    parts: Vec<Part>,
}

/// Groups linked together: their indices, and the average-linkage merges between them (labels
/// local to the part), in the order of increasing distance.
struct Part {
    groups: Vec<usize>,
    steps: Vec<(usize, usize, f32)>,
}

impl Plan {
    /// Group `keywords` by lexical variant, embed them and link the groups.
    pub fn build(embedder: &Embedder, keywords: &[KeywordIn<'_>]) -> Result<Self, EmbedError> {
        Self::build_in_parts(embedder, keywords, PART_GROUPS)
    }

    fn build_in_parts(
        embedder: &Embedder,
        keywords: &[KeywordIn<'_>],
        part_groups: usize,
    ) -> Result<Self, EmbedError> {
        let texts: Vec<String> = keywords.iter().map(|k| k.text.to_string()).collect();
        Self::from_embeddings_in_parts(keywords, embedder.embed_keywords(&texts), part_groups)
    }

    /// The same from embeddings made earlier (a cache): one unit-length row per keyword, of
    /// its topic ([`crate::topic_text`]), as [`Embedder::embed_keywords`] makes them.
    pub fn from_embeddings(
        keywords: &[KeywordIn<'_>],
        embedded: Embeddings,
    ) -> Result<Self, EmbedError> {
        Self::from_embeddings_in_parts(keywords, embedded, PART_GROUPS)
    }

    fn from_embeddings_in_parts(
        keywords: &[KeywordIn<'_>],
        embedded: Embeddings,
        part_groups: usize,
    ) -> Result<Self, EmbedError> {
        if embedded.len() != keywords.len() {
            return Err(EmbedError::Embeddings {
                rows: embedded.len(),
                keywords: keywords.len(),
            });
        }
        let texts: Vec<String> = keywords.iter().map(|k| k.text.trim().to_string()).collect();
        let groups = variant_groups(&texts);
        if groups.len() > MAX_GROUPS {
            return Err(EmbedError::TooMany {
                groups: groups.len(),
                max: MAX_GROUPS,
            });
        }
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
        let parts = split(&centres, (0..groups.len()).collect(), part_groups.max(2))
            .into_iter()
            .map(|part| Part {
                steps: link(&centres, &part),
                groups: part,
            })
            .collect();
        Ok(Self {
            groups,
            keywords: embedded,
            centres,
            volumes: keywords.iter().map(|k| k.volume).collect(),
            texts,
            parts,
        })
    }

    /// Groups of lexical variants (each one cluster at any threshold).
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// How many clusters a cut at `threshold` gives (singletons included).
    pub fn count_at(&self, threshold: f32) -> usize {
        let merges: usize = self
            .parts
            .iter()
            .map(|p| p.steps.iter().take_while(|s| s.2 <= threshold).count())
            .sum();
        self.groups.len() - merges
    }

    /// How many parts the groups were linked in (one up to [`PART_GROUPS`]).
    pub fn parts(&self) -> usize {
        self.parts.len()
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

    /// Each group's cluster at `threshold`: a label unique across parts.
    fn roots(&self, threshold: f32) -> Result<Vec<usize>, EmbedError> {
        if !(0.0..=2.0).contains(&threshold) {
            return Err(EmbedError::Threshold(threshold));
        }
        let mut roots = vec![0; self.groups.len()];
        let mut base = 0;
        for part in &self.parts {
            let n = part.groups.len();
            // Linkage labels: the part's groups are 0..n, its i-th merge makes n + i.
            let mut parent: Vec<usize> = (0..n + part.steps.len()).collect();
            for (i, &(a, b, d)) in part.steps.iter().enumerate() {
                if d > threshold {
                    break;
                }
                parent[a] = n + i;
                parent[b] = n + i;
            }
            for (local, &g) in part.groups.iter().enumerate() {
                let mut r = local;
                while parent[r] != r {
                    r = parent[r];
                }
                roots[g] = base + r;
            }
            base += n + part.steps.len();
        }
        Ok(roots)
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

/// Split groups into parts of at most `max` by bisecting 2-means on their embeddings, so
/// similar groups share a part (the all-pairs matrix of 100k groups would need 20 GB). A topic
/// can still straddle two parts and come out as two clusters; below `max` nothing is split.
fn split(centres: &Embeddings, groups: Vec<usize>, max: usize) -> Vec<Vec<usize>> {
    if groups.len() <= max {
        return vec![groups];
    }
    let dim = centres.dim();
    // Seeds: the group farthest from the first, then the one farthest from that.
    let farthest = |from: &[f32]| {
        groups
            .iter()
            .copied()
            .min_by(|&a, &b| dot(from, centres.row(a)).total_cmp(&dot(from, centres.row(b))))
            .unwrap_or(groups[0])
    };
    let a = farthest(centres.row(groups[0]));
    let b = farthest(centres.row(a));
    let (mut ca, mut cb) = (centres.row(a).to_vec(), centres.row(b).to_vec());
    let mut side = vec![false; groups.len()];
    for _ in 0..6 {
        for (k, &g) in groups.iter().enumerate() {
            side[k] = dot(centres.row(g), &cb) > dot(centres.row(g), &ca);
        }
        let (mut na, mut nb) = (vec![0f32; dim], vec![0f32; dim]);
        for (k, &g) in groups.iter().enumerate() {
            let c = if side[k] { &mut nb } else { &mut na };
            c.iter_mut().zip(centres.row(g)).for_each(|(x, y)| *x += y);
        }
        normalise(&mut na);
        normalise(&mut nb);
        (ca, cb) = (na, nb);
    }
    let (mut left, mut right): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (k, &g) in groups.iter().enumerate() {
        if side[k] {
            right.push(g);
        } else {
            left.push(g);
        }
    }
    if left.is_empty() || right.is_empty() {
        // All alike (or all empty rows): halves in order.
        let all: Vec<usize> = left.into_iter().chain(right).collect();
        let half = all.len() / 2;
        left = all[..half].to_vec();
        right = all[half..].to_vec();
    }
    let mut out = split(centres, left, max);
    out.extend(split(centres, right, max));
    out
}

/// Average linkage over the cosine distances of some groups; the merges sorted by distance,
/// labelled by position in `groups`.
fn link(centres: &Embeddings, groups: &[usize]) -> Vec<(usize, usize, f32)> {
    let n = groups.len();
    if n < 2 {
        return Vec::new();
    }
    let mut condensed = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n - 1 {
        let a = centres.row(groups[i]);
        for &g in &groups[i + 1..] {
            // Clamped: rounding can make a distance slightly negative, and a zero row (a
            // keyword of unknown tokens) is at distance 1 from everything.
            condensed.push((1.0 - dot(a, centres.row(g))).clamp(0.0, 2.0));
        }
    }
    let dendrogram = kodama::linkage(&mut condensed, n, kodama::Method::Average);
    dendrogram
        .steps()
        .iter()
        .map(|s| (s.cluster1, s.cluster2, s.dissimilarity))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Split into parts (as 100k keywords are), these topics' clusters only get finer — every
    /// cluster lies inside one cluster of the unsplit plan (average linkage does not promise it
    /// in general; a split may separate, here it never joins) — every keyword is placed once,
    /// variants stay together and the preview still matches the cut.
    #[test]
    fn parts_refine_the_unsplit_clusters() {
        let embedder = Embedder::load_default().unwrap();
        let words = [
            "raised bed soil",
            "soil for raised beds",
            "raised beds soil 2025",
            "best soil for raised garden beds",
            "puppy food",
            "best dog food",
            "dog food for puppies",
            "grain free dog food",
            "mortgage rates",
            "refinance mortgage rates",
            "home loan interest rates",
            "running shoes",
            "trail running shoes",
            "marathon running shoes",
            "espresso machine",
            "best espresso machines",
        ];
        let kws: Vec<KeywordIn> = words
            .iter()
            .map(|&text| KeywordIn { text, volume: 1 })
            .collect();
        let whole = Plan::build(&embedder, &kws).unwrap();
        let split = Plan::build_in_parts(&embedder, &kws, 4).unwrap();
        assert_eq!(whole.parts(), 1);
        assert!(split.parts() >= 3, "{} parts", split.parts());
        let owner = |p: &Plan| {
            let mut of = vec![usize::MAX; words.len()];
            for (c, cl) in p.cut(DEFAULT_THRESHOLD).unwrap().iter().enumerate() {
                for &m in &cl.members {
                    assert_eq!(of[m], usize::MAX, "placed twice");
                    of[m] = c;
                }
            }
            assert!(of.iter().all(|&c| c != usize::MAX));
            of
        };
        let (w, s) = (owner(&whole), owner(&split));
        for i in 0..words.len() {
            for j in 0..words.len() {
                if s[i] == s[j] {
                    assert_eq!(w[i], w[j], "{} and {}", words[i], words[j]);
                }
            }
        }
        let zero = split.cut(0.0).unwrap();
        let soil = zero.iter().find(|c| c.members.contains(&0)).unwrap();
        assert!(soil.members.contains(&1) && soil.members.contains(&2));
        for t in [0.0, 0.3, 0.5, 0.7, 2.0] {
            assert_eq!(split.count_at(t), split.cut(t).unwrap().len());
        }
    }
}
