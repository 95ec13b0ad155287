//! The end-to-end harness: starts `tauri-driver` (which drives WebKitWebDriver, which launches the
//! real `folio-app` binary) and hands out WebDriver sessions on the app's window.
//!
//! Needs an X display (the test command runs everything under `xvfb-run`), `tauri-driver` on PATH
//! (or `TAURI_DRIVER`) and `WebKitWebDriver` (Debian's `webkit2gtk-driver`).

use anyhow::{bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use std::ffi::OsStr;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any single UI expectation may take before the test fails.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the app may take from launch to deciding where it starts.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Whether the end-to-end tests can run here. Outside CI a machine without a display skips them
/// with a note; in CI (CI=true) a missing display is a failure, so the suite cannot pass vacuously.
pub fn display_available() -> Result<bool> {
    if std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty()) {
        return Ok(true);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        bail!("DISPLAY is not set in CI: run the tests through scripts/test.sh (it starts Xvfb)");
    }
    eprintln!("skipping the end-to-end test: no DISPLAY (scripts/test.sh runs it under Xvfb)");
    Ok(false)
}

/// The directory of the running test executable's profile (`target/debug`), where cargo puts the
/// workspace binaries.
pub fn profile_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("locating the test executable")?;
    // target/debug/deps/e2e_sites-… → target/debug
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .context("the test executable is not inside a cargo target directory")
}

/// The app binary under test: `APP_BINARY`, else `folio-app` next to this test's profile.
pub fn app_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("APP_BINARY") {
        Some(p) => PathBuf::from(p),
        None => profile_dir()?.join("folio-app"),
    };
    if !path.is_file() {
        bail!(
            "app binary {} not found: build it first (scripts/test.sh does: cargo build -p folio-app)",
            path.display()
        );
    }
    Ok(path)
}

/// Where screenshots and other artifacts for people to look at go: `FOLIO_E2E_ARTIFACTS`, else
/// `<target>/e2e`.
pub fn artifacts_dir() -> Result<PathBuf> {
    let dir = match std::env::var_os("FOLIO_E2E_ARTIFACTS") {
        Some(p) => PathBuf::from(p),
        None => profile_dir()?
            .parent()
            .context("no target directory above the profile")?
            .join("e2e"),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// A running tauri-driver. Dropping it stops it with SIGTERM: tauri-driver only reaps its
/// WebKitWebDriver child on SIGTERM/SIGINT, and a stray one would squat on the native port.
pub struct Driver {
    child: Child,
    port: u16,
    data_dir: PathBuf,
}

impl Driver {
    /// Start tauri-driver on free loopback ports; apps it launches use `data_dir`.
    pub async fn start(data_dir: &Path) -> Result<Self> {
        Self::start_with_env(data_dir, &[]).await
    }

    /// Like [`Driver::start`], with extra environment for the apps it launches (for example
    /// `FOLIO_PICK_FILE`, which answers the native file dialog that WebDriver cannot click).
    pub async fn start_with_env(data_dir: &Path, env: &[(&str, &OsStr)]) -> Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let program = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let child = Command::new(&program)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("FOLIO_DATA_DIR", data_dir)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| {
                format!(
                    "starting {} (install it with scripts/setup.sh)",
                    Path::new(&program).display()
                )
            })?;
        let driver = Self {
            child,
            port,
            data_dir: data_dir.to_path_buf(),
        };
        let deadline = Instant::now() + UI_TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on 127.0.0.1:{port} within {UI_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(driver)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Launch the app and open a WebDriver session on its window, past the first-run path: on
    /// an empty data directory the app opens on `#welcome`, and this presses *Skip setup* as a
    /// person who knows the app would (remembered on the data directory), so every test starts
    /// where it always did. `tests/e2e_first_run.rs` uses [`Driver::launch_window`] instead.
    pub async fn launch_app(&self) -> Result<Client> {
        let client = self.launch_window().await?;
        skip_first_run(&client).await?;
        Ok(client)
    }

    /// Launch the app and open a WebDriver session on its window, as it opens.
    pub async fn launch_window(&self) -> Result<Client> {
        let app = app_binary()?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .context("opening a WebDriver session on the app")?;
        Ok(client)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() > deadline => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

/// Where a freshly launched app decided to start: `.shell[data-first-run]` once it is no longer
/// `checking` (`welcome` or `app`).
pub async fn wait_for_start(client: &Client) -> Result<String> {
    // A cold start (the web process, the wasm compiled, the first answers) on a loaded machine
    // takes longer than a step within a page.
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(el) = client.find(Locator::Css(".shell[data-first-run]")).await {
            if let Ok(Some(v)) = el.attr("data-first-run").await {
                if v != "checking" {
                    return Ok(v);
                }
            }
        }
        if Instant::now() > deadline {
            bail!("the app did not decide where it starts (.shell[data-first-run])");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Once the app has decided where it starts: if it opened the first-run path, *Skip setup* and
/// wait for the normal app.
pub async fn skip_first_run(client: &Client) -> Result<()> {
    let start = wait_for_start(client).await?;
    if start != "welcome" {
        return Ok(());
    }
    // The path's page renders once the frame has moved to `#welcome` and re-renders as its
    // lists arrive: a click WebDriver refuses meanwhile is tried again. Pressed once, it is only
    // waited for (a second press would move the window to Sites again later, under the test).
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut pressed = false;
    let mut last = String::from("#first-run-skip never appeared");
    loop {
        match client.find_all(Locator::Css("#first-run")).await {
            Ok(found) if found.is_empty() && pressed => return Ok(()),
            Ok(found) if found.is_empty() || pressed => {}
            Ok(_) => match client.find(Locator::Css("#first-run-skip")).await {
                Ok(button) => match button.click().await {
                    Ok(()) => pressed = true,
                    Err(e) => last = e.to_string(),
                },
                Err(e) => last = e.to_string(),
            },
            Err(e) => last = e.to_string(),
        }
        if Instant::now() > deadline {
            bail!("Skip setup did not leave the first-run path (#first-run); last: {last}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Wait until the element matching `css` exists and its text satisfies `ok`; return that text.
pub async fn wait_for_text(
    client: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> Result<String> {
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut last = None;
    loop {
        if let Ok(el) = client.find(Locator::Css(css)).await {
            if let Ok(text) = el.text().await {
                if ok(&text) {
                    return Ok(text);
                }
                last = Some(text);
            }
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {what} ({css}); last text: {last:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The trimmed `textContent` of every element matching `css`, in document order.
/// (`textContent` rather than WebDriver's rendered text, which WebKitWebDriver reports as empty for
/// some clipped elements that are plainly visible on screen.)
pub async fn texts(client: &Client, css: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(css)).await? {
        out.push(
            el.prop("textContent")
                .await?
                .unwrap_or_default()
                .trim()
                .to_owned(),
        );
    }
    Ok(out)
}

/// Wait until the trimmed `textContent`s of every element matching `css` satisfy `ok` (see
/// [`texts`]); return them.
pub async fn wait_for_texts(
    client: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>> {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        // Elements can be replaced between finding and reading them; that is just "not yet".
        let last = texts(client, css).await.unwrap_or_default();
        if ok(&last) {
            return Ok(last);
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {what} ({css}); last texts: {last:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until the element matching `css` has attribute `name` equal to `value`.
pub async fn wait_for_attr(client: &Client, css: &str, name: &str, value: &str) -> Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    let mut last = None;
    loop {
        if let Ok(el) = client.find(Locator::Css(css)).await {
            if let Ok(v) = el.attr(name).await {
                if v.as_deref() == Some(value) {
                    return Ok(());
                }
                last = v;
            }
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {css} [{name}={value:?}]; last: {last:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Act on the element matching `css` once it exists: a page renders its title before its list
/// arrives from core, and Yew may replace an element between finding and using it, so a missing,
/// stale or not yet usable element is "not yet" until [`UI_TIMEOUT`]; any other WebDriver error
/// is returned.
async fn with_element<T, F, Fut>(client: &Client, css: &str, what: &str, act: F) -> Result<T>
where
    F: Fn(Element) -> Fut,
    Fut: std::future::Future<Output = Result<T, CmdError>>,
{
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let err = match client.find(Locator::Css(css)).await {
            Ok(el) => match act(el).await {
                Ok(out) => return Ok(out),
                Err(e) => e,
            },
            Err(e) => e,
        };
        // an input Yew is re-rendering (or has disabled while the page loads) is not yet
        // usable either
        let not_yet = err.is_no_such_element()
            || err.is_stale_element_reference()
            || err.is_element_not_interactable()
            || err.is_invalid_element_state();
        if !not_yet {
            return Err(err).with_context(|| format!("{what} {css}"));
        }
        if Instant::now() > deadline {
            return Err(err).with_context(|| format!("timed out {what} {css}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `words` words of filler text drawn from `vocabulary` by a generator seeded with `topic`:
/// different topics share no run of five words, so the quality gate's repetition check (which
/// blocks) sees distinct parts, as it would from a real model.
pub fn prose(vocabulary: &[&str], topic: &str, words: usize) -> String {
    let mut state = topic.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut out = Vec::with_capacity(words);
    for i in 0..words {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let word = vocabulary[(state >> 33) as usize % vocabulary.len()];
        out.push(if i % 12 == 11 || i + 1 == words {
            format!("{word}.")
        } else {
            word.to_owned()
        });
    }
    out.join(" ")
}

/// A keychain service no other run (or the person's own Folio) uses: `folio-e2e-{name}-…`.
pub fn keychain_service(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("folio-e2e-{name}-{}-{nanos}", std::process::id())
}

/// In Settings, point OpenAI at `base_url` and save `key`, as a person does (from any page).
pub async fn set_up_openai(client: &Client, base_url: &str, key: &str) -> Result<()> {
    click(client, "#nav-settings").await?;
    wait_for_text(client, "#provider-openai h3", "the OpenAI row", |t| {
        t == "OpenAI"
    })
    .await?;
    type_into(client, "#provider-openai-url", base_url).await?;
    click(client, "#provider-openai-save-url").await?;
    wait_for_text(
        client,
        "#provider-openai-notice",
        "the address saved",
        |t| t == "Address saved.",
    )
    .await?;
    type_into(client, "#provider-openai-key", key).await?;
    click(client, "#provider-openai-save-key").await?;
    wait_for_text(
        client,
        "#provider-openai-key-state",
        "the key, masked",
        |t| t.starts_with("key: sk-…"),
    )
    .await?;
    Ok(())
}

/// Replace the content of an input the way a person would: clear it, then type.
pub async fn type_into(client: &Client, css: &str, text: &str) -> Result<()> {
    with_element(client, css, "typing into", |el| async move {
        el.clear().await?;
        el.send_keys(text).await
    })
    .await
}

/// Click the element matching `css`, waiting for it to appear.
pub async fn click(client: &Client, css: &str) -> Result<()> {
    with_element(
        client,
        css,
        "clicking",
        |el| async move { el.click().await },
    )
    .await
}

/// Keeps one corner pixel of the page changing on every frame (an all-but-transparent shade),
/// outside the app's own nodes, until [`STOP_DRAWING`] removes it.
const KEEP_DRAWING: &str = r"
    if (document.getElementById('folio-e2e-paint')) return;
    const px = document.createElement('div');
    px.id = 'folio-e2e-paint';
    px.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
    document.documentElement.appendChild(px);
    let on = false;
    const tick = () => {
      if (!px.isConnected) return;
      on = !on;
      px.style.background = on ? 'rgba(0,0,0,0.01)' : 'rgba(0,0,0,0.02)';
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);";
const STOP_DRAWING: &str = "document.getElementById('folio-e2e-paint')?.remove();";

/// Save a screenshot of the window under the artifacts directory; returns its path.
///
/// WebKit takes a WebDriver screenshot after the page's next drawing, and a page that draws
/// without accelerated compositing is not drawn again while nothing on it changes: the
/// screenshot of an idle page then waits until something does (in `e2e_account_sync`, the
/// access token expiring 15 minutes later). So a pixel keeps changing until the screenshot is
/// taken; that next drawing also has every change made before this call.
pub async fn screenshot(client: &Client, name: &str) -> Result<PathBuf> {
    client.execute(KEEP_DRAWING, vec![]).await?;
    let png = client.screenshot().await;
    client.execute(STOP_DRAWING, vec![]).await?;
    let png = png?;
    let path = artifacts_dir()?.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// The DOM property `name` (`value`, `checked`, `disabled`…) of every element matching `css`, in
/// document order; a missing property reads as an empty string.
pub async fn props(client: &Client, css: &str, name: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(css)).await? {
        out.push(el.prop(name).await?.unwrap_or_default());
    }
    Ok(out)
}

/// Wait until the DOM property `name` of every element matching `css` satisfies `ok` (see
/// [`props`]); return them. Use it for what typing changes: an input's `value` is a property, not
/// text.
pub async fn wait_for_props(
    client: &Client,
    css: &str,
    name: &str,
    what: &str,
    ok: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>> {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let last = props(client, css, name).await.unwrap_or_default();
        if ok(&last) {
            return Ok(last);
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {what} ({css} .{name}); last: {last:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until nothing matches `css` (a closed dialog, a cleared error).
pub async fn wait_gone(client: &Client, css: &str, what: &str) -> Result<()> {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        if client.find_all(Locator::Css(css)).await?.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {what} ({css}) to go away");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Type into the element matching `css` without clearing it first; `text` may hold WebDriver
/// keys such as `fantoccini::key::Key::Enter` (as a `char`).
pub async fn send_keys(client: &Client, css: &str, text: &str) -> Result<()> {
    with_element(client, css, "sending keys to", |el| async move {
        el.send_keys(text).await
    })
    .await
}

/// A valid 1×1 PNG (an image file the tests attach).
pub const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];
