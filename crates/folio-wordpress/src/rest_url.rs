//! Building endpoint URLs from a REST root in either of its two forms: `…/wp-json/` (pretty
//! permalinks) and `…/index.php?rest_route=/` (plain permalinks), where the route is a query
//! value and every further parameter must be joined with `&`.

use url::Url;

use crate::error::WpError;

/// A validated REST root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiRoot {
    url: Url,
    /// The root is `?rest_route=/`: routes go into the query, not the path.
    query_form: bool,
}

impl ApiRoot {
    pub(crate) fn parse(root: &str) -> Result<Self, WpError> {
        let mut url = Url::parse(root.trim()).map_err(|e| {
            WpError::other(format!(
                "`{root}` is not a valid WordPress REST address ({e}); use the address discovery found, e.g. https://example.com/wp-json/"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WpError::other(format!(
                "`{root}` is not an http(s) address; use e.g. https://example.com/wp-json/"
            )));
        }
        // Credentials belong in the Authorization header, never in a URL that may be logged.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_fragment(None);
        let query_form = url.query_pairs().any(|(k, _)| k == "rest_route");
        if !query_form && !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self { url, query_form })
    }

    pub(crate) fn as_str(&self) -> &str {
        self.url.as_str()
    }

    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// `route` like `wp/v2/posts` (a leading `/` is fine); `params` are added URL-encoded.
    pub(crate) fn endpoint(&self, route: &str, params: &[(&str, &str)]) -> Url {
        let route = route.trim_start_matches('/');
        let mut url = self.url.clone();
        if self.query_form {
            let others: Vec<(String, String)> = self
                .url
                .query_pairs()
                .filter(|(k, _)| k != "rest_route")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            // The route is kept literal (slashes unescaped), as WordPress itself writes it.
            let mut query = format!("rest_route=/{}", encode_route(route));
            let mut tail = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &others {
                tail.append_pair(k, v);
            }
            for (k, v) in params {
                tail.append_pair(k, v);
            }
            let tail = tail.finish();
            if !tail.is_empty() {
                query.push('&');
                query.push_str(&tail);
            }
            url.set_query(Some(&query));
        } else {
            let path = format!("{}{}", self.url.path(), encode_route(route));
            url.set_path(&path);
            if !params.is_empty() {
                url.query_pairs_mut().extend_pairs(params);
            }
        }
        url
    }
}

/// Routes are built by this crate from fixed segments and numbers, but a slug could hold
/// anything, so escape whatever is not a plain path character.
fn encode_route(route: &str) -> String {
    let mut out = String::with_capacity(route.len());
    for b in route.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pretty_root_appends_route_to_path_and_params_with_question_mark() {
        let root = ApiRoot::parse("http://h/wp-json/").unwrap();
        assert_eq!(
            root.endpoint("wp/v2/posts", &[]).as_str(),
            "http://h/wp-json/wp/v2/posts"
        );
        assert_eq!(
            root.endpoint("/wp/v2/posts", &[("slug", "a b&c"), ("status", "any")])
                .as_str(),
            "http://h/wp-json/wp/v2/posts?slug=a+b%26c&status=any"
        );
        // A saved root without its trailing slash still joins correctly.
        let root = ApiRoot::parse("https://h/blog/wp-json").unwrap();
        assert_eq!(root.as_str(), "https://h/blog/wp-json/");
        assert_eq!(
            root.endpoint("wp/v2/users/me", &[("context", "edit")])
                .as_str(),
            "https://h/blog/wp-json/wp/v2/users/me?context=edit"
        );
    }

    #[test]
    fn query_root_puts_route_in_rest_route_and_joins_params_with_ampersand() {
        let root = ApiRoot::parse("http://h/index.php?rest_route=/").unwrap();
        assert_eq!(
            root.endpoint("wp/v2/posts", &[]).as_str(),
            "http://h/index.php?rest_route=/wp/v2/posts"
        );
        assert_eq!(
            root.endpoint("/wp/v2/tags", &[("per_page", "100"), ("page", "2")])
                .as_str(),
            "http://h/index.php?rest_route=/wp/v2/tags&per_page=100&page=2"
        );
        let root = ApiRoot::parse("http://h/?rest_route=/").unwrap();
        assert_eq!(
            root.endpoint("wp/v2/posts/7", &[("context", "edit")])
                .as_str(),
            "http://h/?rest_route=/wp/v2/posts/7&context=edit"
        );
        // Only rest_route is rewritten; parameters the site put in its root survive.
        let root = ApiRoot::parse("http://h/index.php?lang=pt&rest_route=/").unwrap();
        assert_eq!(
            root.endpoint("wp/v2/posts", &[("a", "1")]).as_str(),
            "http://h/index.php?rest_route=/wp/v2/posts&lang=pt&a=1"
        );
    }

    #[test]
    fn credentials_in_the_root_are_dropped() {
        let root = ApiRoot::parse("https://me:secret@h/wp-json/").unwrap();
        assert_eq!(root.as_str(), "https://h/wp-json/");
        assert!(ApiRoot::parse("ftp://h/").is_err());
        assert!(ApiRoot::parse("not a url").is_err());
    }
}
