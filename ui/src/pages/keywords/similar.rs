//! *Similar* on a keyword row: the site's keywords most like it, by meaning (core's offline
//! model, free). Pure state (`SimilarPanel`, unit-tested) and its panel.

use folio_model::{ErrorDto, KeywordRow, SimilarKeyword, SiteId, Status};
use yew::prelude::*;

/// How many similar keywords the panel lists.
pub const SIMILAR_SHOWN: u32 = 20;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimilarPanel {
    /// The keyword compared with, and its site; `None`: the panel is closed.
    pub of: Option<(SiteId, KeywordRow)>,
    /// Numbers each ask; an answer carrying another number is dropped.
    pub request: u64,
    pub result: Option<Result<Vec<SimilarKeyword>, ErrorDto>>,
}

impl SimilarPanel {
    pub fn open(&mut self, site: SiteId, keyword: KeywordRow) {
        self.of = Some((site, keyword));
        self.result = None;
        self.request += 1;
    }

    pub fn loaded(&mut self, request: u64, result: Result<Vec<SimilarKeyword>, ErrorDto>) {
        if request == self.request && self.of.is_some() {
            self.result = Some(result);
        }
    }

    pub fn close(&mut self) {
        self.of = None;
        self.result = None;
        // An answer still on its way is for a panel no longer shown.
        self.request += 1;
    }

    /// What the page should ask core now.
    pub fn ask(&self) -> Option<(SiteId, KeywordRow)> {
        match (&self.of, &self.result) {
            (Some(of), None) => Some(of.clone()),
            _ => None,
        }
    }
}

pub fn view(panel: &SimilarPanel, on_close: Callback<MouseEvent>) -> Html {
    let Some((_, keyword)) = &panel.of else {
        return html! {};
    };
    let body = match &panel.result {
        None => html! { <p class="hint" role="status">{"Comparing on this computer\u{2026}"}</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.message.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => {
            html! { <p class="muted">{"No other keywords in this site."}</p> }
        }
        Some(Ok(list)) => html! {
            <table class="similar-table">
                <thead><tr><th>{"Keyword"}</th><th class="num">{"Similarity"}</th><th class="num">{"Volume"}</th><th>{"Status"}</th></tr></thead>
                <tbody>
                    { for list.iter().map(|s| html! {
                        <tr class="similar-row">
                            <td class="similar-keyword">{ &s.keyword.keyword }</td>
                            <td class="num">{ format!("{:.2}", s.similarity) }</td>
                            <td class="num">{ crate::format::metric(s.keyword.volume) }</td>
                            <td><span class={classes!("chip", "status", s.keyword.status.as_str())}>{ s.keyword.status.as_str() }</span></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <div id="similar-panel" class="panel">
            <div class="panel-head">
                <h2>{ format!("Like \u{201c}{}\u{201d}", keyword.keyword) }</h2>
                <button type="button" class="link" onclick={on_close}>{"Close"}</button>
            </div>
            <p class="hint">{"By meaning, on this computer (free). Useful to find what one article can cover."}</p>
            { body }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::tests::id;
    use folio_model::{ErrorKind, KeywordStatus};

    fn row(n: u64, text: &str) -> KeywordRow {
        KeywordRow {
            id: id(n),
            keyword: text.into(),
            volume: Some(10),
            difficulty: None,
            cpc: None,
            intent: None,
            status: KeywordStatus::New,
            cluster_id: None,
            sector_id: id(9),
        }
    }

    #[test]
    fn asks_once_per_opening_and_drops_answers_for_another_keyword() {
        let mut p = SimilarPanel::default();
        assert_eq!(p.ask(), None);
        p.open(id(1), row(2, "running shoes"));
        let first = p.request;
        assert_eq!(
            p.ask().map(|(_, k)| k.keyword),
            Some("running shoes".to_owned())
        );
        p.open(id(1), row(3, "mortgage rates"));
        p.loaded(first, Ok(vec![]));
        assert!(
            p.result.is_none(),
            "an answer for the first keyword is dropped"
        );
        let found = vec![SimilarKeyword {
            keyword: row(4, "mortgage rate calculator"),
            similarity: 0.9,
        }];
        p.loaded(p.request, Ok(found.clone()));
        assert_eq!(p.result, Some(Ok(found)));
        assert_eq!(p.ask(), None, "answered: nothing more to ask");
        let open = p.request;
        p.close();
        p.loaded(open, Err(ErrorDto::new(ErrorKind::Internal, "late")));
        assert_eq!(
            p,
            SimilarPanel {
                request: open + 1,
                ..Default::default()
            }
        );
    }
}
