//! The article editor (a component: it knows no article and calls no command): the engine's
//! bridge (`editor/bridge.rs`), the toolbar (`editor/toolbar.rs`) and the view
//! (`editor/view.rs`). The page that mounts it saves through core.

mod bridge;
mod toolbar;
mod view;

pub use bridge::EditorSlot;
pub use view::{ArticleEditor, EditorImage};
