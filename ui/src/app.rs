//! The window frame: navigation and the current page.

use crate::pages::sites::SitesPage;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <div class="shell">
            <nav class="sidebar" aria-label="Main">
                <div class="brand">{"Folio"}</div>
                <a class="nav-item active" href="#sites" aria-current="page">{"Sites"}</a>
            </nav>
            <main class="content">
                <SitesPage />
            </main>
        </div>
    }
}
