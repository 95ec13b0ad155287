//! Sync performance targets, printed as figures (run under the headless wrapper, which provides
//! the OS keychain the session needs: `scripts/headless.sh cargo bench -p folio-core --bench sync`).
//!
//! - P4a: a fresh device pulls an account with 100k keywords and 1k articles from a server on
//!   loopback (goal ≤ 5 s).
//! - P4b: one edit's latency device → server → device, p50/p95 over 200 edits (goal p95 ≤ 100 ms).
//! - P4c: server memory with 500 idle connected clients (goal < 1 GB). The server runs in this
//!   process, so the figure is this process's RSS growth, clients' sockets included: an upper
//!   bound for the server alone.
//!
//! `FOLIO_BENCH_ROWS`, `FOLIO_BENCH_ARTICLES` and `FOLIO_BENCH_CLIENTS` change the sizes.

use folio_core::Folio;
use folio_model::{ContentUpdate, NewContent, NewSite};
use folio_server::{DatabaseUrl, PasswordHashing, ServerConfig};
use folio_sync::{DocId, Frame};
use futures_util::{SinkExt, StreamExt};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const PASSWORD: &str = "Bench-Password-1234";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn keyword_file(rows: usize) -> Vec<u8> {
    let words = [
        "garden", "hoe", "best", "cheap", "organic", "soil", "seeds", "tomato", "raised", "bed",
        "compost", "grow", "indoor", "plants", "lawn", "mower", "review", "pruning", "shears",
    ];
    let mut out = String::from("Keyword,Volume,Keyword Difficulty,CPC\n");
    let mut x: u64 = 42;
    for i in 0..rows {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = words[(x >> 33) as usize % words.len()];
        let b = words[(x >> 40) as usize % words.len()];
        let _ = writeln!(
            out,
            "{a} {b} {i},{},{},{}.{:02}",
            (x >> 20) % 50_000,
            (x >> 10) % 100,
            (x >> 5) % 9,
            x % 100
        );
    }
    out.into_bytes()
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let rows = env_usize("FOLIO_BENCH_ROWS", 100_000);
    let articles = env_usize("FOLIO_BENCH_ARTICLES", 1_000);
    let clients = env_usize("FOLIO_BENCH_CLIENTS", 500);
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init();
    }
    std::env::set_var(
        "FOLIO_KEYCHAIN_SERVICE",
        format!("folio-bench-{}", uuid::Uuid::now_v7()),
    );

    let server_dir = tempfile::tempdir()?;
    let mut config = ServerConfig::new(DatabaseUrl::in_data_dir(server_dir.path()));
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.password_hashing = PasswordHashing::InsecureFastForTests;
    let server = folio_server::serve(config).await?;
    let url = server.url();

    // Device A builds the account and uploads it.
    let dir_a = tempfile::tempdir()?;
    let a = Folio::open(dir_a.path()).await?;
    let site = a
        .create_site(&NewSite {
            name: "Bench site".into(),
            domain: "bench.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await?;
    let t = Instant::now();
    a.import_keywords(site.id, None, keyword_file(rows), &Default::default())
        .await?;
    println!(
        "setup: imported {rows} keywords in {:.0} ms",
        ms(t.elapsed())
    );
    let t = Instant::now();
    let mut first = None;
    for i in 0..articles {
        let c = a
            .add_content(NewContent {
                site: site.id,
                sector: None,
                title: format!("Article number {i}"),
                body_html: Some(format!(
                    "<p>Body of article {i}.</p><p>{}</p>",
                    "Some text. ".repeat(60)
                )),
            })
            .await?;
        first.get_or_insert(c.id);
    }
    println!(
        "setup: wrote {articles} articles in {:.0} ms",
        ms(t.elapsed())
    );
    a.account_register(&url, "bench@example.com", PASSWORD)
        .await?;
    let t = Instant::now();
    let up = a.sync_once().await?;
    println!(
        "setup: first upload of {} documents in {:.0} ms",
        up.documents,
        ms(t.elapsed())
    );

    // P4a: a fresh device pulls everything.
    let dir_b = tempfile::tempdir()?;
    let b = Folio::open(dir_b.path()).await?;
    b.account_login(&url, "bench@example.com", PASSWORD).await?;
    b.close().await;
    let b = Folio::open(dir_b.path()).await?;
    let t = Instant::now();
    let pulled = b.sync_once().await?;
    let pull = t.elapsed();
    let got = b.list_content(site.id).await?.len();
    println!(
        "P4a pull: {} documents ({} keywords, {got} articles) in {:.0} ms (goal <= 5000 ms)",
        pulled.documents,
        rows,
        ms(pull)
    );

    // P4b: edits on A reach B while both watch.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (wa, wb) = (a.clone(), b.clone());
    let (ra, rb) = (stop_rx.clone(), stop_rx.clone());
    let ha = tokio::spawn(async move { wa.sync_watch(ra, |_| {}).await });
    let hb = tokio::spawn(async move { wb.sync_watch(rb, |_| {}).await });
    tokio::time::sleep(Duration::from_secs(3)).await;
    let article = first.ok_or("no article")?;
    let mut changes = b.changes();
    let mut lat = Vec::new();
    for i in 0..200 {
        let title = format!("Edited title {i}");
        let t = Instant::now();
        a.update_content(
            article,
            ContentUpdate {
                title: Some(title.clone()),
                ..Default::default()
            },
        )
        .await?;
        loop {
            tokio::time::timeout(Duration::from_secs(10), changes.changed()).await??;
            if b.get_content(article).await?.title == title {
                break;
            }
        }
        lat.push(t.elapsed());
    }
    lat.sort();
    let p = |q: f64| ms(lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)]);
    println!("P4b edit latency A -> server -> B over {} edits: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (goal p95 <= 100 ms)", lat.len(), p(0.5), p(0.95), p(1.0));
    let _ = stop_tx.send(true);
    let _ = ha.await;
    let _ = hb.await;

    // P4c: idle clients, each subscribed to the account's site document.
    let login: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/v1/auth/login"))
        .json(&serde_json::json!({"email": "bench@example.com", "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .ok_or("no token")?
        .to_string();
    let before = rss_kib();
    let mut sockets = Vec::new();
    for i in 0..clients {
        let mut req = format!("{}/v1/sync?device=idle{i}", url.replacen("http", "ws", 1))
            .into_client_request()?;
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
        let sub = Frame::Subscribe {
            docs: vec![DocId::Site(site.id.0)],
        };
        ws.send(Message::Binary(sub.encode().into())).await?;
        // the server's first sync message for the subscription
        let _ = tokio::time::timeout(Duration::from_secs(5), ws.next()).await;
        sockets.push(ws);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib();
    println!(
        "P4c {clients} idle clients: RSS {:.0} MiB -> {:.0} MiB (+{:.1} MiB, {:.1} KiB per client; goal server < 1024 MiB)",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / clients.max(1) as f64
    );
    drop(sockets);
    a.account_logout().await?;
    b.account_logout().await?;
    server.shutdown().await?;
    Ok(())
}
