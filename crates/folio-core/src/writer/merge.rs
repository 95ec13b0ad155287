//! Three-way merge of an article body by top-level block (paragraph, heading, list, table,
//! figure…). The editor saves its text together with the body it started from (`base`); when
//! the stored body moved on meanwhile (another device's edit arrived by sync, the CLI, a section
//! rewritten), the edit is merged with it instead of overwriting it: blocks only one side changed
//! take that side's version, blocks both sides changed take the editor's (the person typing
//! now; the other version stays in the article's history), and blocks both sides inserted at
//! the same place are all kept, the editor's first.
//!
//! Pinned by the unit tests below and `tests/revisions.rs`.

use super::sections::top_level;

/// Past this many block comparisons the merge gives up and keeps the editor's text (an
/// article has a few hundred blocks; this bounds a pathological body).
const MAX_CELLS: usize = 4_000_000;

/// A body's top-level blocks as HTML; whitespace between blocks stays with the block before it
/// so that the merged text keeps the stored layout.
pub(crate) fn blocks(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, _, node) in top_level(html) {
        match out.last_mut() {
            Some(last) if node.trim().is_empty() => last.push_str(&node),
            _ => out.push(node),
        }
    }
    out
}

/// The pairs `(i, j)` of a longest common subsequence of `a` and `b`, in order.
fn common(a: &[String], b: &[String]) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > MAX_CELLS {
        return None;
    }
    // lcs[i][j]: the LCS length of a[i..] and b[j..]
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i].trim() == b[j].trim() {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i].trim() == b[j].trim() {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    Some(out)
}

fn same(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.trim() == y.trim())
}

/// Merge the editor's body (`ours`) and the stored one (`theirs`), both edited from `base`.
pub fn merge_bodies(base: &str, ours: &str, theirs: &str) -> String {
    if base == theirs {
        return ours.to_owned();
    }
    if base == ours {
        return theirs.to_owned();
    }
    let (b, o, t) = (blocks(base), blocks(ours), blocks(theirs));
    let (Some(bo), Some(bt)) = (common(&b, &o), common(&b, &t)) else {
        return ours.to_owned();
    };
    // Base blocks both sides kept: the stable points the chunks between are merged by.
    let in_o: std::collections::HashMap<usize, usize> = bo.into_iter().collect();
    let in_t: std::collections::HashMap<usize, usize> = bt.into_iter().collect();
    let mut stable: Vec<(usize, usize, usize)> = (0..b.len())
        .filter_map(|i| Some((i, *in_o.get(&i)?, *in_t.get(&i)?)))
        .collect();
    stable.push((b.len(), o.len(), t.len()));
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let (mut bi, mut oi, mut ti) = (0, 0, 0);
    for (bs, os, ts) in stable {
        let (bc, oc, tc) = (&b[bi..bs], &o[oi..os], &t[ti..ts]);
        if same(oc, bc) {
            tc.iter().for_each(|s| out.push_str(s));
        } else if same(tc, bc) || same(oc, tc) {
            oc.iter().for_each(|s| out.push_str(s));
        } else if bc.len() == oc.len() && bc.len() == tc.len() {
            // Neighbouring blocks edited in place, some here and some there: block by block.
            for ((bb, ob), tb) in bc.iter().zip(oc).zip(tc) {
                out.push_str(if ob.trim() == bb.trim() { tb } else { ob });
            }
        } else {
            // Both changed this stretch: the editor's blocks, then what the other side added
            // that is neither in the base nor in the editor's (so two paragraphs inserted at the
            // same place are both kept, while a paragraph both edited is the editor's).
            oc.iter().for_each(|s| out.push_str(s));
            for s in tc {
                let known = |xs: &[String]| xs.iter().any(|x| x.trim() == s.trim());
                if !known(bc) && !known(oc) && bc.is_empty() {
                    out.push_str(s);
                }
            }
        }
        if bs < b.len() {
            // the stable block itself, as the editor has it (its whitespace may differ)
            out.push_str(&o[os]);
        }
        (bi, oi, ti) = (bs + 1, os + 1, ts + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "<h2>A</h2><p>one</p><p>two</p><p>three</p>";

    #[test]
    fn edits_of_different_paragraphs_are_both_kept() {
        let ours = "<h2>A</h2><p>one, edited here</p><p>two</p><p>three</p>";
        let theirs = "<h2>A</h2><p>one</p><p>two</p><p>three, edited there</p>";
        assert_eq!(
            merge_bodies(BASE, ours, theirs),
            "<h2>A</h2><p>one, edited here</p><p>two</p><p>three, edited there</p>"
        );
    }

    #[test]
    fn an_unchanged_side_takes_the_other() {
        let edited = "<h2>A</h2><p>one</p><p>2</p><p>three</p>";
        assert_eq!(merge_bodies(BASE, BASE, edited), edited);
        assert_eq!(merge_bodies(BASE, edited, BASE), edited);
    }

    #[test]
    fn the_same_paragraph_edited_on_both_sides_is_the_editors() {
        let ours = "<h2>A</h2><p>two, mine</p><p>three</p>";
        let theirs = "<h2>A</h2><p>one</p><p>two, theirs</p><p>three</p><p>four</p>";
        // "one" deleted here and "two" edited on both sides: the editor's; "four" added there.
        assert_eq!(
            merge_bodies(BASE, ours, theirs),
            "<h2>A</h2><p>two, mine</p><p>three</p><p>four</p>"
        );
    }

    #[test]
    fn paragraphs_both_sides_added_at_the_same_place_are_all_kept() {
        let ours = "<h2>A</h2><p>one</p><p>two</p><p>three</p><p>mine</p>";
        let theirs = "<h2>A</h2><p>one</p><p>two</p><p>three</p><p>theirs</p>";
        assert_eq!(
            merge_bodies(BASE, ours, theirs),
            "<h2>A</h2><p>one</p><p>two</p><p>three</p><p>mine</p><p>theirs</p>"
        );
    }

    #[test]
    fn whitespace_between_blocks_is_kept() {
        let base = "<h2>A</h2>\n<p>one</p>\n<p>two</p>\n";
        let ours = "<h2>A</h2>\n<p>one!</p>\n<p>two</p>\n";
        let theirs = "<h2>A</h2>\n<p>one</p>\n<p>two?</p>\n";
        assert_eq!(
            merge_bodies(base, ours, theirs),
            "<h2>A</h2>\n<p>one!</p>\n<p>two?</p>\n"
        );
    }
}
