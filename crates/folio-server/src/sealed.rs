//! The refresh grace window's one stored secret. When a refresh token is rotated, the new pair is
//! kept with the spent token so that a retry of the same refresh (the response was lost) gets the
//! same pair back instead of looking like theft. The pair is kept sealed under a key derived from
//! the *old* refresh token, which the database never holds (it keeps the token's SHA-256, a
//! different derivation): a stolen database still yields no usable token, and only whoever
//! presents the old token — the retry — can open it.
//!
//! The cipher is SHA-256 in counter mode (a PRF keystream) with a SHA-256 tag. Each key seals
//! exactly one message (a refresh token is rotated once), so no nonce is needed; this keeps the
//! server free of another crypto dependency for two short strings.

use base64::Engine;
use sha2::{Digest, Sha256};

const KEY_LABEL: &[u8] = b"folio refresh grace v1\0";
const TAG_BYTES: usize = 16;

fn key(old_refresh: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(KEY_LABEL);
    h.update(old_refresh.trim().as_bytes());
    h.finalize().into()
}

fn keystream_xor(key: &[u8; 32], data: &mut [u8]) {
    for (block, chunk) in data.chunks_mut(32).enumerate() {
        let mut h = Sha256::new();
        h.update(key);
        h.update(b"stream");
        h.update((block as u64).to_be_bytes());
        let pad = h.finalize();
        for (b, p) in chunk.iter_mut().zip(pad.iter()) {
            *b ^= p;
        }
    }
}

fn tag(key: &[u8; 32], ciphertext: &[u8]) -> [u8; TAG_BYTES] {
    let mut h = Sha256::new();
    h.update(key);
    h.update(b"tag");
    h.update(ciphertext);
    let full = h.finalize();
    let mut out = [0u8; TAG_BYTES];
    out.copy_from_slice(&full[..TAG_BYTES]);
    out
}

/// `access` and `refresh` sealed under `old_refresh`, as text for a database column.
pub fn seal(old_refresh: &str, access: &str, refresh: &str) -> String {
    let key = key(old_refresh);
    let mut data = format!("{access} {refresh}").into_bytes();
    keystream_xor(&key, &mut data);
    let t = tag(&key, &data);
    data.extend_from_slice(&t);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// The pair sealed by [`seal`], if `old_refresh` is the token it was sealed under.
pub fn unseal(old_refresh: &str, sealed: &str) -> Option<(String, String)> {
    let key = key(old_refresh);
    let mut data = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sealed)
        .ok()?;
    let split = data.len().checked_sub(TAG_BYTES)?;
    let given = data.split_off(split);
    // Not a secret comparison that timing could leak: the tag only tells damage from success,
    // and forging one needs the old token anyway.
    if given != tag(&key, &data) {
        return None;
    }
    keystream_xor(&key, &mut data);
    let text = String::from_utf8(data).ok()?;
    let (access, refresh) = text.split_once(' ')?;
    Some((access.to_owned(), refresh.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_old_token_opens_the_pair() {
        let sealed = seal("frt_old", "fat_new", "frt_new");
        assert!(!sealed.contains("fat_new") && !sealed.contains("frt_new"));
        assert_eq!(
            unseal("frt_old", &sealed),
            Some(("fat_new".to_owned(), "frt_new".to_owned()))
        );
        assert_eq!(unseal("frt_other", &sealed), None);
        assert_eq!(unseal("frt_old", "not base64!"), None);
        assert_eq!(unseal("frt_old", ""), None);
    }
}
