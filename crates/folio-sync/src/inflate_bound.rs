//! How large a sync message's changes become once automerge inflates them, measured without
//! inflating them into memory. A peer's message is small on the wire but its deflated chunks
//! and columns may inflate a thousandfold (a compression bomb): automerge inflates them whole,
//! into memory, while applying the message. [`inflated_size`] walks the message's chunks and
//! streams every deflated part through a counting sink, stopping as soon as the total passes the
//! limit, so the check itself costs CPU but no memory.
//!
//! Chunk layout (automerge's storage format): `magic:4 | checksum:4 | type:u8 | len:uLEB | data`,
//! one after another. Type 1 (change) holds no deflated part; type 2 (compressed change) is a
//! whole deflated change; type 0 (document, sent for a first sync) has per-column deflate flags.
//! Type 3 (bundle) is never produced by sync and is refused.
//!
//! Not covered: run-length-encoded columns whose runs claim huge lengths. Those are bounded by
//! the frame size only through automerge's own decoding.

use std::io::Read;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Bit of a column spec saying the column's data is deflated.
const COLUMN_DEFLATE: u64 = 0b1000;

/// Any message may inflate to this much, whatever its size on the wire.
pub const INFLATE_FLOOR: u64 = 16 * 1024 * 1024;
/// Beyond the floor, a message may inflate to this many times its wire size (automerge's own
/// data deflates 2–10×; repetition is already run-length encoded before deflate).
pub const INFLATE_RATIO: u64 = 64;
/// And never beyond this, however large the message.
pub const INFLATE_CEILING: u64 = 128 * 1024 * 1024;

/// How much a message of `wire_bytes` may inflate to.
pub fn inflation_limit(wire_bytes: usize) -> u64 {
    let wire = u64::try_from(wire_bytes).unwrap_or(u64::MAX);
    wire.saturating_mul(INFLATE_RATIO)
        .clamp(INFLATE_FLOOR, INFLATE_CEILING)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InflateError {
    #[error("the changes would inflate to more than {limit} bytes from {wire} on the wire")]
    TooLarge { limit: u64, wire: u64 },
    #[error("the changes are not well-formed automerge chunks: {0}")]
    Malformed(&'static str),
}

/// The inflated size of `chunks` (a sync message's `changes`), or an error once it passes
/// `limit` or the bytes are not chunks.
pub fn inflated_size<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    limit: u64,
) -> Result<u64, InflateError> {
    let mut m = Meter {
        total: 0,
        limit,
        wire: 0,
    };
    for entry in chunks {
        m.wire += entry.len() as u64;
        let mut r = Bytes(entry);
        while !r.0.is_empty() {
            m.chunk(&mut r)?;
        }
    }
    Ok(m.total)
}

struct Meter {
    total: u64,
    limit: u64,
    wire: u64,
}

impl Meter {
    fn add(&mut self, n: u64) -> Result<(), InflateError> {
        self.total = self.total.saturating_add(n);
        if self.total > self.limit {
            return Err(InflateError::TooLarge {
                limit: self.limit,
                wire: self.wire,
            });
        }
        Ok(())
    }

    /// Count a deflated stream's inflated length, a buffer at a time.
    fn inflate(&mut self, deflated: &[u8]) -> Result<(), InflateError> {
        let mut decoder = flate2::read::DeflateDecoder::new(deflated);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = decoder
                .read(&mut buf)
                .map_err(|_| InflateError::Malformed("a deflated part does not inflate"))?;
            if n == 0 {
                return Ok(());
            }
            self.add(n as u64)?;
        }
    }

    fn chunk(&mut self, r: &mut Bytes<'_>) -> Result<(), InflateError> {
        if r.take(4)? != MAGIC {
            return Err(InflateError::Malformed(
                "a chunk lacks automerge's magic bytes",
            ));
        }
        r.take(4)?; // checksum
        let kind = r.take(1)?[0];
        let len = r.uleb()?;
        let data = r.take_u64(len)?;
        match kind {
            1 => self.add(data.len() as u64),
            2 => self.inflate(data),
            0 => self.document(data),
            3 => Err(InflateError::Malformed("a sync message carries no bundles")),
            _ => Err(InflateError::Malformed("unknown chunk type")),
        }
    }

    fn document(&mut self, data: &[u8]) -> Result<(), InflateError> {
        let mut r = Bytes(data);
        let actors = r.uleb()?;
        for _ in 0..actors {
            let n = r.uleb()?;
            r.take_u64(n)?;
        }
        let heads = r.uleb()?;
        r.take_u64(heads.saturating_mul(32))?;
        let mut columns = Vec::new();
        for _ in 0..2 {
            let n = r.uleb()?;
            for _ in 0..n {
                let spec = r.uleb()?;
                let len = r.uleb()?;
                columns.push((spec, len));
                // Each column takes at least two bytes of metadata: the count is bounded by the
                // data, so this vector is too.
            }
        }
        for (spec, len) in columns {
            let part = r.take_u64(len)?;
            if spec & COLUMN_DEFLATE != 0 {
                self.inflate(part)?;
            } else {
                self.add(part.len() as u64)?;
            }
        }
        // Head indices.
        self.add(r.0.len() as u64)
    }
}

struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], InflateError> {
        if n > self.0.len() {
            return Err(InflateError::Malformed("a chunk ends early"));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn take_u64(&mut self, n: u64) -> Result<&'a [u8], InflateError> {
        self.take(usize::try_from(n).map_err(|_| InflateError::Malformed("a length is too large"))?)
    }

    fn uleb(&mut self) -> Result<u64, InflateError> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let b = self.take(1)?[0];
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(InflateError::Malformed("a number is too long"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::sync::{State, SyncDoc};
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};
    use std::io::Write;

    fn sizes_of(doc: &mut AutoCommit) -> (u64, u64) {
        let mut peer = AutoCommit::new();
        let mut theirs = State::new();
        let mut mine = State::new();
        // Drive one exchange so the message carries the changes.
        let first = doc.sync().generate_sync_message(&mut mine).unwrap();
        peer.sync()
            .receive_sync_message(&mut theirs, first)
            .unwrap();
        let reply = peer.sync().generate_sync_message(&mut theirs).unwrap();
        doc.sync().receive_sync_message(&mut mine, reply).unwrap();
        let with_changes = doc.sync().generate_sync_message(&mut mine).unwrap();
        let wire: u64 = with_changes.changes.iter().map(|c| c.len() as u64).sum();
        let inflated = inflated_size(with_changes.changes.iter(), u64::MAX).unwrap();
        (wire, inflated)
    }

    #[test]
    fn real_changes_measure_within_bounds() {
        let mut doc = AutoCommit::new();
        for i in 0..2000 {
            doc.put(ROOT, format!("key{i}"), "some repeated text value")
                .unwrap();
        }
        doc.commit();
        let (wire, inflated) = sizes_of(&mut doc);
        assert!(wire > 0 && inflated >= wire, "{wire} {inflated}");
        assert!(inflated <= inflation_limit(wire as usize));
    }

    /// A compressed change chunk whose body inflates a thousandfold.
    fn bomb(inflated: usize) -> Vec<u8> {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![0u8; inflated]).unwrap();
        let body = enc.finish().unwrap();
        let mut chunk = MAGIC.to_vec();
        chunk.extend_from_slice(&[0, 0, 0, 0, 2]);
        let mut len = body.len() as u64;
        loop {
            let b = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                chunk.push(b);
                break;
            }
            chunk.push(b | 0x80);
        }
        chunk.extend_from_slice(&body);
        chunk
    }

    #[test]
    fn a_bomb_is_stopped_at_the_limit() {
        let chunk = bomb(64 * 1024 * 1024);
        assert!(chunk.len() < 128 * 1024, "{}", chunk.len());
        let limit = inflation_limit(chunk.len());
        assert!(matches!(
            inflated_size([chunk.as_slice()], limit),
            Err(InflateError::TooLarge { .. })
        ));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for bytes in [&b""[..], b"\x85o", b"xxxxxxxxxxxxxxxx", &MAGIC[..]] {
            let r = inflated_size([bytes], INFLATE_CEILING);
            assert!(bytes.is_empty() || r.is_err(), "{bytes:?}");
        }
    }
}
