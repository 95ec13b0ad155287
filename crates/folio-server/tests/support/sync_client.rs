//! A sync client for tests: a WebSocket to `/v1/sync` (tokio-tungstenite) and one Automerge
//! document per device, with the small exchanges the tests are written in.
#![allow(dead_code)] // each test file uses a different part of the harness

use crate::support::{doc, Login, TestServer};
use automerge::sync::{Message as SyncMessage, State, SyncDoc};
use automerge::{AutoCommit, ChangeHash, ReadDoc, ROOT};
use folio_sync::{DocId, Frame, Refusal};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a side waits for the other before the exchange counts as finished.
pub const QUIET: Duration = Duration::from_millis(250);
/// The longest a test waits for what must come (an answer, a push, convergence). Only a failing
/// test waits this long, so it is generous: a loaded machine can stall a process for seconds.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub async fn connect(
    t: &TestServer,
    token: Option<&str>,
    device: Option<&str>,
) -> Result<Ws, tungstenite::Error> {
    let mut url = format!("{}/v1/sync", t.base.replace("http://", "ws://"));
    if let Some(d) = device {
        url.push_str(&format!("?device={d}"));
    }
    let mut req = url.into_client_request().unwrap();
    if let Some(tok) = token {
        req.headers_mut()
            .insert("authorization", format!("Bearer {tok}").parse().unwrap());
    }
    tokio_tungstenite::connect_async(req)
        .await
        .map(|(ws, _)| ws)
}

/// The HTTP status a refused upgrade got.
pub async fn refused_status(t: &TestServer, token: Option<&str>, device: Option<&str>) -> u16 {
    match connect(t, token, device).await {
        Err(tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Ok(_) => panic!("the upgrade was accepted"),
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// One device: its connection, its copy of one document, and its sync state with the server.
pub struct Device {
    pub ws: Ws,
    pub id: DocId,
    pub doc: AutoCommit,
    pub state: State,
    /// Bytes of frames sent and received.
    pub bytes: usize,
    pub refusals: Vec<Refusal>,
}

impl Device {
    pub async fn connect(
        t: &TestServer,
        who: &Login,
        device: &str,
        id: DocId,
        doc: AutoCommit,
    ) -> Self {
        Self::with_state(t, who, device, id, doc, State::new()).await
    }

    pub async fn with_state(
        t: &TestServer,
        who: &Login,
        device: &str,
        id: DocId,
        doc: AutoCommit,
        state: State,
    ) -> Self {
        let ws = connect(t, Some(&who.access), Some(device)).await.unwrap();
        Self {
            ws,
            id,
            doc,
            state,
            bytes: 0,
            refusals: Vec::new(),
        }
    }

    pub async fn send(&mut self, frame: Frame) {
        let bytes = frame.encode();
        self.bytes += bytes.len();
        self.ws.send(Message::Binary(bytes.into())).await.unwrap();
    }

    /// The next frame, or `None` if the server is quiet for `wait` or closed the socket.
    pub async fn recv(&mut self, wait: Duration) -> Option<Frame> {
        loop {
            match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) | Ok(None) | Ok(Some(Ok(Message::Close(_)))) => return None,
                Ok(Some(Ok(Message::Binary(b)))) => {
                    self.bytes += b.len();
                    return Some(Frame::decode(&b).unwrap());
                }
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(e))) => panic!("socket error: {e}"),
            }
        }
    }

    pub async fn subscribe(&mut self) {
        self.send(Frame::Subscribe {
            docs: vec![self.id],
        })
        .await;
    }

    pub fn handle(&mut self, frame: Frame) {
        match frame {
            Frame::Sync { doc, message } if doc == self.id => {
                let m = SyncMessage::decode(&message).unwrap();
                self.doc
                    .sync()
                    .receive_sync_message(&mut self.state, m)
                    .unwrap();
            }
            Frame::Refused { doc, reason } if doc == self.id => self.refusals.push(reason),
            other => panic!("unexpected frame {other:?}"),
        }
    }

    /// Whether the server has said it holds exactly our heads. A message of ours may still be
    /// in flight: the last one of an exchange only tells the server we have its heads, and the
    /// server, with nothing to add, does not answer it (waiting for an answer would wait until
    /// the deadline). Before the server's first message there is nothing to agree with, even
    /// for an empty document.
    pub fn converged(&mut self) -> bool {
        let mut ours = self.doc.get_heads();
        ours.sort();
        let theirs = self.state.their_heads.clone().map(|mut heads| {
            heads.sort();
            heads
        });
        theirs == Some(ours)
    }

    /// Exchange messages until neither side has anything more to say. A quiet spell ends it
    /// once the peers agree, or once the server refused the document (it says nothing more of
    /// it). Before that it keeps listening, so timing alone never ends a sync early; it fails
    /// after [`PATIENCE`].
    pub async fn sync(&mut self) {
        let give_up = tokio::time::Instant::now() + PATIENCE;
        let refused = self.refusals.len();
        loop {
            let mut active = false;
            let next = self.doc.sync().generate_sync_message(&mut self.state);
            if let Some(m) = next {
                self.send(Frame::Sync {
                    doc: self.id,
                    message: m.encode(),
                })
                .await;
                active = true;
            }
            match self.recv(QUIET).await {
                Some(frame) => self.handle(frame),
                None if !active && (self.converged() || self.refusals.len() > refused) => return,
                None => assert!(
                    tokio::time::Instant::now() < give_up,
                    "the sync did not converge within {PATIENCE:?}"
                ),
            }
        }
    }

    /// Send this device's new local changes and return the server's answer to the message that
    /// carries them (a refusal, or its sync reply). The first message after an edit may carry
    /// none: automerge leaves out every change the server's last Bloom filter claims to hold,
    /// and about 1% of the time that is a false positive. The server's answer then asks for the
    /// change by hash (`need`), which the next message sends; so a device that answers, as
    /// every real one does, always gets its changes out, and so does this.
    pub async fn send_changes(&mut self) -> Frame {
        // One message, or two after a false positive: the second is driven by `need`, which
        // no Bloom filter touches.
        for _ in 0..2 {
            let m = self
                .doc
                .sync()
                .generate_sync_message(&mut self.state)
                .expect("a local change to send");
            let carries_changes = !m.changes.is_empty();
            self.send(Frame::Sync {
                doc: self.id,
                message: m.encode(),
            })
            .await;
            let answer = self.recv(PATIENCE).await.expect("no answer");
            if carries_changes || matches!(answer, Frame::Refused { .. }) {
                return answer;
            }
            self.handle(answer);
        }
        panic!("the server did not ask for the changes its Bloom filter hid");
    }

    /// Listen until `done` holds, for at most [`PATIENCE`], answering what arrives as a device
    /// does. The device sends nothing first, so whatever it gets was pushed. It answers because
    /// a push may announce changes without carrying them (automerge leaves out those the
    /// device's last Bloom filter claims to hold, about 1% of the time wrongly), and only the
    /// answer asks for them.
    pub async fn listen_until(&mut self, done: impl Fn(&AutoCommit) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(&self.doc) {
            assert!(tokio::time::Instant::now() < deadline, "nothing arrived");
            if let Some(frame) = self.recv(QUIET).await {
                self.handle(frame);
                let answer = self.doc.sync().generate_sync_message(&mut self.state);
                if let Some(m) = answer {
                    self.send(Frame::Sync {
                        doc: self.id,
                        message: m.encode(),
                    })
                    .await;
                }
            }
        }
    }

    /// Send a frame if the socket still takes it: the server may already have closed it.
    pub async fn try_send(&mut self, frame: Frame) {
        let _ = self.ws.send(Message::Binary(frame.encode().into())).await;
    }

    /// Wait (at most [`PATIENCE`]) for the server to close the socket; its close code. Frames
    /// before the close are collected in `skipped`.
    pub async fn expect_close(&mut self) -> (u16, Vec<Frame>) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut skipped = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.ws.next()).await {
                Err(_) => panic!("the server did not close the socket within {PATIENCE:?}"),
                Ok(Some(Ok(Message::Close(Some(frame))))) => {
                    return (u16::from(frame.code), skipped)
                }
                Ok(Some(Ok(Message::Close(None)))) => return (1005, skipped),
                Ok(Some(Ok(Message::Binary(b)))) => skipped.push(Frame::decode(&b).unwrap()),
                Ok(Some(Ok(_))) => {}
                Ok(None) => panic!("the socket ended without a close frame"),
                Ok(Some(Err(e))) => panic!("socket error before the close: {e}"),
            }
        }
    }

    pub async fn expect_refusal(&mut self) -> Refusal {
        let frame = self.recv(PATIENCE).await.expect("no answer");
        match frame {
            Frame::Refused { doc, reason } if doc == self.id => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}

pub fn get_str(doc: &AutoCommit, key: &str) -> Option<String> {
    doc.get(ROOT, key)
        .unwrap()
        .and_then(|(v, _)| v.into_string().ok())
}

pub fn body_text(doc: &AutoCommit) -> String {
    let (_, body) = doc.get(ROOT, "body").unwrap().unwrap();
    doc.text(&body).unwrap()
}

/// The server's stored heads of a document (empty if it holds nothing).
pub async fn server_heads(t: &TestServer, id: &DocId) -> Vec<ChangeHash> {
    match t.server.store().load_doc(id).await.unwrap() {
        Some(mut stored) => stored.doc.get_heads(),
        None => Vec::new(),
    }
}

/// A sync message from `doc` that carries its changes (what a device sends once it knows the
/// other side lacks them): made against a blank local peer.
pub fn message_with_changes(doc: &mut AutoCommit) -> Vec<u8> {
    let (mut mine, mut theirs, mut blank) = (State::new(), State::new(), AutoCommit::new());
    loop {
        let m = doc.sync().generate_sync_message(&mut mine).unwrap();
        if !m.changes.is_empty() {
            return m.encode();
        }
        blank.sync().receive_sync_message(&mut theirs, m).unwrap();
        if let Some(reply) = blank.sync().generate_sync_message(&mut theirs) {
            doc.sync().receive_sync_message(&mut mine, reply).unwrap();
        }
    }
}

pub async fn site_doc(t: &TestServer, owner: &Login) -> (String, DocId) {
    let site = t.add_site(owner, "Garden").await;
    let id = t.add_doc(owner, &format!("site/{site}"), None).await;
    (site, doc(&id))
}
