//! Where a request may go: the origin (scheme, host, port) an application password is bound to,
//! and the rule that a site is spoken to over https unless it is this very computer (or the
//! person opted in for a site on their own network).
//!
//! Both rules exist because the REST root is synced: a teammate can change it, and the password
//! must never follow it to their server or cross the network in clear text.

use std::net::IpAddr;

use url::{Host, Url};

use crate::error::WpError;

/// `https://example.com` or `http://127.0.0.1:8089`: scheme, host and (non-default) port of an
/// http(s) address, the way browsers compare origins.
pub fn origin_of(address: &str) -> Result<String, WpError> {
    let url = Url::parse(address.trim()).map_err(|e| {
        WpError::other(format!(
            "`{address}` is not a web address ({e}); use e.g. https://example.com/wp-json/"
        ))
    })?;
    url_origin(&url)
}

pub(crate) fn url_origin(url: &Url) -> Result<String, WpError> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(WpError::other(format!(
            "`{url}` is not an http(s) address; use e.g. https://example.com/wp-json/"
        )));
    }
    Ok(url.origin().ascii_serialization())
}

/// This computer: `localhost` (and `*.localhost`), 127.0.0.0/8 and ::1. Nothing else is
/// trusted to carry a password over plain http by default.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Refuses plain http to anything but this computer, unless `allow_insecure` (the connection's
/// own opt-in on this device).
pub(crate) fn check_transport(url: &Url, allow_insecure: bool) -> Result<(), WpError> {
    if url.scheme() == "http" && !allow_insecure && !is_loopback(url) {
        let mut shown = url.clone();
        shown.set_query(None);
        return Err(WpError::InsecureHttp {
            url: shown.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://Example.com/blog/wp-json/").unwrap(),
            "https://example.com"
        );
        assert_eq!(
            origin_of("https://example.com:443/wp-json/").unwrap(),
            "https://example.com"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8089/index.php?rest_route=/").unwrap(),
            "http://127.0.0.1:8089"
        );
        assert_ne!(
            origin_of("http://example.com/wp-json/").unwrap(),
            origin_of("https://example.com/wp-json/").unwrap()
        );
        assert_ne!(
            origin_of("https://example.com:8443/").unwrap(),
            origin_of("https://example.com/").unwrap()
        );
        assert!(origin_of("ftp://example.com/").is_err());
        assert!(origin_of("not a url").is_err());
    }

    #[test]
    fn https_is_required_except_on_this_computer_or_with_the_opt_in() {
        for ok in [
            "https://example.com/wp-json/",
            "http://127.0.0.1:8089/wp-json/",
            "http://127.8.9.10/wp-json/",
            "http://[::1]:8080/wp-json/",
            "http://localhost/wp-json/",
            "http://blog.localhost/wp-json/",
        ] {
            assert!(check_transport(&u(ok), false).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/wp-json/",
            "http://192.168.1.20/wp-json/",
            "http://10.0.0.1/wp-json/",
            "http://localhost.example.com/wp-json/",
            "http://[::2]/wp-json/",
        ] {
            let err = check_transport(&u(bad), false).unwrap_err();
            assert_eq!(err.code(), "insecure_http", "{bad}");
            assert!(err.to_string().contains("--allow-insecure"), "{err}");
            assert!(check_transport(&u(bad), true).is_ok(), "{bad} with opt-in");
        }
    }
}
