//! Pieces of the page that several pages use: a form field with its error, a button that says
//! when it is busy, an on/off switch, the week's days as toggles, a table, a progress bar, an
//! empty state, the article editor, the site and sector pickers (and a site picker with "All
//! sites"), a small bar chart, a pipeline stage's run (estimate, progress, report)
//! and a quality gate's report. Pages compose them; they hold no state of their own.

mod bar_chart;
mod busy_button;
mod day_toggles;
mod editor;
mod empty_state;
mod field;
mod progress;
mod quality_report;
mod scope_bar;
mod site_filter;
mod stage_panel;
mod switch;
mod table;

pub use bar_chart::{Bar, BarChart};
pub use busy_button::BusyButton;
pub use day_toggles::DayToggles;
pub use editor::{ArticleEditor, EditorImage, EditorSlot};
pub use empty_state::EmptyState;
pub use field::TextField;
pub use progress::ProgressBar;
pub use quality_report::QualityReportView;
pub use scope_bar::ScopeBar;
pub use site_filter::SiteFilter;
pub use stage_panel::StagePanel;
pub use switch::Switch;
pub use table::{Column, Table};
