//! The HTTP API: routes, extractors and JSON shapes. Handlers are thin: parse, call one
//! operation, shape the answer. Every error leaves as `{"error": {"kind", "message", "field"?}}`
//! (see [`ServerError`]), including malformed JSON and unknown routes.

use crate::auth::AppState;
use crate::authz::{self, Access};
use crate::model::{Doc, Principal, Site, User};
use crate::rate_limit::Action;
use crate::ServerError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use folio_model::{AccountId, SiteId, UserId};
use folio_sync::api::{
    self, path, AcceptInvite, DocRequest, DocsQuery, GrantRequest, InviteRequest, LoginRequest, Me,
    PasswordResetConfirm, PasswordResetRequest, RefreshRequest, RegisterRequest, RoleRequest,
    SiteRequest, Tokens,
};
use folio_sync::DocId;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;

type Result<T, E = ServerError> = std::result::Result<T, E>;

pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route(path::REGISTER, post(register))
        .route(path::LOGIN, post(login))
        .route(path::REFRESH, post(refresh))
        .route(path::LOGOUT, post(logout))
        .route(path::PASSWORD_RESET, post(password_reset))
        .route(path::PASSWORD_RESET_CONFIRM, post(password_reset_confirm))
        .route(path::ME, get(me))
        .route(path::ACCOUNT, get(account))
        .route(path::INVITES, post(create_invite))
        .route(path::INVITE_LINK, post(create_invite_link))
        .route(path::ACCEPT_INVITE, post(accept_invite))
        .route(path::USER_ROLE, put(change_role))
        .route(path::USER, delete(remove_user))
        .route(path::SITES, post(register_site).get(list_sites))
        .route(path::SITE_GRANTS, post(grant_site).get(list_grants))
        .route(path::SITE_GRANT, delete(revoke_grant))
        .route(path::DOCS, post(register_doc).get(list_docs))
        .route(path::DOC, get(get_doc))
        .route(path::SYNC, get(crate::relay::sync_socket));
    Router::new()
        .route("/health", get(health))
        .nest(api::PREFIX, v1)
        .fallback(not_found)
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// Extractors

/// The authenticated caller (`Authorization: Bearer <access token>`).
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split_once(' ')
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            })
            .map(|(_, token)| token.trim())
            .unwrap_or_default();
        state.authenticate(token).await.map(Auth)
    }
}

/// The client's address, for rate limits: the peer of the TCP connection, or — only with
/// `trust_proxy` — the last `X-Forwarded-For` entry, the one the proxy in front of us added
/// (earlier entries are whatever the client chose to send).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if state.settings.trust_proxy {
            if let Some(ip) = forwarded_for(&parts.headers) {
                return Ok(ClientIp(ip));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        // No peer address only when the router is served without connect info (an embedder):
        // every such request then shares one budget, which errs on the strict side.
        Ok(ClientIp(peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

fn forwarded_for(headers: &axum::http::HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    let entry = last.to_str().ok()?.rsplit(',').next()?.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// `Json<T>` whose rejections (bad JSON, missing fields, wrong content type) use our error shape.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ServerError {
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "send the request body as JSON with Content-Type: application/json".to_owned()
        }
        other => format!(
            "the request body is not what this route expects: {}",
            other.body_text()
        ),
    };
    ServerError::invalid("body", message)
}

/// An id from the URL. Anything that does not parse cannot exist, so it is "not found".
fn path_id<T: FromStr>(what: &'static str, raw: &str) -> Result<T> {
    raw.parse().map_err(|_| ServerError::NotFound(what))
}

async fn not_found() -> ServerError {
    ServerError::NotFound("route")
}

// ---------------------------------------------------------------------------------------------
// Health and auth

async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    // A health check that cannot reach the database should fail, not report ok.
    state.store.plan("free").await?;
    Ok(Json(
        json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
    ))
}

async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<RegisterRequest>,
) -> Result<(StatusCode, Json<Tokens>)> {
    state
        .settings
        .limiter
        .check(Action::Register, ip, Some(&req.email))?;
    let tokens = state
        .register(
            &req.email,
            &req.password,
            req.account_name.as_deref(),
            req.account_id,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(tokens)))
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<LoginRequest>,
) -> Result<Json<Tokens>> {
    state
        .settings
        .limiter
        .check(Action::Login, ip, Some(&req.email))?;
    Ok(Json(state.login(&req.email, &req.password).await?))
}

async fn refresh(
    State(state): State<AppState>,
    Body(req): Body<RefreshRequest>,
) -> Result<Json<Tokens>> {
    Ok(Json(state.refresh(&req.refresh_token).await?))
}

async fn logout(State(state): State<AppState>, Auth(p): Auth) -> Result<StatusCode> {
    state.logout(&p).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn password_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<PasswordResetRequest>,
) -> Result<(StatusCode, Json<serde_json::Value>)> {
    state
        .settings
        .limiter
        .check(Action::PasswordReset, ip, Some(&req.email))?;
    state.request_password_reset(&req.email)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({
            "message": "if an account uses this address, a link to reset its password is on its way; it works for one hour"
        })),
    ))
}

async fn password_reset_confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<PasswordResetConfirm>,
) -> Result<StatusCode> {
    state
        .settings
        .limiter
        .check(Action::PasswordReset, ip, None)?;
    state
        .confirm_password_reset(&req.token, &req.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// The caller and the account

async fn me(State(state): State<AppState>, Auth(p): Auth) -> Result<Json<Me>> {
    let (account, _) = state.store.account(p.account_id).await?;
    let mut grants: Vec<SiteId> = state
        .store
        .granted_sites(p.user_id)
        .await?
        .into_iter()
        .collect();
    grants.sort();
    Ok(Json(Me {
        user_id: p.user_id,
        email: p.email.clone(),
        role: p.role,
        account_id: account.id,
        account_name: account.name,
        plan_id: account.plan_id,
        site_grants: grants,
    }))
}

async fn account(State(state): State<AppState>, Auth(p): Auth) -> Result<Json<serde_json::Value>> {
    let (account, plan) = state.store.account(p.account_id).await?;
    let users = state.store.users(p.account_id).await?;
    let sites = state.store.site_count(p.account_id).await?;
    let invites = state.store.pending_invites(p.account_id).await?;
    let mut body = json!({
        "account": account,
        "plan": { "id": plan.id, "name": plan.name, "included_credits": plan.included_credits },
        "limits": {
            "max_sites": plan.max_sites,
            "max_users": plan.max_users,
            "max_keywords": plan.max_keywords,
            "max_docs": plan.max_docs,
            "max_storage_bytes": plan.max_storage_bytes,
        },
        "usage": { "sites": sites, "users": users.len(), "pending_invites": invites.len() },
        "users": users,
    });
    // Who has been invited (and under which address) is for the people who manage the team.
    if p.role.sees_all_sites() {
        body["invites"] = serde_json::to_value(&invites)
            .map_err(|e| ServerError::Internal(format!("serialising invites: {e}")))?;
    }
    Ok(Json(body))
}

async fn create_invite(
    State(state): State<AppState>,
    Auth(p): Auth,
    Body(req): Body<InviteRequest>,
) -> Result<(StatusCode, Json<crate::model::Invite>)> {
    let invite = state.invite(&p, &req.email, req.role).await?;
    Ok((StatusCode::CREATED, Json(invite)))
}

/// `POST /v1/account/invites/link`: the invite's link comes back in the response, for an owner
/// or admin to pass on (the way to invite on a server without mail).
async fn create_invite_link(
    State(state): State<AppState>,
    Auth(p): Auth,
    Body(req): Body<InviteRequest>,
) -> Result<(StatusCode, Json<serde_json::Value>)> {
    authz::require_people_manager(&p)?;
    let (invite, link) = state.invite_link(&p, &req.email, req.role).await?;
    let mut body = serde_json::to_value(&invite)
        .map_err(|e| ServerError::Internal(format!("serialising an invite: {e}")))?;
    body["link"] = link.into();
    Ok((StatusCode::CREATED, Json(body)))
}

async fn accept_invite(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(req): Body<AcceptInvite>,
) -> Result<(StatusCode, Json<Tokens>)> {
    state
        .settings
        .limiter
        .check(Action::AcceptInvite, ip, None)?;
    let tokens = state.accept_invite(&req.token, &req.password).await?;
    Ok((StatusCode::CREATED, Json(tokens)))
}

async fn change_role(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(user_id): Path<String>,
    Body(req): Body<RoleRequest>,
) -> Result<Json<User>> {
    authz::require_people_manager(&p)?;
    let target: UserId = path_id("user", &user_id)?;
    let user = state.store.change_role(&p, target, req.role).await?;
    tracing::info!(account_id = %p.account_id, user_id = %target, role = %req.role, by = %p.user_id, "role changed");
    Ok(Json(user))
}

async fn remove_user(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(user_id): Path<String>,
) -> Result<StatusCode> {
    authz::require_people_manager(&p)?;
    let target: UserId = path_id("user", &user_id)?;
    state.store.remove_user(&p, target).await?;
    state
        .relay
        .sessions_ended(crate::session_end::SessionEnd::user(
            target,
            folio_sync::SessionClose::Removed,
        ));
    tracing::info!(account_id = %p.account_id, user_id = %target, by = %p.user_id, "user removed");
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Sites and grants

#[derive(Serialize)]
struct SiteWithAccess {
    #[serde(flatten)]
    site: Site,
    access: Access,
}

async fn register_site(
    State(state): State<AppState>,
    Auth(p): Auth,
    Body(req): Body<SiteRequest>,
) -> Result<Response> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ServerError::invalid(
            "name",
            "a site needs a name of 1–200 characters",
        ));
    }
    let (site, created) = state.store.register_site(&p, req.site_id, name).await?;
    if created {
        tracing::info!(account_id = %p.account_id, site_id = %site.id, "site registered");
    }
    Ok((created_or_ok(created), Json(site)).into_response())
}

async fn list_sites(
    State(state): State<AppState>,
    Auth(p): Auth,
) -> Result<Json<serde_json::Value>> {
    let granted = state.store.granted_sites(p.user_id).await?;
    let items: Vec<SiteWithAccess> = state
        .store
        .sites(p.account_id)
        .await?
        .into_iter()
        .filter_map(|site| {
            let access = authz::site_access(p.role, granted.contains(&site.id));
            access.can_read().then_some(SiteWithAccess { site, access })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn grant_site(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(site_id): Path<String>,
    Body(req): Body<GrantRequest>,
) -> Result<Response> {
    authz::require_people_manager(&p)?;
    let site_id: SiteId = path_id("site", &site_id)?;
    // An address that cannot be valid cannot be a member either.
    let email =
        crate::secrets::normalize_email(&req.email).map_err(|_| ServerError::NotFound("user"))?;
    let (grant, created) = state.store.grant_site(&p, site_id, &email).await?;
    if created {
        tracing::info!(account_id = %p.account_id, %site_id, user_id = %grant.user_id, by = %p.user_id, "site granted");
    }
    Ok((created_or_ok(created), Json(grant)).into_response())
}

async fn list_grants(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(site_id): Path<String>,
) -> Result<Json<serde_json::Value>> {
    authz::require_people_manager(&p)?;
    let site_id: SiteId = path_id("site", &site_id)?;
    state
        .store
        .site(p.account_id, site_id)
        .await?
        .ok_or(ServerError::NotFound("site"))?;
    let items = state.store.site_grants(p.account_id, site_id).await?;
    Ok(Json(json!({ "items": items })))
}

async fn revoke_grant(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((site_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode> {
    authz::require_people_manager(&p)?;
    let site_id: SiteId = path_id("site", &site_id)?;
    let user_id: UserId = path_id("user", &user_id)?;
    state.store.revoke_grant(&p, site_id, user_id).await?;
    tracing::info!(account_id = %p.account_id, %site_id, %user_id, by = %p.user_id, "site grant revoked");
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// Documents

#[derive(Serialize)]
struct DocWithAccess {
    #[serde(flatten)]
    doc: Doc,
    access: Access,
}

/// The site a document is registered under, from its id and the request, or why not.
fn doc_site(p: &Principal, doc: &DocId, req: &DocRequest) -> Result<Option<SiteId>> {
    if let Some(kind) = req.kind.as_deref() {
        if kind.trim() != doc.kind().as_str() {
            return Err(ServerError::invalid(
                "kind",
                format!("{doc} is a {} document, not {kind:?}", doc.kind().as_str()),
            ));
        }
    }
    match (doc, doc.site().map(SiteId), req.site_id) {
        (_, Some(named), Some(sent)) if named != sent => Err(ServerError::invalid(
            "site_id",
            format!("{doc} belongs to site {named}; send that site_id or none"),
        )),
        (_, Some(named), _) => Ok(Some(named)),
        (DocId::Article(_), None, Some(sent)) => Ok(Some(sent)),
        (DocId::Article(_), None, None) => Err(ServerError::invalid(
            "site_id",
            "an article document belongs to a site; send its site_id",
        )),
        (DocId::Account(account), _, sent) => {
            if sent.is_some() {
                return Err(ServerError::invalid(
                    "site_id",
                    "an account document belongs to no site; leave site_id out",
                ));
            }
            // The id names an account: only the caller's own, or one account could squat
            // another's document id.
            if AccountId(*account) != p.account_id {
                return Err(ServerError::Forbidden(format!(
                    "an account document is named after its account; register account/{}",
                    p.account_id
                )));
            }
            Ok(None)
        }
        // Every other kind names its site (folio_sync::DocId::site).
        (_, None, _) => Err(ServerError::Internal(format!("{doc} names no site"))),
    }
}

async fn register_doc(
    State(state): State<AppState>,
    Auth(p): Auth,
    Body(req): Body<DocRequest>,
) -> Result<Response> {
    let doc: DocId = req
        .doc_id
        .parse()
        .map_err(|e: folio_sync::doc_id::BadDocId| ServerError::invalid("doc_id", format!("{e}; use account/ID, site/ID, site/ID/keywords/N, site/ID/plan, site/ID/articles or article/ID")))?;
    let site = doc_site(&p, &doc, &req)?;
    let (stored, created) = state.store.register_doc(&p, &doc, site).await?;
    if created {
        tracing::info!(account_id = %p.account_id, doc_id = %doc, "document registered");
        state.relay.announce(p.account_id, doc);
    }
    Ok((created_or_ok(created), Json(stored)).into_response())
}

async fn list_docs(
    State(state): State<AppState>,
    Auth(p): Auth,
    Query(q): Query<DocsQuery>,
) -> Result<Json<serde_json::Value>> {
    let only_site: Option<SiteId> = match q.site_id.as_deref() {
        Some(s) => Some(path_id("site", s)?),
        None => None,
    };
    let granted = state.store.granted_sites(p.user_id).await?;
    // The same rule the socket uses, applied row by row, so the list and sync can never disagree.
    let items: Vec<DocWithAccess> = state
        .store
        .docs(p.account_id)
        .await?
        .into_iter()
        .filter(|doc| only_site.is_none() || doc.site_id == only_site)
        .filter_map(|doc| {
            let placement = authz::DocPlacement {
                account_id: doc.account_id,
                site_id: doc.site_id,
            };
            let granted = doc.site_id.is_some_and(|s| granted.contains(&s));
            let access = authz::doc_access(p.role, p.account_id, placement, granted);
            access.can_read().then_some(DocWithAccess { doc, access })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn get_doc(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(doc_id): Path<String>,
) -> Result<Json<DocWithAccess>> {
    let doc_id: DocId = path_id("document", &doc_id)?;
    let access = authz::doc_access_now(&state.store, p.user_id, &doc_id).await?;
    if !access.can_read() {
        // Unknown, another account's, or a site this user was not granted: all look the same.
        return Err(ServerError::NotFound("document"));
    }
    let doc = state
        .store
        .doc(&doc_id)
        .await?
        .ok_or(ServerError::NotFound("document"))?;
    Ok(Json(DocWithAccess { doc, access }))
}

fn created_or_ok(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}
