//! Which sync server addresses a device talks to: tokens and every synced record travel in the
//! clear over `http://`, so plain HTTP is allowed only to this machine (loopback) or to an
//! address the person allowed on this device for a network they trust (`--allow-insecure`,
//! kept in the device-local `local_meta`, never synced, so no teammate can flip it).
//! Pinned by the unit tests below and `tests/sync_session.rs`.

use crate::{CoreError, Folio};

/// The local setting holding the one `http://` origin this device may sync with.
const META_INSECURE: &str = "sync_allow_insecure_origin";

/// `Ok` when the device may send its session to `url`: `https`, loopback `http`, or the one
/// `http` origin allowed on this device.
pub(crate) fn check(url: &url::Url, allowed: Option<&str>) -> Result<(), CoreError> {
    match url.scheme() {
        "https" => Ok(()),
        // The same "this computer" as for a WordPress site.
        "http" if folio_wordpress::is_loopback(url) => Ok(()),
        "http" if allowed == Some(url.origin().ascii_serialization().as_str()) => Ok(()),
        "http" => Err(CoreError::invalid(
            "server",
            format!(
                "{} is plain HTTP: passwords, tokens and your data would cross the network unencrypted. \
                 Use https:// (run the server behind a TLS reverse proxy, see docs/server.md), or, on a \
                 network you trust, allow this address on this device with --allow-insecure",
                url.origin().ascii_serialization()
            ),
        )),
        _ => Err(CoreError::invalid(
            "server",
            "the server URL must start with https:// (or http:// to this machine)",
        )),
    }
}

impl Folio {
    /// Allow (or with `None` stop allowing) one plain-HTTP sync server address on this device,
    /// for a server on a network the person trusts. Loopback needs no allowing.
    pub async fn allow_insecure_sync_server(&self, server: Option<&str>) -> Result<(), CoreError> {
        match server {
            None => self.delete_meta(META_INSECURE).await,
            Some(server) => {
                let url = url::Url::parse(server.trim()).map_err(|e| {
                    CoreError::invalid("server", format!("{server:?} is not a server URL ({e})"))
                })?;
                self.set_meta(META_INSECURE, &url.origin().ascii_serialization())
                    .await
            }
        }
    }

    pub(crate) async fn insecure_sync_origin(&self) -> Result<Option<String>, CoreError> {
        self.meta(META_INSECURE).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(url: &str, allowed: Option<&str>) -> bool {
        check(&url::Url::parse(url).unwrap(), allowed).is_ok()
    }

    #[test]
    fn plain_http_only_to_this_machine_or_the_allowed_origin() {
        assert!(judged("https://sync.example.com", None));
        for local in [
            "http://127.0.0.1:8787",
            "http://127.8.0.1",
            "http://localhost:8787",
            "http://[::1]:8787",
        ] {
            assert!(judged(local, None), "{local}");
        }
        assert!(!judged("http://192.168.1.20:8787", None));
        assert!(!judged("http://sync.example.com", None));
        assert!(!judged("http://localhost.evil.example", None));
        assert!(judged(
            "http://192.168.1.20:8787/",
            Some("http://192.168.1.20:8787")
        ));
        // the allowance is for one origin: another port or host is not it
        assert!(!judged(
            "http://192.168.1.20:9000",
            Some("http://192.168.1.20:8787")
        ));
        assert!(!judged("ftp://127.0.0.1", None));
    }

    /// An https server is reached over `wss://`: TLS must be built into the socket client
    /// (without it every `wss` connect fails with "TLS support not compiled in"). A listener
    /// that hangs up makes the handshake fail as a TLS/IO error — not for want of TLS.
    #[tokio::test]
    async fn the_sync_socket_speaks_tls() {
        use tokio_tungstenite::tungstenite::error::{Error, UrlError};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            drop(stream);
        });
        let result =
            tokio_tungstenite::connect_async(format!("wss://127.0.0.1:{port}/v1/sync")).await;
        server.await.unwrap();
        match result {
            Err(Error::Url(UrlError::TlsFeatureNotEnabled)) => panic!("TLS is not built in"),
            Err(_) => {}
            Ok(_) => panic!("a listener that hangs up cannot complete a handshake"),
        }
    }
}
