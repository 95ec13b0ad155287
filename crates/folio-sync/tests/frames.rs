//! The sync socket's frames: every frame round-trips, and no input — random, truncated or
//! hostile — makes decoding panic or accept garbage.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_sync::{DocId, Frame, FrameError, Refusal};
use proptest::prelude::*;
use uuid::Uuid;

fn doc_id() -> impl Strategy<Value = DocId> {
    (any::<u128>(), 0u16..16, 0u8..6).prop_map(|(n, bucket, kind)| {
        let u = Uuid::from_u128(n);
        match kind {
            0 => DocId::Account(u),
            1 => DocId::Site(u),
            2 => DocId::Keywords { site: u, bucket },
            3 => DocId::Plan(u),
            4 => DocId::Articles(u),
            _ => DocId::Article(u),
        }
    })
}

fn frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        proptest::collection::vec(doc_id(), 0..20).prop_map(|docs| Frame::Subscribe { docs }),
        (doc_id(), proptest::collection::vec(any::<u8>(), 0..2000))
            .prop_map(|(doc, message)| Frame::Sync { doc, message }),
        (doc_id(), 0u8..6).prop_map(|(doc, r)| Frame::Refused {
            doc,
            reason: [
                Refusal::NotFound,
                Refusal::Forbidden,
                Refusal::ReadOnly,
                Refusal::Revoked,
                Refusal::Limit,
                Refusal::Misplaced
            ][r as usize],
        }),
        doc_id().prop_map(|doc| Frame::Available { doc }),
        "\\PC{0,200}".prop_map(|message| Frame::Error { message }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn frames_round_trip(f in frame()) {
        prop_assert_eq!(Frame::decode(&f.encode()), Ok(f));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Frame::decode(&bytes);
    }

    #[test]
    fn every_truncation_and_extension_is_refused(f in frame(), extra in 1usize..8) {
        let bytes = f.encode();
        for cut in 0..bytes.len() {
            prop_assert!(Frame::decode(&bytes[..cut]).is_err());
        }
        let mut longer = bytes.clone();
        longer.extend(std::iter::repeat_n(0u8, extra));
        prop_assert_eq!(Frame::decode(&longer), Err(FrameError::Trailing(extra)));
    }

    #[test]
    fn flipped_bytes_never_panic(f in frame(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut bytes = f.encode();
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        let _ = Frame::decode(&bytes);
    }
}

#[test]
fn hostile_lengths_do_not_allocate_or_pass() {
    let doc = DocId::Site(Uuid::now_v7()).to_string();
    // A Sync frame that claims a 4 GB message.
    let mut f = vec![1u8, 2];
    f.extend_from_slice(&(doc.len() as u16).to_be_bytes());
    f.extend_from_slice(doc.as_bytes());
    f.extend_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(Frame::decode(&f), Err(FrameError::Truncated));
    // A subscription claiming 65535 documents with none present.
    assert_eq!(
        Frame::decode(&[1, 1, 0xff, 0xff]),
        Err(FrameError::TooManyDocs)
    );
    assert_eq!(
        Frame::decode(&[1, 1, 0x00, 0x02]),
        Err(FrameError::Truncated)
    );
    assert_eq!(Frame::decode(&[]), Err(FrameError::Empty));
    assert_eq!(Frame::decode(&[9, 1]), Err(FrameError::Version(9)));
    assert_eq!(Frame::decode(&[1, 77]), Err(FrameError::Tag(77)));
    // A document id that names no Folio document.
    let mut f = vec![1u8, 4, 0, 7];
    f.extend_from_slice(b"x/y/z/w");
    assert!(matches!(Frame::decode(&f), Err(FrameError::DocId(_))));
}
