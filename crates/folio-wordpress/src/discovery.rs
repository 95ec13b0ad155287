//! Finding the REST root from whatever address a person typed: the `Link` header WordPress
//! sends on every page, then `/wp-json/`, then `?rest_route=/` for plain permalinks (where
//! `/wp-json/` answers 200 with the home page's HTML).

use reqwest::header::LINK;
use url::Url;

use crate::client::{
    http_client, read_capped, read_redirects, transport_error, ClientOptions, Credentials, WpClient,
};
use crate::error::{WpError, WpErrorKind};
use crate::origin::check_transport;
use crate::site::SiteIndex;

/// The relation WordPress's `Link` header uses for the REST root.
const API_REL: &str = "https://api.w.org/";

impl WpClient {
    /// Finds the REST root from any address of the site (home page, `/wp-admin/`, the REST
    /// root itself; a bare host gets `https://`), checks it is a WordPress REST index and
    /// returns a client for it. Discovery itself is anonymous: credentials are only sent to
    /// the root once found.
    pub async fn discover(
        site_url: &str,
        credentials: Option<Credentials>,
        options: ClientOptions,
    ) -> Result<WpClient, WpError> {
        let (client, _) = discover_with_index(site_url, credentials, options).await?;
        Ok(client)
    }
}

/// Discovery that also hands back the index it checked, so the doctor need not fetch the
/// (large) index twice.
pub(crate) async fn discover_with_index(
    site_url: &str,
    credentials: Option<Credentials>,
    options: ClientOptions,
) -> Result<(WpClient, SiteIndex), WpError> {
    let start = normalize_site_url(site_url)?;
    check_transport(&start, options.allow_insecure_http)?;
    let http = http_client(&options, read_redirects(&options))?;
    let mut tried: Vec<String> = Vec::new();
    let mut candidates: Vec<Url> = Vec::new();
    // A candidate that a Link header named but that answered garbage: the REST API is there
    // but broken, which deserves NotJson rather than "not found".
    let mut broken: Option<WpError> = None;
    // A candidate that refused to answer without (the right) login.
    let mut blocked: Option<WpError> = None;

    let page = http
        .get(start.clone())
        .send()
        .await
        .map_err(|e| transport_error(&e, &start, options.timeout))?;
    let landed = page.url().clone();
    let link_root = page
        .headers()
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(api_link);
    let is_json = page
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("json"));
    if page.status().is_success() && is_json {
        // The address typed may be the REST root itself.
        if let Ok(bytes) = read_capped(page, options.max_body_bytes, &landed, options.timeout).await
        {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                if let Some(index) = SiteIndex::from_value(&value) {
                    let client = WpClient::new(landed.as_str(), credentials, options)?;
                    return Ok((client, index));
                }
            }
        }
    }
    let from_link = link_root.and_then(|l| landed.join(&l).ok());
    if let Some(root) = &from_link {
        candidates.push(root.clone());
    }
    let base = site_base(&landed);
    for guess in ["wp-json/", "?rest_route=/"] {
        if let Ok(u) = base.join(guess) {
            candidates.push(u);
        }
    }
    let origin_root = landed.join("/").ok();
    if let Some(origin) = origin_root.filter(|o| *o != base) {
        for guess in ["wp-json/", "?rest_route=/"] {
            if let Ok(u) = origin.join(guess) {
                candidates.push(u);
            }
        }
    }
    candidates.dedup();

    for candidate in candidates {
        if tried.contains(&candidate.to_string()) {
            continue;
        }
        tried.push(candidate.to_string());
        // A candidate refused outright (a Link header naming plain http elsewhere) is reported
        // like any other failed candidate, so a good one later in the list still wins.
        let mut outcome = match WpClient::new(candidate.as_str(), None, options.clone()) {
            Ok(probe) => probe.probe_index().await,
            Err(e) => Err(e),
        };
        // Plugins such as "Disable REST API" refuse anonymous visitors (401/403) but let
        // logged-in users in: only then are the credentials sent, to the site's own address
        // (never to another host a page's Link header names).
        let own_host = match credentials.as_ref().and_then(|c| c.origin.as_deref()) {
            // A stored password goes only to the origin it is bound to.
            Some(bound) => candidate.origin().ascii_serialization() == bound,
            None => {
                candidate.host_str() == start.host_str()
                    || candidate.host_str() == landed.host_str()
            }
        };
        if let (Err(e), Some(c), true) = (&outcome, &credentials, own_host) {
            if matches!(e.kind(), WpErrorKind::Auth | WpErrorKind::Forbidden) {
                let logged_in =
                    WpClient::new(candidate.as_str(), Some(c.clone()), options.clone())?;
                outcome = logged_in.probe_index().await;
            }
        }
        match outcome {
            Ok((final_url, index)) => {
                let client = WpClient::new(final_url.as_str(), credentials, options)?;
                return Ok((client, index));
            }
            Err(e) => {
                tracing::debug!(candidate = %candidate, error = %e.code(), "not the REST root");
                let named = from_link.as_ref() == Some(&candidate);
                match e.kind() {
                    WpErrorKind::NotJson | WpErrorKind::Server if named => {
                        broken.get_or_insert(e);
                    }
                    WpErrorKind::Auth | WpErrorKind::Forbidden | WpErrorKind::InsecureHttp => {
                        blocked.get_or_insert(e);
                    }
                    WpErrorKind::Timeout | WpErrorKind::Unreachable => return Err(e),
                    _ => {}
                }
            }
        }
    }
    Err(broken.or(blocked).unwrap_or(WpError::NoRestApi {
        site_url: start.to_string(),
        tried,
    }))
}

impl WpClient {
    /// GETs the root; succeeds only with a WordPress REST index. Returns the URL that
    /// answered, after redirects (http → https, www), which becomes the saved root.
    async fn probe_index(&self) -> Result<(Url, SiteIndex), WpError> {
        let reply = self.get("", &[]).await?;
        let value: serde_json::Value = reply.json()?;
        let index = SiteIndex::from_value(&value).ok_or_else(|| WpError::NotJson {
            url: reply.url.to_string(),
            status: reply.status.as_u16(),
            content_type: reply.content_type(),
            snippet: "JSON, but not a WordPress REST index".to_owned(),
        })?;
        Ok((reply.url.clone(), index))
    }
}

/// Keeps the scheme given; a bare host (`example.com`, `localhost:8080/blog`) gets `https://`.
pub(crate) fn normalize_site_url(site_url: &str) -> Result<Url, WpError> {
    let trimmed = site_url.trim();
    if trimmed.is_empty() {
        return Err(WpError::other("enter the address of the WordPress site"));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| {
        WpError::other(format!(
            "`{trimmed}` is not a web address ({e}); enter the site's address, e.g. https://example.com"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(WpError::other(format!(
            "`{trimmed}` is not an http(s) address; enter the site's address, e.g. https://example.com"
        )));
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    Ok(url)
}

/// The directory WordPress lives in, from any page of it: `https://h/blog/wp-admin/x.php`
/// gives `https://h/blog/`.
fn site_base(url: &Url) -> Url {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let path = url.path();
    let cut = [
        "/wp-admin",
        "/wp-json",
        "/wp-login.php",
        "/index.php",
        "/wp-content",
    ]
    .iter()
    .filter_map(|m| path.find(m))
    .min();
    let dir = match cut {
        Some(i) => format!("{}/", &path[..i]),
        None if path.ends_with('/') => path.to_owned(),
        None => {
            let last = path.rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                path[..path.len() - last.len()].to_owned()
            } else {
                format!("{path}/")
            }
        }
    };
    base.set_path(&dir);
    base
}

/// The target of `<…>; rel="https://api.w.org/"` in one `Link` header value (which may hold
/// several comma-separated links).
fn api_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .any(|(k, v)| k.trim() == "rel" && v.trim().trim_matches('"') == API_REL)
            .then(|| target.to_owned())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bare_hosts_get_https_and_schemes_are_kept() {
        assert_eq!(
            normalize_site_url("example.com").unwrap().as_str(),
            "https://example.com/"
        );
        assert_eq!(
            normalize_site_url("localhost:8080/blog").unwrap().as_str(),
            "https://localhost:8080/blog"
        );
        assert_eq!(
            normalize_site_url("http://h/").unwrap().as_str(),
            "http://h/"
        );
        assert_eq!(
            normalize_site_url(" https://u:p@h/x#y ").unwrap().as_str(),
            "https://h/x"
        );
        assert!(normalize_site_url("").is_err());
        assert!(normalize_site_url("ftp://h/").is_err());
    }

    #[test]
    fn base_directory_from_any_page() {
        let b = |s: &str| site_base(&Url::parse(s).unwrap()).to_string();
        assert_eq!(b("https://h/"), "https://h/");
        assert_eq!(b("https://h/blog/wp-admin/post.php?x=1"), "https://h/blog/");
        assert_eq!(b("https://h/blog"), "https://h/blog/");
        assert_eq!(b("https://h/wp-json/wp/v2/posts"), "https://h/");
        assert_eq!(b("https://h/index.php?rest_route=/"), "https://h/");
        assert_eq!(b("https://h/about/"), "https://h/about/");
    }

    #[test]
    fn link_header_parsing() {
        assert_eq!(
            api_link("<http://h/wp-json/>; rel=\"https://api.w.org/\"").as_deref(),
            Some("http://h/wp-json/")
        );
        assert_eq!(
            api_link("<http://h/?p=1>; rel=shortlink, <http://h/index.php?rest_route=/>; rel=\"https://api.w.org/\"")
                .as_deref(),
            Some("http://h/index.php?rest_route=/")
        );
        assert_eq!(
            api_link(
                "<http://h/wp-json/wp/v2/pages/2>; rel=\"alternate\"; type=\"application/json\""
            ),
            None
        );
    }
}
