//! Pieces of the page that several pages use: a form field with its error, a button that says
//! when it is busy, a table, a progress bar and an empty state. Pages compose them; they hold
//! no state of their own.

mod busy_button;
mod empty_state;
mod field;
mod progress;
mod table;

pub use busy_button::BusyButton;
pub use empty_state::EmptyState;
pub use field::TextField;
pub use progress::ProgressBar;
pub use table::{Column, Table};
