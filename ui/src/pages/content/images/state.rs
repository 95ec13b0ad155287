//! The images panel's state: the article's images and thumbnails, the attach form (the file
//! read into memory, featured, alt text, caption), one change at a time, and where an error goes.

use folio_model::{AttachImage, ContentId, ErrorDto, Image, ImageId};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// A file the person picked, read into memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A thumbnail: its `data:` URL, or why there is none (a file not on this device).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thumb {
    Shown(String),
    Missing(String),
}

/// Where an error is shown: under the attach form, or beside one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorPlace {
    Form,
    Image(ImageId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImagesState {
    pub content: ContentId,
    /// `None` until the first load answers.
    pub images: Option<Vec<Image>>,
    pub thumbs: BTreeMap<ImageId, Thumb>,
    pub file: Option<PickedFile>,
    /// The picked file is being read.
    pub reading: bool,
    pub featured: bool,
    pub alt: String,
    pub caption: String,
    /// An attach or a removal is on its way to core; the next waits for it.
    pub busy: bool,
    pub error: Option<(ErrorPlace, ErrorDto)>,
    /// The image whose removal is on its way.
    pub removing: Option<ImageId>,
    /// Counts attaches, so the form's file input is cleared after each.
    pub attached: u64,
}

pub enum ImagesAction {
    Loaded(Result<Vec<Image>, ErrorDto>),
    ThumbLoaded(ImageId, Thumb),
    FileChosen,
    FileRead(Result<Option<PickedFile>, ErrorDto>),
    FeaturedToggled(bool),
    AltTyped(String),
    CaptionTyped(String),
    AttachSubmitted,
    ImageAttached(Image),
    AttachRejected(ErrorDto),
    RemoveClicked(ImageId),
    ImageRemoved(ImageId),
    RemoveRejected { image: ImageId, error: ErrorDto },
}

impl Reducible for ImagesState {
    type Action = ImagesAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl ImagesState {
    pub fn new(content: ContentId) -> Self {
        Self {
            content,
            images: None,
            thumbs: BTreeMap::new(),
            file: None,
            reading: false,
            featured: false,
            alt: String::new(),
            caption: String::new(),
            busy: false,
            error: None,
            removing: None,
            attached: 0,
        }
    }

    fn apply(&mut self, action: ImagesAction) {
        use ImagesAction as A;
        match action {
            A::Loaded(Ok(images)) => self.images = Some(images),
            A::Loaded(Err(error)) => {
                self.images = Some(Vec::new());
                self.error = Some((ErrorPlace::Form, error));
            }
            A::ThumbLoaded(id, thumb) => {
                self.thumbs.insert(id, thumb);
            }
            A::FileChosen => {
                self.reading = true;
                self.file = None;
                self.clear_form_error();
            }
            A::FileRead(result) => {
                self.reading = false;
                match result {
                    Ok(file) => self.file = file,
                    Err(error) => self.error = Some((ErrorPlace::Form, error)),
                }
            }
            A::FeaturedToggled(on) => self.featured = on,
            A::AltTyped(text) => self.alt = text,
            A::CaptionTyped(text) => self.caption = text,
            A::AttachSubmitted => {
                self.busy = true;
                self.error = None;
            }
            A::ImageAttached(image) => {
                self.busy = false;
                self.file = None;
                self.featured = false;
                self.alt.clear();
                self.caption.clear();
                self.attached += 1;
                let images = self.images.get_or_insert_with(Vec::new);
                // core replaced the featured image, if there was one
                if image.is_featured() {
                    images.retain(|i| !i.is_featured());
                }
                images.push(image);
                images.sort_by_key(|i| (!i.is_featured(), i.position, i.id));
            }
            A::AttachRejected(error) => {
                self.busy = false;
                self.error = Some((ErrorPlace::Form, error));
            }
            A::RemoveClicked(id) => {
                self.busy = true;
                self.removing = Some(id);
                self.error = None;
            }
            A::ImageRemoved(id) => {
                self.busy = false;
                self.removing = None;
                if let Some(images) = &mut self.images {
                    images.retain(|i| i.id != id);
                }
                self.thumbs.remove(&id);
            }
            A::RemoveRejected { image, error } => {
                self.busy = false;
                self.removing = None;
                self.error = Some((ErrorPlace::Image(image), error));
            }
        }
    }

    fn clear_form_error(&mut self) {
        if self
            .error
            .as_ref()
            .is_some_and(|(p, _)| *p == ErrorPlace::Form)
        {
            self.error = None;
        }
    }

    /// The request the form would send, once a file is read.
    pub fn attach_request(&self) -> Option<AttachImage> {
        let file = self.file.as_ref()?;
        Some(AttachImage {
            content: self.content,
            file_name: file.name.clone(),
            bytes: file.bytes.clone(),
            featured: self.featured,
            alt_text: self.alt.clone(),
            caption: self.caption.clone(),
        })
    }

    /// The form's error about the file itself (shown beside the file input), then any other.
    pub fn form_error(&self, about_file: bool) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(p, e)| *p == ErrorPlace::Form && e.is_about("file") == about_file)
            .map(|(_, e)| e.message.as_str())
    }

    pub fn image_error(&self, id: ImageId) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(p, _)| *p == ErrorPlace::Image(id))
            .map(|(_, e)| e.message.as_str())
    }

    /// Images whose thumbnail has not been asked for yet.
    pub fn without_thumbs(&self) -> Vec<ImageId> {
        self.images
            .iter()
            .flatten()
            .filter(|i| !self.thumbs.contains_key(&i.id))
            .map(|i| i.id)
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use folio_model::{ImageStatus, ImageType};

    fn image(n: u8, featured: bool, position: u32) -> Image {
        Image {
            id: id(n),
            content_id: id(1),
            image_type: if featured {
                ImageType::Featured
            } else {
                ImageType::InArticle
            },
            url: None,
            local_path: Some("images/ab/ab.png".into()),
            alt_text: "alt".into(),
            caption: String::new(),
            position,
            prompt: String::new(),
            provider: Some("upload".into()),
            status: ImageStatus::Generated,
            created_at: chrono::DateTime::UNIX_EPOCH,
            external_media_id: None,
        }
    }

    fn id<T: std::str::FromStr>(n: u8) -> T
    where
        T::Err: std::fmt::Debug,
    {
        format!("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a{n:02x}")
            .parse()
            .unwrap()
    }

    #[test]
    fn a_new_featured_image_replaces_the_shown_one_and_the_form_resets() {
        let mut s = ImagesState::new(id(1));
        s.apply(ImagesAction::Loaded(Ok(vec![
            image(2, true, 0),
            image(3, false, 0),
        ])));
        s.apply(ImagesAction::FileRead(Ok(Some(PickedFile {
            name: "a.png".into(),
            bytes: vec![1],
        }))));
        s.apply(ImagesAction::FeaturedToggled(true));
        assert!(s.attach_request().is_some_and(|r| r.featured));
        s.apply(ImagesAction::AttachSubmitted);
        s.apply(ImagesAction::ImageAttached(image(4, true, 0)));
        let ids: Vec<_> = s.images.iter().flatten().map(|i| i.id).collect();
        assert_eq!(ids, vec![id::<ImageId>(4), id(3)]);
        assert_eq!((s.busy, s.featured, s.file.is_none()), (false, false, true));
        assert_eq!(s.attached, 1);
    }

    #[test]
    fn errors_about_the_file_go_beside_the_file_input() {
        let mut s = ImagesState::new(id(1));
        let e =
            ErrorDto::new(folio_model::ErrorKind::Validation, "not an image").with_field("file");
        s.apply(ImagesAction::AttachRejected(e));
        assert_eq!(s.form_error(true), Some("not an image"));
        assert_eq!(s.form_error(false), None);
        s.apply(ImagesAction::FileChosen);
        assert_eq!(s.form_error(true), None, "choosing another file clears it");
    }
}
