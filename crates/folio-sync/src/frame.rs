//! The frames of the sync socket. Each WebSocket binary message is one frame:
//!
//! ```text
//! version:u8 (=1) | tag:u8 | fields…
//!   str   = len:u16 (big-endian) | UTF-8 bytes        (≤ 1 KiB)
//!   bytes = len:u32 (big-endian) | bytes              (≤ MAX_FRAME_BYTES)
//! ```
//!
//! Authentication happens at the HTTP upgrade, so no frame carries credentials. Decoding never
//! panics and never allocates more than the frame's own length: a peer's bytes are untrusted.

use crate::doc_id::DocId;

/// The largest frame either side accepts (a first sync of a 100k-keyword bucket is ~0.3 MB; a
/// 100k-keyword document saves to 3.3 MB). Kept well under what a server can hold per
/// connection: every frame is read whole into memory before it is decoded.
pub const MAX_FRAME_BYTES: usize = 8 * 1024 * 1024;
const VERSION: u8 = 1;
const MAX_STR: usize = 1024;
/// Documents one Subscribe may name (an account has tens of always-synced documents).
const MAX_DOCS: usize = 4096;

/// Why the server will not sync a document with this connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a document of this connection's account (or no such document: the two are not told
    /// apart, so ids of other accounts cannot be probed).
    NotFound,
    /// The user may not see this site's documents.
    Forbidden,
    /// A viewer sent changes; they were dropped.
    ReadOnly,
    /// The user's access to the document's site was revoked.
    Revoked,
    /// The changes would take the account past its plan's limit (keywords, stored bytes);
    /// nothing was applied.
    Limit,
    /// The changes put records where they do not belong (another site's or article's records,
    /// a table of another kind of document; see [`crate::records`]); nothing was applied.
    Misplaced,
}

impl Refusal {
    fn code(self) -> u8 {
        match self {
            Refusal::NotFound => 1,
            Refusal::Forbidden => 2,
            Refusal::ReadOnly => 3,
            Refusal::Revoked => 4,
            Refusal::Limit => 5,
            Refusal::Misplaced => 6,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            1 => Refusal::NotFound,
            2 => Refusal::Forbidden,
            3 => Refusal::ReadOnly,
            4 => Refusal::Revoked,
            5 => Refusal::Limit,
            6 => Refusal::Misplaced,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// Client → server: sync these documents with me.
    Subscribe { docs: Vec<DocId> },
    /// Either way: one Automerge sync message for one document.
    Sync { doc: DocId, message: Vec<u8> },
    /// Server → client: this document will not be synced, and why.
    Refused { doc: DocId, reason: Refusal },
    /// Server → client: a document this user may see was registered (another device made it).
    Available { doc: DocId },
    /// Either way: something about the connection itself went wrong.
    Error { message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("empty frame")]
    Empty,
    #[error("unsupported protocol version {0}; update Folio")]
    Version(u8),
    #[error("unknown frame type {0}")]
    Tag(u8),
    #[error("frame ends early")]
    Truncated,
    #[error("frame has {0} bytes after its end")]
    Trailing(usize),
    #[error("frame of {0} bytes is over the {MAX_FRAME_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("a text field is not UTF-8 or is too long")]
    Text,
    #[error("{0}")]
    DocId(#[from] crate::doc_id::BadDocId),
    #[error("unknown refusal code {0}")]
    Refusal(u8),
    #[error("a subscription names more than {MAX_DOCS} documents")]
    TooManyDocs,
}

impl Frame {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        match self {
            Frame::Subscribe { docs } => {
                out.push(1);
                // Callers never build more than MAX_DOCS; cap so the count always fits.
                let docs = &docs[..docs.len().min(MAX_DOCS)];
                out.extend_from_slice(&(docs.len() as u16).to_be_bytes());
                for d in docs {
                    put_str(&mut out, &d.to_string());
                }
            }
            Frame::Sync { doc, message } => {
                out.push(2);
                put_str(&mut out, &doc.to_string());
                out.extend_from_slice(&(message.len() as u32).to_be_bytes());
                out.extend_from_slice(message);
            }
            Frame::Refused { doc, reason } => {
                out.push(3);
                put_str(&mut out, &doc.to_string());
                out.push(reason.code());
            }
            Frame::Available { doc } => {
                out.push(4);
                put_str(&mut out, &doc.to_string());
            }
            Frame::Error { message } => {
                out.push(5);
                let mut end = message.len().min(MAX_STR);
                while !message.is_char_boundary(end) {
                    end -= 1;
                }
                put_str(&mut out, &message[..end]);
            }
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Frame, FrameError> {
        if bytes.len() > MAX_FRAME_BYTES {
            return Err(FrameError::TooLarge(bytes.len()));
        }
        let mut r = Reader { bytes, at: 0 };
        let version = r.u8().map_err(|_| FrameError::Empty)?;
        if version != VERSION {
            return Err(FrameError::Version(version));
        }
        let frame = match r.u8()? {
            1 => {
                let n = usize::from(r.u16()?);
                if n > MAX_DOCS {
                    return Err(FrameError::TooManyDocs);
                }
                let mut docs = Vec::with_capacity(n.min(64));
                for _ in 0..n {
                    docs.push(r.doc()?);
                }
                Frame::Subscribe { docs }
            }
            2 => {
                let doc = r.doc()?;
                let len = r.u32()? as usize;
                Frame::Sync {
                    doc,
                    message: r.take(len)?.to_vec(),
                }
            }
            3 => {
                let doc = r.doc()?;
                let code = r.u8()?;
                Frame::Refused {
                    doc,
                    reason: Refusal::from_code(code).ok_or(FrameError::Refusal(code))?,
                }
            }
            4 => Frame::Available { doc: r.doc()? },
            5 => Frame::Error {
                message: r.str()?.to_owned(),
            },
            tag => return Err(FrameError::Tag(tag)),
        };
        match bytes.len() - r.at {
            0 => Ok(frame),
            extra => Err(FrameError::Trailing(extra)),
        }
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        let end = self.at.checked_add(n).ok_or(FrameError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(FrameError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, FrameError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, FrameError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, FrameError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn str(&mut self) -> Result<&'a str, FrameError> {
        let n = usize::from(self.u16()?);
        if n > MAX_STR {
            return Err(FrameError::Text);
        }
        std::str::from_utf8(self.take(n)?).map_err(|_| FrameError::Text)
    }

    fn doc(&mut self) -> Result<DocId, FrameError> {
        Ok(self.str()?.parse()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_over_eight_mebibytes_are_refused() {
        assert_eq!(MAX_FRAME_BYTES, 8 * 1024 * 1024);
        let doc: DocId = "account/0190f5a8-8a42-7c3e-9b1a-2f4e5d6c7b8a"
            .parse()
            .unwrap();
        let fits = Frame::Sync {
            doc,
            message: vec![0; MAX_FRAME_BYTES - 64],
        };
        assert!(Frame::decode(&fits.encode()).is_ok());
        let over = Frame::Sync {
            doc,
            message: vec![0; MAX_FRAME_BYTES],
        };
        let bytes = over.encode();
        assert_eq!(
            Frame::decode(&bytes),
            Err(FrameError::TooLarge(bytes.len()))
        );
    }
}
