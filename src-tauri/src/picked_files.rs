//! Files the person chose in a native dialog. The page asks the shell to read a keyword file by
//! path; a page that could pass any path could read any file the user can (the import's error
//! messages quote lines of what it read). So the shell reads only files its own dialog handed
//! out in this run of the app.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Default)]
pub struct PickedFiles(Mutex<HashSet<PathBuf>>);

impl PickedFiles {
    /// Remember a file the dialog returned.
    pub fn picked(&self, path: &Path) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf());
    }

    /// Whether the dialog handed out this path (exactly: no normalising a page could exploit).
    pub fn was_picked(&self, path: &Path) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_dialog_handed_out() {
        let files = PickedFiles::default();
        let picked = Path::new("/home/me/exports/semrush.csv");
        assert!(!files.was_picked(picked));
        files.picked(picked);
        assert!(files.was_picked(picked));
        for other in [
            "/home/me/.ssh/id_ed25519",
            "/home/me/exports/../.ssh/id_ed25519",
            "/home/me/exports/semrush.csv/..",
        ] {
            assert!(!files.was_picked(Path::new(other)), "{other}");
        }
    }
}
