//! The article's images in its text: a body may hold `<figure><img src="folio-image:<image id>"
//! alt="…"></figure>`, a reference to one of the article's images (the editor inserts them from
//! the article's image list). The sanitiser keeps an `img` only with such a `src`; publishing
//! replaces each reference with the uploaded image's WordPress block and drops references to
//! images that are not the article's (`publishing/media.rs`).

use folio_model::ImageId;

/// The URL scheme of an image reference.
pub const IMAGE_REF_SCHEME: &str = "folio-image";

/// The `src` that refers to `image`.
pub fn image_ref(image: ImageId) -> String {
    format!("{IMAGE_REF_SCHEME}:{}", image.as_uuid().hyphenated())
}

/// The image an `img`'s `src` refers to; `None` for any other address (the scheme is read
/// without regard to case, the id must be a UUID).
pub fn parse_image_ref(src: &str) -> Option<ImageId> {
    let src = src.trim();
    let (scheme, id) = src.split_once(':')?;
    if !scheme.eq_ignore_ascii_case(IMAGE_REF_SCHEME) {
        return None;
    }
    uuid::Uuid::parse_str(id).ok().map(ImageId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip_and_nothing_else_parses() {
        let id = ImageId(uuid::Uuid::now_v7());
        assert_eq!(parse_image_ref(&image_ref(id)), Some(id));
        assert_eq!(
            parse_image_ref(
                &image_ref(id)
                    .to_uppercase()
                    .replace("FOLIO-IMAGE", "Folio-Image")
            ),
            Some(id)
        );
        for other in [
            "https://example.com/a.png",
            "folio-image:",
            "folio-image:not-a-uuid",
            "data:image/png;base64,AAAA",
            "image:0190a8d2-7a4e-7cc1-9a51-2b8d3f0e4c11",
        ] {
            assert_eq!(parse_image_ref(other), None, "{other}");
        }
    }
}
