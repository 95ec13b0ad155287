//! Saving the editor's article: debounced autosave, Ctrl-S, the HTML source view, one save in
//! flight at a time, and core's sanitised body shown back only when it differs. Pure and
//! unit-tested; `article/editing.rs` does the timers and the calls.
//!
//! The rules:
//! - every change counts as an edit and restarts the debounce timer; when the timer of the
//!   latest edit fires (about 800 ms after typing stops) the article is saved;
//! - Ctrl-S (and leaving the source view) saves at once;
//! - never two saves at a time: a save wanted while one is in flight is sent when it ends, with
//!   whatever the editor holds then, so typing during a save is never lost;
//! - after a save, the editor takes core's body only if core changed what was sent and nothing
//!   was typed since it was sent (a source-view save always: the editor did not hold that HTML);
//! - a failed save keeps the changes as unsaved and says what to do; the next edit or Ctrl-S
//!   tries again;
//! - every save carries the body the editor's text derives from (`base`): core merges the edit
//!   with whatever was stored since, block by block, so a change from another device or the
//!   CLI is never overwritten;
//! - the page reads the stored body now and then (`Polled`): a body that changed elsewhere is
//!   shown in the editor at once when nothing is unsaved (the caret stays in its block), or
//!   merged by saving now when something is — either way the status line says who changed it.

use folio_model::ErrorDto;
use std::rc::Rc;
use yew::Reducible;

/// How long typing must pause before an autosave.
pub const AUTOSAVE_DELAY_MS: u32 = 800;

/// A save on its way to core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sending {
    /// The number of edits it holds.
    pub edits: u64,
    /// The source view's HTML, when that is what is saved (else the editor's HTML is read).
    pub source: Option<String>,
    /// The body the saved text was edited from (core merges with what was stored since).
    pub base: Rc<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SaveState {
    /// Edits made since the page opened.
    pub edits: u64,
    /// Edits that core has stored.
    pub saved_edits: u64,
    /// The debounce timer of the latest edit (0: none).
    pub timer: u64,
    /// The save in flight.
    pub sending: Option<Sending>,
    /// Bumped to have the page send `sending` (effect key).
    pub request: u64,
    /// A save is due once the one in flight ends.
    wanted: bool,
    /// The source view's HTML waiting to be sent.
    pending_source: Option<String>,
    /// Core's body for the editor to show (a new number each time).
    pub replace: Option<(u64, Rc<String>)>,
    pub error: Option<ErrorDto>,
    /// The body the editor's text derives from: what it opened with, or core's answer it took.
    pub base: Rc<String>,
    /// The body core holds, as last heard (a save's answer or a read).
    stored: Rc<String>,
    /// Saves answered so far: a read started before the latest answer is stale.
    pub generation: u64,
    /// Who changed the article elsewhere, when the editor took their change.
    pub remote: Option<String>,
}

pub enum SaveAction {
    /// The person changed the article in the editor.
    Edited,
    /// A debounce timer fired.
    TimerFired(u64),
    /// Ctrl-S, or the page is being left.
    SaveNow,
    /// The HTML source view was left with this HTML.
    SourceEdited(String),
    /// Core answered a save: the HTML sent and core's stored body, or why it failed.
    Saved {
        sent: String,
        result: Result<String, ErrorDto>,
    },
    /// The stored body, read when `generation` saves had been answered; `by`: who saved the
    /// latest version (for "updated from …").
    Polled {
        generation: u64,
        body: String,
        by: String,
    },
}

/// What the status line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    Saved,
    Saving,
    Unsaved,
    Failed(String),
}

impl SaveStatus {
    /// `data-state` of `#editor-save-status`.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Saved => "saved",
            Self::Saving => "saving",
            Self::Unsaved => "unsaved",
            Self::Failed(_) => "error",
        }
    }

    pub fn text(&self) -> String {
        match self {
            Self::Saved => "Saved".into(),
            Self::Saving => "Saving\u{2026}".into(),
            Self::Unsaved => "Unsaved changes".into(),
            Self::Failed(why) => {
                format!("Not saved: {why}. Your text is kept here; press Ctrl-S to try again.")
            }
        }
    }
}

impl Reducible for SaveState {
    type Action = SaveAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl SaveState {
    /// The editor opened on core's `body`.
    pub fn opened(body: &str) -> Self {
        let body = Rc::new(body.to_owned());
        Self {
            base: body.clone(),
            stored: body,
            ..Self::default()
        }
    }

    /// Edits core has not stored yet (typed, or in a save still in flight).
    pub fn is_dirty(&self) -> bool {
        self.edits > self.saved_edits || self.pending_source.is_some()
    }

    pub fn status(&self) -> SaveStatus {
        if self.sending.is_some() {
            SaveStatus::Saving
        } else if let Some(e) = &self.error {
            SaveStatus::Failed(e.message.trim_end_matches('.').to_owned())
        } else if self.is_dirty() {
            SaveStatus::Unsaved
        } else {
            SaveStatus::Saved
        }
    }

    /// The source view's HTML not sent yet (saved on leaving the page).
    pub fn pending_source(&self) -> Option<&str> {
        self.pending_source.as_deref()
    }

    pub fn apply(&mut self, action: SaveAction) {
        match action {
            SaveAction::Edited => {
                self.edits += 1;
                self.timer += 1;
                self.remote = None;
            }
            SaveAction::TimerFired(timer) => {
                if timer == self.timer {
                    self.save();
                }
            }
            SaveAction::SaveNow => self.save(),
            SaveAction::SourceEdited(html) => {
                self.edits += 1;
                self.pending_source = Some(html);
                self.save();
            }
            SaveAction::Saved { sent, result } => {
                let Some(sending) = self.sending.take() else {
                    return;
                };
                self.generation += 1;
                match result {
                    Ok(body) => {
                        self.error = None;
                        self.saved_edits = self.saved_edits.max(sending.edits);
                        let body = Rc::new(body);
                        self.stored = body.clone();
                        let differs = sending.source.is_some() || *body != sent;
                        if !differs || self.edits == sending.edits {
                            if differs {
                                self.show(body.clone());
                            }
                            self.base = body;
                        } else {
                            // The editor keeps newer typing on top of what it sent.
                            self.base = Rc::new(sent);
                        }
                    }
                    Err(e) => {
                        self.error = Some(e);
                        // the source view's HTML is still the person's latest word
                        if let (Some(html), None) = (sending.source, &self.pending_source) {
                            self.pending_source = Some(html);
                        }
                        self.wanted = false;
                        return;
                    }
                }
                if std::mem::take(&mut self.wanted) {
                    self.save();
                }
            }
            SaveAction::Polled {
                generation,
                body,
                by,
            } => {
                if generation != self.generation || self.sending.is_some() || body == *self.stored {
                    return;
                }
                let body = Rc::new(body);
                self.stored = body.clone();
                self.remote = Some(by);
                if self.is_dirty() {
                    // core merges the unsaved text with the change; its answer reaches the
                    // editor if nothing is typed meanwhile
                    self.save();
                } else {
                    self.show(body.clone());
                    self.base = body;
                }
            }
        }
    }

    /// Have the editor show `body`.
    fn show(&mut self, body: Rc<String>) {
        let n = self.replace.as_ref().map_or(1, |(n, _)| n + 1);
        self.replace = Some((n, body));
    }

    /// Send a save now, or once the one in flight ends; nothing when all is saved.
    fn save(&mut self) {
        if !self.is_dirty() {
            return;
        }
        if self.sending.is_some() {
            self.wanted = true;
            return;
        }
        self.sending = Some(Sending {
            edits: self.edits,
            source: self.pending_source.take(),
            base: self.base.clone(),
        });
        self.request += 1;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use folio_model::ErrorKind;

    fn saved(s: &mut SaveState, sent: &str, body: &str) {
        s.apply(SaveAction::Saved {
            sent: sent.into(),
            result: Ok(body.into()),
        });
    }

    #[test]
    fn typing_saves_once_after_the_latest_edits_timer() {
        let mut s = SaveState::default();
        assert_eq!(s.status(), SaveStatus::Saved);
        s.apply(SaveAction::Edited);
        let first = s.timer;
        s.apply(SaveAction::Edited);
        assert_eq!(s.status(), SaveStatus::Unsaved);
        s.apply(SaveAction::TimerFired(first));
        assert_eq!(s.request, 0, "an older timer does not save");
        s.apply(SaveAction::TimerFired(s.timer));
        assert_eq!(s.request, 1);
        assert_eq!(s.sending.as_ref().unwrap().edits, 2);
        assert_eq!(s.status(), SaveStatus::Saving);
        saved(&mut s, "<p>ab</p>", "<p>ab</p>");
        assert_eq!(s.status(), SaveStatus::Saved);
        assert_eq!(
            s.replace, None,
            "core kept what was sent: the editor is left alone"
        );
    }

    #[test]
    fn ctrl_s_saves_at_once_and_does_nothing_when_all_is_saved() {
        let mut s = SaveState::default();
        s.apply(SaveAction::SaveNow);
        assert_eq!(s.request, 0);
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        assert_eq!(s.request, 1);
        saved(&mut s, "<p>a</p>", "<p>a</p>");
        // the edit's timer fires later: nothing left to save
        s.apply(SaveAction::TimerFired(s.timer));
        assert_eq!(s.request, 1);
    }

    #[test]
    fn typing_during_a_save_is_saved_after_it() {
        let mut s = SaveState::default();
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        assert_eq!(s.request, 1);
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::TimerFired(s.timer));
        assert_eq!(s.request, 1, "never two saves at a time");
        // core sanitised the first save's HTML, but the person typed since: no reset
        saved(&mut s, "<p>a<span>x</span></p>", "<p>ax</p>");
        assert_eq!(s.replace, None, "the editor keeps the newer typing");
        assert_eq!(s.request, 2, "the later typing goes right after");
        assert_eq!(s.sending.as_ref().unwrap().edits, 2);
        assert_eq!(s.status(), SaveStatus::Saving);
        saved(&mut s, "<p>ab</p>", "<p>ab</p>");
        assert_eq!(s.status(), SaveStatus::Saved);
    }

    #[test]
    fn an_edit_whose_timer_has_not_fired_waits_for_it() {
        let mut s = SaveState::default();
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        s.apply(SaveAction::Edited);
        saved(&mut s, "<p>a</p>", "<p>a</p>");
        assert_eq!(s.request, 1, "not yet: typing goes on");
        assert_eq!(s.status(), SaveStatus::Unsaved);
        s.apply(SaveAction::TimerFired(s.timer));
        assert_eq!(s.request, 2);
    }

    #[test]
    fn cores_changes_reach_the_editor_when_nothing_was_typed_since() {
        let mut s = SaveState::default();
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        saved(&mut s, "<h1>T</h1>", "T");
        assert_eq!(s.replace, Some((1, Rc::new("T".to_owned()))));
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        saved(&mut s, "<p>x<script>1</script></p>", "<p>x</p>");
        assert_eq!(s.replace.as_ref().unwrap().0, 2, "a new number each time");
    }

    #[test]
    fn the_source_view_is_sent_as_typed_and_core_answers_into_the_editor() {
        let mut s = SaveState::default();
        s.apply(SaveAction::SourceEdited(
            "<p>a</p><script>x</script>".into(),
        ));
        let sending = s.sending.clone().unwrap();
        assert_eq!(
            sending.source.as_deref(),
            Some("<p>a</p><script>x</script>")
        );
        saved(&mut s, "<p>a</p><script>x</script>", "<p>a</p>");
        assert_eq!(s.replace, Some((1, Rc::new("<p>a</p>".to_owned()))));
        // even when core kept it as it was: the editor did not hold that HTML
        s.apply(SaveAction::SourceEdited("<p>b</p>".into()));
        saved(&mut s, "<p>b</p>", "<p>b</p>");
        assert_eq!(s.replace.as_ref().unwrap().1.as_str(), "<p>b</p>");
        assert_eq!(s.status(), SaveStatus::Saved);
    }

    #[test]
    fn a_source_edit_during_a_save_waits_for_it() {
        let mut s = SaveState::default();
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        s.apply(SaveAction::SourceEdited("<p>src</p>".into()));
        assert_eq!(s.request, 1);
        assert_eq!(s.pending_source(), Some("<p>src</p>"));
        saved(&mut s, "<p>a</p>", "<p>a</p>");
        assert_eq!(s.request, 2);
        assert_eq!(
            s.sending.as_ref().unwrap().source.as_deref(),
            Some("<p>src</p>")
        );
    }

    #[test]
    fn a_failed_save_keeps_the_changes_and_says_what_to_do() {
        let mut s = SaveState::default();
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::TimerFired(s.timer));
        s.apply(SaveAction::Saved {
            sent: "<p>a</p>".into(),
            result: Err(ErrorDto::new(
                ErrorKind::Validation,
                "The article's HTML is 3.0 MB.",
            )),
        });
        assert_eq!(s.request, 1, "no retry loop");
        assert!(s.is_dirty());
        let status = s.status();
        assert_eq!(status.key(), "error");
        assert!(status.text().contains("3.0 MB"), "{}", status.text());
        assert!(status.text().contains("Ctrl-S"), "{}", status.text());
        s.apply(SaveAction::SaveNow);
        assert_eq!(s.request, 2, "Ctrl-S tries again");
        assert_eq!(s.sending.as_ref().unwrap().edits, 2);
        saved(&mut s, "<p>ab</p>", "<p>ab</p>");
        assert_eq!(s.status(), SaveStatus::Saved);
    }

    #[test]
    fn a_save_carries_the_body_the_editor_derives_from() {
        let mut s = SaveState::opened("<p>a</p>");
        s.apply(SaveAction::Edited);
        s.apply(SaveAction::SaveNow);
        assert_eq!(s.sending.as_ref().unwrap().base.as_str(), "<p>a</p>");
        // typed during the save; core's answer is not shown, so the base is what was sent
        s.apply(SaveAction::Edited);
        saved(&mut s, "<p>ab</p>", "<p>ab</p><p>merged</p>");
        assert_eq!(s.base.as_str(), "<p>ab</p>");
        assert_eq!(s.replace, None);
        s.apply(SaveAction::SaveNow);
        saved(&mut s, "<p>abc</p>", "<p>abc</p><p>merged</p>");
        assert_eq!(
            s.base.as_str(),
            "<p>abc</p><p>merged</p>",
            "core's answer shown"
        );
        assert_eq!(
            s.replace.as_ref().unwrap().1.as_str(),
            "<p>abc</p><p>merged</p>"
        );
    }

    #[test]
    fn a_change_made_elsewhere_is_shown_or_merged() {
        let mut s = SaveState::opened("<p>a</p>");
        let polled = |s: &mut SaveState, body: &str| {
            let generation = s.generation;
            s.apply(SaveAction::Polled {
                generation,
                body: body.into(),
                by: "ana on laptop".into(),
            })
        };
        polled(&mut s, "<p>a</p>");
        assert_eq!(
            (s.replace.clone(), s.remote.clone()),
            (None, None),
            "no change"
        );
        // nothing unsaved: shown at once
        polled(&mut s, "<p>a</p><p>b</p>");
        assert_eq!(s.replace.as_ref().unwrap().1.as_str(), "<p>a</p><p>b</p>");
        assert_eq!(s.base.as_str(), "<p>a</p><p>b</p>");
        assert_eq!(s.remote.as_deref(), Some("ana on laptop"));
        // something unsaved: saved now, from the old base, for core to merge
        s.apply(SaveAction::Edited);
        assert_eq!(s.remote, None);
        polled(&mut s, "<p>a</p><p>b</p><p>c</p>");
        assert_eq!(s.request, 1);
        assert_eq!(
            s.sending.as_ref().unwrap().base.as_str(),
            "<p>a</p><p>b</p>"
        );
        // a read started before a save was answered is stale
        let stale = s.generation;
        saved(&mut s, "<p>a!</p><p>b</p>", "<p>a!</p><p>b</p><p>c</p>");
        assert_eq!(s.base.as_str(), "<p>a!</p><p>b</p><p>c</p>");
        s.apply(SaveAction::Polled {
            generation: stale,
            body: "<p>old</p>".into(),
            by: "x".into(),
        });
        assert_eq!(s.base.as_str(), "<p>a!</p><p>b</p><p>c</p>");
    }

    #[test]
    fn a_failed_source_save_is_kept_for_the_next_try() {
        let mut s = SaveState::default();
        s.apply(SaveAction::SourceEdited("<p>s</p>".into()));
        s.apply(SaveAction::Saved {
            sent: "<p>s</p>".into(),
            result: Err(ErrorDto::new(ErrorKind::Internal, "disk full")),
        });
        assert_eq!(s.pending_source(), Some("<p>s</p>"));
        s.apply(SaveAction::SaveNow);
        assert_eq!(
            s.sending.as_ref().unwrap().source.as_deref(),
            Some("<p>s</p>")
        );
    }
}
