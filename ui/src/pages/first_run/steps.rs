//! The first-run steps' views and the calls their buttons make. Every id is stable
//! (`#first-run-…`); core's errors appear under the field they name (`#first-run-<field>-error`).

use super::state::{split_sectors, SiteMode, Step, WelcomeAction as A, WelcomeState, WriterMode};
use super::{leave, Dispatch};
use crate::app::Route;
use crate::components::{BusyButton, TextField};
use crate::forms::{checked, input_value, message_for, select_value};
use crate::hooks::invoke;
use folio_model::ipc::{
    self, KeywordsImportArgs, LocalModelUseArgs, NoArgs, ProviderSetKeyArgs, ProviderSetUrlArgs,
    ProviderTestArgs, Secret, SeedKeywordsAddArgs, SiteCreateArgs, SiteCreateFromIndustryArgs,
    WpConnectArgs, WpOpenPostArgs, WpPublishArgs,
};
use folio_model::{
    KeyState, NewSite, NewSiteFromIndustry, PostStatus, PublishRequest, Stage, WpConnect,
};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The fields each step shows its errors under; others go above the step.
pub fn fields(step: Step) -> &'static [&'static str] {
    match step {
        Step::Site => &["name", "domain", "sectors", "industry"],
        Step::Wordpress => &["url", "user", "app_password"],
        Step::Writer => &["base_url", "key"],
        _ => &[],
    }
}

fn err(state: &WelcomeState, field: &str) -> Option<AttrValue> {
    message_for(state.error.iter(), field).map(|m| AttrValue::from(m.to_owned()))
}

fn edit(dispatch: &Dispatch, make: fn(String) -> A) -> Callback<InputEvent> {
    let d = dispatch.clone();
    Callback::from(move |e: InputEvent| d.dispatch(make(input_value(&e))))
}

/// `home-garden/gardening` → `home-garden--gardening`, usable in an id.
fn id_part(sector: &str) -> String {
    sector.replace('/', "--")
}

pub fn site(state: &WelcomeState, dispatch: &Dispatch) -> Html {
    let on_submit = {
        let d = dispatch.clone();
        let s = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if s.busy {
                return;
            }
            d.dispatch(A::Sent);
            let d = d.clone();
            let (name, domain) = (s.name.clone(), s.domain.clone());
            match s.site_mode {
                SiteMode::Industry => {
                    let input = NewSiteFromIndustry {
                        name,
                        domain,
                        industry: s.industry.clone().unwrap_or_default(),
                        sectors: s.sectors.clone(),
                    };
                    spawn_local(async move {
                        let args = SiteCreateFromIndustryArgs { input };
                        let r = invoke::<ipc::SiteCreateFromIndustry>(&args).await;
                        d.dispatch(A::SiteCreated(r.map(|made| {
                            let seeded = made.imports.iter().map(|i| i.imported).sum();
                            (made.site, seeded)
                        })));
                    });
                }
                SiteMode::Own => {
                    let input = NewSite {
                        name,
                        domain,
                        sectors: split_sectors(&s.own_sectors),
                    };
                    spawn_local(async move {
                        let r = invoke::<ipc::SiteCreate>(&SiteCreateArgs { input }).await;
                        d.dispatch(A::SiteCreated(r.map(|site| (site, 0))));
                    });
                }
            }
        })
    };
    if let Some(site) = &state.site {
        return html! {
            <p id="first-run-site-made">{format!("{} is set up with {} sector(s).", site.name, site.sectors.len())}</p>
        };
    }
    let mode = |m: SiteMode, id: &'static str, label: &'static str| {
        let d = dispatch.clone();
        html! {
            <label class="choice">
                <input {id} type="radio" name="first-run-mode" checked={state.site_mode == m}
                    onchange={Callback::from(move |_: Event| d.dispatch(A::SiteModeChosen(m)))} />
                {label}
            </label>
        }
    };
    let industries = state.industries.clone().unwrap_or_default();
    let chosen = state
        .industry
        .as_ref()
        .and_then(|id| industries.iter().find(|i| i.id == *id));
    let on_industry = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| d.dispatch(A::IndustryChosen(select_value(&e))))
    };
    html! {
        <form id="first-run-site-form" onsubmit={on_submit} novalidate=true>
            <TextField id="first-run-name" label="Site name" value={state.name.clone()}
                oninput={edit(dispatch, A::EditName)} error={err(state, "name")} />
            <TextField id="first-run-domain" label="Domain or address" value={state.domain.clone()}
                oninput={edit(dispatch, A::EditDomain)} error={err(state, "domain")}
                placeholder="example.com" no_spellcheck=true />
            <fieldset class="field">
                <legend>{"Its sectors (topic areas)"}</legend>
                { mode(SiteMode::Industry, "first-run-mode-industry", "Pick an industry: its sectors come with seed keywords") }
                { mode(SiteMode::Own, "first-run-mode-own", "Name my own sectors") }
            </fieldset>
            if state.site_mode == SiteMode::Industry {
                <div class="field">
                    <label for="first-run-industry">{"Industry"}</label>
                    <select id="first-run-industry" onchange={on_industry}>
                        <option value="" selected={state.industry.is_none()}>{"Choose\u{2026}"}</option>
                        { for industries.iter().map(|i| html! {
                            <option value={i.id.clone()} selected={state.industry.as_deref() == Some(i.id.as_str())}>{&i.name}</option>
                        }) }
                    </select>
                    if let Some(m) = err(state, "industry") { <div id="first-run-industry-error" class="error" role="alert">{m}</div> }
                </div>
                if let Some(industry) = chosen {
                    <div class="field" id="first-run-sectors">
                        { for industry.sectors.iter().map(|s| {
                            let d = dispatch.clone();
                            let id = s.id.clone();
                            html! {
                                <label class="choice">
                                    <input id={format!("first-run-sector-{}", id_part(&s.id))} type="checkbox"
                                        data-sector={s.id.clone()} checked={state.sectors.contains(&s.id)}
                                        onchange={Callback::from(move |_: Event| d.dispatch(A::SectorToggled(id.clone())))} />
                                    {&s.name}
                                </label>
                            }
                        }) }
                    </div>
                }
            } else {
                <TextField id="first-run-own-sectors" label="Sectors, separated by commas"
                    value={state.own_sectors.clone()} oninput={edit(dispatch, A::EditOwnSectors)}
                    placeholder="Tools, Seeds" help="Up to five. None: one called General." />
            }
            if let Some(m) = err(state, "sectors") { <div id="first-run-sectors-error" class="error" role="alert">{m}</div> }
            <BusyButton id="first-run-create-site" kind="submit" class="primary" label="Create the site"
                busy_label="Creating\u{2026}" busy={state.busy} />
        </form>
    }
}

pub fn wordpress(state: &WelcomeState, dispatch: &Dispatch, password: &NodeRef) -> Html {
    let Some(site) = state.site.as_ref().map(|s| s.id) else {
        return html! {};
    };
    let on_submit = {
        let d = dispatch.clone();
        let s = state.clone();
        let password = password.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = password.cast::<HtmlInputElement>() else {
                return;
            };
            if s.busy {
                return;
            }
            d.dispatch(A::Sent);
            let args = WpConnectArgs {
                input: WpConnect {
                    site,
                    url: s.wp_url.clone(),
                    user: s.wp_user.clone(),
                    app_password: input.value(),
                    allow_insecure: s.wp_allow_insecure,
                },
            };
            let d = d.clone();
            spawn_local(async move {
                let result = invoke::<ipc::WpConnect>(&args).await;
                drop(args);
                input.set_value("");
                d.dispatch(A::WpConnected(result));
            });
        })
    };
    let on_insecure = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| d.dispatch(A::AllowInsecure(checked(&e))))
    };
    html! {
        <form id="first-run-wp-form" onsubmit={on_submit} novalidate=true>
            <p class="hint">{"Create an application password in WordPress under Users \u{2192} Profile \u{2192} Application Passwords (it is not your login password) and paste it here. It goes to this computer's keychain only. The one-click connection is on the site's page."}</p>
            <TextField id="first-run-wp-url" label="WordPress address" value={state.wp_url.clone()}
                oninput={edit(dispatch, A::EditWpUrl)} error={err(state, "url")} no_spellcheck=true />
            <div class="field checkbox">
                <label>
                    <input id="first-run-wp-insecure" type="checkbox" checked={state.wp_allow_insecure} onchange={on_insecure} />
                    {"Allow insecure http (a site on the local network)"}
                </label>
            </div>
            <TextField id="first-run-wp-user" label="WordPress user name" value={state.wp_user.clone()}
                oninput={edit(dispatch, A::EditWpUser)} error={err(state, "user")} no_spellcheck=true />
            <div class="field">
                <label for="first-run-wp-password">{"Application password"}</label>
                <input id="first-run-wp-password" type="password" ref={password.clone()} autocomplete="off" />
                if let Some(m) = err(state, "app_password") { <div id="first-run-wp-password-error" class="error" role="alert">{m}</div> }
            </div>
            <BusyButton id="first-run-wp-connect" kind="submit" class="primary" label="Connect"
                busy_label="Connecting\u{2026}" busy={state.busy} />
        </form>
    }
}

pub fn writer(state: &WelcomeState, dispatch: &Dispatch, key: &NodeRef) -> Html {
    let mode = |m: WriterMode, id: &'static str, label: &'static str| {
        let d = dispatch.clone();
        html! {
            <label class="choice">
                <input {id} type="radio" name="first-run-writer" checked={state.writer_mode == m}
                    onchange={Callback::from(move |_: Event| d.dispatch(A::WriterModeChosen(m)))} />
                {label}
            </label>
        }
    };
    html! {
        <>
            <fieldset class="field">
                <legend>{"Folio writes with an AI model"}</legend>
                { mode(WriterMode::ApiKey, "first-run-writer-key", "Paste an API key (OpenAI, Anthropic, OpenRouter)") }
                { mode(WriterMode::Local, "first-run-writer-local", "Use a model running on this computer (Ollama, LM Studio, llama.cpp)") }
            </fieldset>
            { match state.writer_mode {
                WriterMode::ApiKey => api_key(state, dispatch, key),
                WriterMode::Local => local(state, dispatch),
            } }
        </>
    }
}

fn api_key(state: &WelcomeState, dispatch: &Dispatch, key: &NodeRef) -> Html {
    let on_provider = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| d.dispatch(A::ProviderChosen(select_value(&e))))
    };
    let on_save = {
        let d = dispatch.clone();
        let s = state.clone();
        let key = key.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = key.cast::<HtmlInputElement>() else {
                return;
            };
            if s.busy {
                return;
            }
            d.dispatch(A::Sent);
            let provider = s.provider.clone();
            let current = s
                .providers
                .iter()
                .find(|p| p.name == provider)
                .map(|p| p.base_url.clone())
                .unwrap_or_default();
            let url = s.provider_url.trim().to_owned();
            let secret = Secret::new(input.value());
            input.set_value("");
            let d = d.clone();
            spawn_local(async move {
                if !url.is_empty() && url != current {
                    let args = ProviderSetUrlArgs {
                        provider: provider.clone(),
                        url: Some(url),
                    };
                    if let Err(e) = invoke::<ipc::ProviderSetUrl>(&args).await {
                        d.dispatch(A::KeySaved(Err(e)));
                        return;
                    }
                }
                let args = ProviderSetKeyArgs {
                    provider,
                    key: secret,
                };
                d.dispatch(A::KeySaved(invoke::<ipc::ProviderSetKey>(&args).await));
            });
        })
    };
    let on_test = {
        let d = dispatch.clone();
        let provider = state.provider.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(A::Sent);
            let d = d.clone();
            let args = ProviderTestArgs {
                provider: provider.clone(),
                base_url: None,
            };
            spawn_local(async move {
                d.dispatch(A::Tested(invoke::<ipc::ProviderTest>(&args).await));
            });
        })
    };
    let on_continue = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::WriterConfirmed))
    };
    let hosted: Vec<_> = state
        .providers
        .iter()
        .filter(|p| p.needs_key && p.name != "runware")
        .collect();
    html! {
        <form id="first-run-key-form" onsubmit={on_save} novalidate=true>
            <div class="field">
                <label for="first-run-provider">{"Provider"}</label>
                <select id="first-run-provider" onchange={on_provider}>
                    { for hosted.iter().map(|p| html! {
                        <option value={p.name.clone()} selected={p.name == state.provider}>{&p.display_name}</option>
                    }) }
                </select>
            </div>
            <TextField id="first-run-provider-url" label="Address" value={state.provider_url.clone()}
                oninput={edit(dispatch, A::EditProviderUrl)} error={err(state, "base_url")}
                help="Leave it as it is unless you use a proxy." no_spellcheck=true />
            <div class="field">
                <label for="first-run-key">{"API key"}</label>
                <input id="first-run-key" type="password" ref={key.clone()} autocomplete="off" />
                if let Some(m) = err(state, "key") { <div id="first-run-key-error" class="error" role="alert">{m}</div> }
            </div>
            <BusyButton id="first-run-save-key" kind="submit" class="primary" label="Save key"
                busy_label="Saving\u{2026}" busy={state.busy} />
            if let Some(p) = &state.key_saved {
                if let KeyState::Set { masked } = &p.key {
                    <p id="first-run-key-state">{format!("key: {masked}")}</p>
                }
                <div class="button-row">
                    <button id="first-run-test" type="button" onclick={on_test} disabled={state.busy}>{"Test connection"}</button>
                    <button id="first-run-writer-continue" type="button" class="primary" onclick={on_continue}
                        disabled={state.busy}>{"Continue"}</button>
                </div>
            }
            if let Some(c) = &state.check {
                <p id="first-run-test-result" data-ok={c.ok.to_string()}>
                    { if c.ok {
                        format!("Works ({} models)", c.models.unwrap_or(0))
                    } else {
                        format!("{}: {}", c.error_kind.clone().unwrap_or_default(), c.message.clone().unwrap_or_default())
                    } }
                </p>
            }
        </form>
    }
}

fn local(state: &WelcomeState, dispatch: &Dispatch) -> Html {
    let on_detect = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(A::Sent);
            let d = d.clone();
            spawn_local(async move {
                d.dispatch(A::Detected(
                    invoke::<ipc::LocalServersDetect>(&NoArgs {}).await,
                ));
            });
        })
    };
    let use_model = |provider: String, base_url: String, model: String| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(A::Sent);
            let d = d.clone();
            let args = LocalModelUseArgs {
                provider: provider.clone(),
                base_url: base_url.clone(),
                model: model.clone(),
            };
            spawn_local(async move {
                d.dispatch(A::LocalModelUsed(invoke::<ipc::LocalModelUse>(&args).await));
            });
        })
    };
    html! {
        <div id="first-run-local">
            <BusyButton id="first-run-detect" label="Look for local models" busy_label="Looking\u{2026}"
                busy={state.busy} onclick={on_detect} />
            if let Some(found) = &state.local {
                <ul class="first-run-servers">
                    { for found.iter().map(|s| html! {
                        <li class="first-run-server" data-provider={s.provider.clone()} data-usable={s.usable().to_string()}>
                            <strong>{&s.display_name}</strong>{" \u{2014} "}<span class="muted">{&s.base_url}</span>
                            if let Some(p) = &s.problem { <div class="muted first-run-server-problem">{p}</div> }
                            <ul>
                                { for s.models.iter().enumerate().map(|(i, m)| html! {
                                    <li>
                                        <span class="first-run-model">{m}</span>{" "}
                                        <button id={format!("first-run-use-{}-{i}", s.provider)} type="button"
                                            class="first-run-use-model" disabled={state.busy}
                                            onclick={use_model(s.provider.clone(), s.base_url.clone(), m.clone())}>
                                            {"Use this model"}
                                        </button>
                                    </li>
                                }) }
                            </ul>
                        </li>
                    }) }
                </ul>
                if !found.iter().any(|s| s.usable()) {
                    <p id="first-run-no-local" class="muted">{"No local model found. Start Ollama, LM Studio or llama.cpp's server with a model, then look again \u{2014} or paste an API key."}</p>
                }
            }
        </div>
    }
}

pub fn keywords(state: &WelcomeState, dispatch: &Dispatch) -> Html {
    let Some(site) = state.site.as_ref().map(|s| s.id) else {
        return html! {};
    };
    let on_seed_sector = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| d.dispatch(A::SeedSectorChosen(select_value(&e))))
    };
    let on_add_seeds = {
        let d = dispatch.clone();
        let seed = state.seed_sector.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(seed_sector) = seed.clone() else {
                return;
            };
            d.dispatch(A::Sent);
            let d = d.clone();
            spawn_local(async move {
                let args = SeedKeywordsAddArgs {
                    site,
                    sector: None,
                    seed_sector,
                };
                let r = invoke::<ipc::SeedKeywordsAdd>(&args).await;
                d.dispatch(A::KeywordsAdded(r.map(|r| r.imported)));
            });
        })
    };
    let on_import = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            d.dispatch(A::Sent);
            let d = d.clone();
            spawn_local(async move {
                match invoke::<ipc::KeywordsPickFile>(&NoArgs {}).await {
                    Ok(Some(path)) => {
                        let args = KeywordsImportArgs {
                            site,
                            sector: None,
                            path,
                        };
                        let r = invoke::<ipc::KeywordsImport>(&args).await;
                        d.dispatch(A::KeywordsAdded(r.map(|r| r.imported)));
                    }
                    // Closed without choosing: nothing changes.
                    Ok(None) => d.dispatch(A::KeywordsAdded(Err(folio_model::ErrorDto::new(
                        folio_model::ErrorKind::Validation,
                        "No file was chosen.",
                    )))),
                    Err(e) => d.dispatch(A::KeywordsAdded(Err(e))),
                }
            });
        })
    };
    let on_continue = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::KeywordsAdded(Ok(0))))
    };
    let industries = state.industries.clone().unwrap_or_default();
    html! {
        <div id="first-run-keywords">
            if let Some(n) = state.keywords_added {
                <p id="first-run-keywords-added">{format!("The site has {n} keywords to start with.")}</p>
                <button id="first-run-keywords-continue" type="button" class="primary" onclick={on_continue}>{"Continue"}</button>
            }
            <p class="hint">{"Import an export from Semrush, Ahrefs, Google Keyword Planner or Search Console, or add a sector's seed keywords from Folio's library."}</p>
            <div class="button-row">
                <BusyButton id="first-run-import" label="Import a keyword file\u{2026}" busy_label="Importing\u{2026}"
                    busy={state.busy} onclick={on_import} />
            </div>
            <div class="field">
                <label for="first-run-seed-sector">{"Seed keywords of"}</label>
                <select id="first-run-seed-sector" onchange={on_seed_sector}>
                    <option value="" selected={state.seed_sector.is_none()}>{"Choose a sector\u{2026}"}</option>
                    { for industries.iter().flat_map(|i| i.sectors.iter().map(move |s| (i.name.clone(), s))).map(|(industry, s)| html! {
                        <option value={s.id.clone()} selected={state.seed_sector.as_deref() == Some(s.id.as_str())}>
                            {format!("{industry} \u{2192} {}", s.name)}
                        </option>
                    }) }
                </select>
            </div>
            <BusyButton id="first-run-add-seeds" label="Add the seed keywords" busy_label="Adding\u{2026}"
                busy={state.busy} disabled={state.seed_sector.is_none()} onclick={on_add_seeds} />
        </div>
    }
}

pub fn article(state: &WelcomeState, dispatch: &Dispatch) -> Html {
    let Some(site) = state.site.clone() else {
        return html! {};
    };
    let a = &state.article;
    let stage = state.next_stage();
    let on_run = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(A::RunAsked))
    };
    let on_publish = {
        let d = dispatch.clone();
        let content = a.content;
        Callback::from(move |_: MouseEvent| {
            let Some(content) = content else {
                return;
            };
            d.dispatch(A::Sent);
            let d = d.clone();
            spawn_local(async move {
                let args = WpPublishArgs {
                    request: PublishRequest {
                        content,
                        status: PostStatus::Publish,
                        at: None,
                        force: false,
                    },
                };
                d.dispatch(A::Published(
                    invoke::<ipc::WpPublish>(&args).await.map(Box::new),
                ));
            });
        })
    };
    let on_finish = {
        let hash = match a.content {
            Some(c) => Route::Content(c).hash(),
            None => Route::Site(site.id).hash(),
        };
        Callback::from(move |_: MouseEvent| leave(hash.clone()))
    };
    let (run_id, run_label) = match stage {
        Stage::Clustering => ("first-run-cluster", "Cluster the keywords\u{2026}"),
        Stage::Ideas => (
            "first-run-ideas",
            "Generate ideas for the first cluster\u{2026}",
        ),
        _ => ("first-run-write", "Write the first idea\u{2026}"),
    };
    let step_line = |id: &'static str, label: &'static str, done: bool| {
        html! {
            <li {id} data-done={done.to_string()}>{label}{ if done { " \u{2713}" } else { "" } }</li>
        }
    };
    html! {
        <div id="first-run-article">
            <p class="hint">{"Folio groups the keywords into clusters, plans ideas with outlines for the first cluster, then writes the first idea section by section. You see what each run costs before it starts."}</p>
            <ol class="first-run-progress">
                { step_line("first-run-made-cluster", "Keywords clustered", a.cluster.is_some()) }
                { step_line("first-run-made-idea", "Ideas planned", a.idea.is_some()) }
                { step_line("first-run-made-task", "The first idea queued for writing", a.task.is_some()) }
                { step_line("first-run-made-article", "The article written", a.content.is_some()) }
                { step_line("first-run-made-post", "Published on WordPress", a.published.is_some()) }
            </ol>
            if a.content.is_none() {
                <button id={run_id} type="button" class="primary" onclick={on_run}
                    disabled={state.next_target().is_none()}>{run_label}</button>
            } else if a.published.is_none() {
                <p class="hint">{"Publishing approves the article and sends it to WordPress as a live post."}</p>
                <div class="button-row">
                    <BusyButton id="first-run-publish" class="primary" label="Publish on WordPress"
                        busy_label="Publishing\u{2026}" busy={state.busy} onclick={on_publish} />
                    if let Some(c) = a.content {
                        <a id="first-run-article-link" href={Route::Content(c).hash()}
                            onclick={Callback::from(|_: MouseEvent| leave_quietly())}>{"Read it first"}</a>
                    }
                </div>
            }
            if let Some(p) = &a.published {
                <p id="first-run-published">
                    {"Published: "}
                    <a id="first-run-post-link" href={p.url.clone()} onclick={open_post(p.url.clone())}>{&p.url}</a>
                </p>
            }
            <div class="button-row">
                <button id="first-run-finish" type="button" class={classes!(a.published.is_some().then_some("primary"))}
                    onclick={on_finish}>{"Finish and open Folio"}</button>
            </div>
        </div>
    }
}

/// Following a link out of the path leaves it, as *Skip setup* does.
fn leave_quietly() {
    spawn_local(async move {
        let _ = invoke::<ipc::FirstRunDismiss>(&NoArgs {}).await;
    });
}

fn open_post(url: String) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        let args = WpOpenPostArgs { url: url.clone() };
        spawn_local(async move {
            let _ = invoke::<ipc::WpOpenPost>(&args).await;
        });
    })
}
