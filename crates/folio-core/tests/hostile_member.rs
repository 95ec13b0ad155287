//! A hostile member of the account (DESIGN §3, trust inside an account): an editor granted one
//! site writes straight to the sync socket — not through Folio — to plant, overwrite and delete
//! records of a site they were never granted. The server refuses what it can tell is out of
//! place; what it cannot tell (another site's record under its own id in the granted site's
//! document, a keyword decision by id) reaches the owner's device, which believes none of it.
//! Runs under `scripts/headless.sh` (the owner's session needs the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns: a failed setup should panic

#[path = "support/sync_server.rs"]
mod sync_server;

use automerge::sync::{Message as SyncMessage, State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use folio_core::Folio;
use folio_model::{KeywordFilter, KeywordQuery, NewSite, SiteId};
use folio_server::mail::{MailKind, Mailer, Outbox};
use folio_server::{DatabaseUrl, PasswordHashing, PlanId, ServerConfig};
use folio_sync::{DocId, Frame, Refusal};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = "Hostile-Member-Test-5";
/// Where the hostile editor would like the owner's WordPress password sent.
const ATTACKER: &str = "https://attacker.example";
/// Only a failing test waits this long.
const PATIENCE: Duration = Duration::from_secs(30);

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn post(base: &str, path: &str, token: Option<&str>, body: Value) -> Value {
    let mut req = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

/// The editor's own socket: one document at a time, written by hand.
struct Hostile {
    ws: Ws,
}

impl Hostile {
    async fn connect(base: &str, token: &str) -> Self {
        let url = format!("{}/v1/sync?device=evil", base.replace("http://", "ws://"));
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        Self { ws }
    }

    async fn send(&mut self, frame: Frame) {
        self.ws
            .send(Message::Binary(frame.encode().into()))
            .await
            .unwrap();
    }

    async fn next(&mut self) -> Frame {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("the server answered")
                .unwrap()
                .unwrap();
            if let Message::Binary(b) = msg {
                return Frame::decode(&b).unwrap();
            }
        }
    }

    /// The server's copy of `id`, once it holds a key starting with `prefix`.
    async fn fetch(&mut self, id: DocId, prefix: &str) -> (AutoCommit, State) {
        let (mut doc, mut state) = (AutoCommit::new(), State::new());
        self.send(Frame::Subscribe { docs: vec![id] }).await;
        loop {
            if let Some(m) = doc.sync().generate_sync_message(&mut state) {
                self.send(Frame::Sync {
                    doc: id,
                    message: m.encode(),
                })
                .await;
            }
            if doc.keys(ROOT).any(|k| k.starts_with(prefix)) {
                return (doc, state);
            }
            match self.next().await {
                Frame::Sync { doc: d, message } if d == id => {
                    let m = SyncMessage::decode(&message).unwrap();
                    doc.sync().receive_sync_message(&mut state, m).unwrap();
                }
                Frame::Refused { doc: d, reason } if d == id => panic!("{id}: {reason:?}"),
                _ => {}
            }
        }
    }

    /// Send what `doc` has that the server lacks: `Ok` once the server holds it all, or the
    /// refusal.
    async fn push(
        &mut self,
        id: DocId,
        doc: &mut AutoCommit,
        state: &mut State,
    ) -> Result<(), Refusal> {
        let heads = doc.get_heads();
        loop {
            if let Some(m) = doc.sync().generate_sync_message(state) {
                self.send(Frame::Sync {
                    doc: id,
                    message: m.encode(),
                })
                .await;
            }
            match self.next().await {
                Frame::Refused { doc: d, reason } if d == id => return Err(reason),
                Frame::Sync { doc: d, message } if d == id => {
                    let m = SyncMessage::decode(&message).unwrap();
                    let theirs = m.heads.clone();
                    doc.sync().receive_sync_message(state, m).unwrap();
                    if heads.iter().all(|h| theirs.contains(h)) {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    }
}

fn plant(doc: &mut AutoCommit, key: &str, fields: &serde_json::Map<String, Value>) {
    let rec = doc.put_object(ROOT, key, ObjType::Map).unwrap();
    for (k, v) in fields {
        match v {
            Value::String(s) => doc.put(&rec, k, s.as_str()).unwrap(),
            Value::Number(n) => doc.put(&rec, k, n.as_i64().unwrap()).unwrap(),
            _ => doc.put(&rec, k, automerge::ScalarValue::Null).unwrap(),
        }
    }
}

async fn sectors(folio: &Folio, site: SiteId) -> Vec<String> {
    let mut names: Vec<String> = folio
        .get_site(site)
        .await
        .unwrap()
        .sectors
        .into_iter()
        .map(|s| format!("{} {}", s.id, s.name))
        .collect();
    names.sort();
    names
}

async fn keywords(folio: &Folio, site: SiteId) -> Vec<String> {
    let q = KeywordQuery {
        filter: KeywordFilter::site(site),
        sort: Default::default(),
        limit: 100,
        offset: 0,
    };
    let mut k: Vec<String> = folio
        .list_keywords(&q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|k| k.keyword)
        .collect();
    k.sort();
    k
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_without_a_grant_changes_nothing_of_another_site_on_the_owners_device() {
    sync_server::private_keychain();
    let server_dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new();
    let mut config = ServerConfig::new(DatabaseUrl::in_data_dir(server_dir.path()));
    config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    config.password_hashing = PasswordHashing::InsecureFastForTests;
    config.default_plan = PlanId::Growth;
    config.mailer = Mailer::Outbox(outbox.clone());
    let server = folio_server::serve(config).await.unwrap();
    let base = server.url();

    // The owner: two sites with keywords, synced.
    let dir = tempfile::tempdir().unwrap();
    let owner = Folio::open(dir.path()).await.unwrap();
    let site = |name: &str| NewSite {
        name: name.into(),
        domain: format!("{}.example", name.to_lowercase()),
        sectors: vec![format!("{name} main")],
    };
    let granted = owner.create_site(&site("Granted")).await.unwrap();
    let other = owner.create_site(&site("Other")).await.unwrap();
    for (s, kw) in [(granted.id, "garden hose"), (other.id, "winter boots")] {
        owner
            .import_keywords(
                s,
                None,
                format!("Keyword,Volume\n{kw},500\n").into_bytes(),
                &Default::default(),
            )
            .await
            .unwrap();
    }
    let other_wp = owner
        .connect_site_integration(other.id, "https://other.example")
        .await
        .unwrap();
    let other_sector = owner.get_site(other.id).await.unwrap().sectors[0].clone();
    owner
        .account_register(&base, "owner@example.com", PASSWORD)
        .await
        .unwrap();
    owner.sync_once().await.unwrap();
    let other_sectors = sectors(&owner, other.id).await;
    let other_keywords = keywords(&owner, other.id).await;

    // The editor, invited and granted the first site only.
    let login = post(
        &base,
        "/v1/auth/login",
        None,
        json!({"email": "owner@example.com", "password": PASSWORD}),
    )
    .await;
    let owner_token = login["access_token"].as_str().unwrap().to_owned();
    post(
        &base,
        "/v1/account/invites",
        Some(&owner_token),
        json!({"email": "editor@example.com", "role": "editor"}),
    )
    .await;
    let invite = outbox
        .last_to("editor@example.com", MailKind::Invite)
        .unwrap();
    let editor = post(
        &base,
        "/v1/invites/accept",
        None,
        json!({"token": invite.token, "password": PASSWORD}),
    )
    .await;
    post(
        &base,
        &format!("/v1/sites/{}/grants", granted.id),
        Some(&owner_token),
        json!({"email": "editor@example.com"}),
    )
    .await;
    let mut evil = Hostile::connect(&base, editor["access_token"].as_str().unwrap()).await;

    // 1. Through the account document (every editor may write it): the other site's
    //    WordPress connection repointed and a sector renamed. The server can tell: refused.
    let account = DocId::Account(owner.account_id().as_uuid());
    let (mut doc, mut state) = evil
        .fetch(account, &format!("accounts:{}", owner.account_id()))
        .await;
    let other_doc = DocId::Site(other.id.as_uuid());
    let wp_key = format!("site_integrations:{}", other_wp.id);
    let sector_key = format!("sectors:{}", other_sector.id);
    let mut repointed = serde_json::Map::new();
    for (k, v) in [
        ("id", other_wp.id.to_string()),
        ("site_id", other.id.to_string()),
        ("platform", "wordpress".into()),
        ("external_site_url", ATTACKER.into()),
        ("api_root", format!("{ATTACKER}/wp-json/")),
        ("created_at", "2026-12-07T00:00:00Z".into()),
        ("updated_at", "2026-12-07T00:00:00Z".into()),
    ] {
        repointed.insert(k.into(), Value::String(v));
    }
    plant(&mut doc, &wp_key, &repointed);
    let mut renamed = serde_json::Map::new();
    for (k, v) in [
        ("id", other_sector.id.to_string()),
        ("site_id", other.id.to_string()),
        ("name", "Planted".into()),
        ("name_key", "planted".into()),
        ("created_at", "2026-12-07T00:00:00Z".into()),
    ] {
        renamed.insert(k.into(), Value::String(v));
    }
    // every column a row needs, so nothing but the trust rule stands in the way
    renamed.insert("position".into(), Value::from(0));
    plant(&mut doc, &sector_key, &renamed);
    assert_eq!(
        evil.push(account, &mut doc, &mut state).await,
        Err(Refusal::Misplaced)
    );
    // … nor straight into the other site's own document: no grant.
    evil.send(Frame::Subscribe {
        docs: vec![other_doc],
    })
    .await;
    loop {
        if let Frame::Refused { doc, reason } = evil.next().await {
            assert_eq!((doc, reason), (other_doc, Refusal::Forbidden));
            break;
        }
    }

    // 2. Through the granted site's document: the other site's connection and sector under
    //    their own ids, said to be the granted site's (the server cannot know whose ids they
    //    are). Accepted by the server; the owner's device moves neither row.
    let granted_doc = DocId::Site(granted.id.as_uuid());
    let (mut doc, mut state) = evil
        .fetch(granted_doc, &format!("sites:{}", granted.id))
        .await;
    for (key, fields) in [(&wp_key, &repointed), (&sector_key, &renamed)] {
        let mut moved = fields.clone();
        moved.insert("site_id".into(), Value::String(granted.id.to_string()));
        plant(&mut doc, key, &moved);
    }
    evil.push(granted_doc, &mut doc, &mut state).await.unwrap();

    // 3. Through one of the granted site's keyword buckets: the other site's keyword deleted
    //    by id (decisions name keywords by id only).
    let docs: Value = reqwest::Client::new()
        .get(format!("{base}/v1/docs"))
        .bearer_auth(editor["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bucket: DocId = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["doc_id"].as_str()?.parse::<DocId>().ok())
        .find(|d| matches!(d, DocId::Keywords { site, .. } if *site == granted.id.as_uuid()))
        .unwrap();
    let (mut doc, mut state) = evil
        .fetch(bucket, folio_sync::keyword_batch::BATCH_PREFIX)
        .await;
    let other_keyword =
        folio_sync::keyword_batch::keyword_id(other_sector.id.as_uuid(), "winter boots");
    let decision = doc
        .put_object(
            ROOT,
            format!(
                "{}{other_keyword}",
                folio_sync::keyword_batch::DECISION_PREFIX
            ),
            ObjType::Map,
        )
        .unwrap();
    doc.put(&decision, "deleted", 1).unwrap();
    evil.push(bucket, &mut doc, &mut state).await.unwrap();

    // The owner syncs: everything of the other site is as it was.
    owner.sync_once().await.unwrap();
    assert_eq!(sectors(&owner, other.id).await, other_sectors);
    // (read by a second opening, as the CLI would: this one's keyword index was loaded before)
    let cli = Folio::open(dir.path()).await.unwrap();
    assert_eq!(keywords(&cli, other.id).await, other_keywords);
    let wp = owner.site_integration(other.id).await.unwrap().unwrap();
    assert_eq!(
        (wp.id, wp.site_id, wp.external_site_url.as_str()),
        (other_wp.id, other.id, "https://other.example")
    );
    assert!(owner.site_integration(granted.id).await.unwrap().is_none());
    // A rebuild from the documents alone agrees.
    owner.rebuild_projections().await.unwrap();
    assert_eq!(sectors(&owner, other.id).await, other_sectors);
    assert_eq!(keywords(&owner, other.id).await, other_keywords);
    let wp = owner.site_integration(other.id).await.unwrap().unwrap();
    assert_eq!(wp.external_site_url, "https://other.example");
    server.shutdown().await.unwrap();
}
