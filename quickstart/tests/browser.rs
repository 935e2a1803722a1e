//! The backend's page in a real browser: Debian's Chromium, headless, driven over the Chrome
//! DevTools Protocol. Offline (the SDK's mock in-process), it connects an account with the
//! sandbox button, opens every panel of the products below with a mouse click, asserts that
//! each shows data and not an error, and saves a screenshot
//! (`$CARGO_TARGET_TMPDIR/quickstart-browser.png`, or `QUICKSTART_SCREENSHOT`).
//!
//! `CHROMIUM` names the browser (default `/usr/bin/chromium`; `.ci/run` installs Debian's).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use plaid_quickstart::settings::Settings;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

/// The products the drive covers.
const PRODUCTS: &str = "auth,transactions,signal,identity,investments,liabilities,assets,statements,transfer";

/// The panels those products show, as the page names them by route.
const PANELS: &[&str] = &[
    "auth",
    "transactions",
    "identity",
    "balance",
    "holdings",
    "investments_transactions",
    "liabilities",
    "assets",
    "statements",
    "transfer_authorize",
    "transfer_create",
    "signal_evaluate",
    "item",
    "accounts",
];

/// Longest wait for anything the page does (a panel's answer includes the backend's polling).
const STEP: Duration = Duration::from_secs(45);

/// Chromium, killed (and its profile removed) when the test ends, however it ends.
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Starts headless Chromium with the flags this machine needs (no sandbox as root, nothing
/// fetched from the network) and returns it with its DevTools WebSocket address.
fn launch() -> (Browser, String) {
    let program = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let profile = std::env::temp_dir().join(format!("quickstart-chromium-{}", std::process::id()));
    let child = Command::new(&program)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1400,1600",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program} ({e}): install Debian's `chromium` package, or set CHROMIUM"));
    let mut browser = Browser { child, profile };
    let stderr = browser.child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    // Chromium prints the address on stderr; the rest of its stderr is read and dropped so it
    // never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let (false, Some(at)) = (sent, line.find("ws://")) {
                let _ = tx.send(line[at..].trim().to_string());
                sent = true;
            }
        }
    });
    let address = rx.recv_timeout(Duration::from_secs(30)).expect("Chromium printed its DevTools address within 30 s");
    (browser, address)
}

/// A DevTools session on one page.
struct Page {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    session: String,
    next_id: u64,
}

impl Page {
    /// A new tab, attached with a flat session.
    async fn open(address: &str) -> Page {
        let (socket, _) = tokio_tungstenite::connect_async(address).await.expect("DevTools WebSocket");
        let mut page = Page { socket, session: String::new(), next_id: 0 };
        let target = page.call("Target.createTarget", json!({ "url": "about:blank" })).await;
        let target_id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = page.call("Target.attachToTarget", json!({ "targetId": target_id, "flatten": true })).await;
        page.session = attached["sessionId"].as_str().expect("sessionId").to_string();
        page.call("Page.enable", json!({})).await;
        page.call("Emulation.setDeviceMetricsOverride", json!({ "width": 1400, "height": 1600, "deviceScaleFactor": 1, "mobile": false })).await;
        page
    }

    /// Sends a command and waits for its answer (events in between are skipped).
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket.send(Message::Text(message.to_string().into())).await.expect("send");
        let deadline = Instant::now() + STEP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let next = tokio::time::timeout(left, self.socket.next()).await.unwrap_or_else(|_| panic!("{method}: no answer within {STEP:?}"));
            let Some(Ok(Message::Text(text))) = next else { continue };
            let Ok(answer) = serde_json::from_str::<Value>(&text) else { continue };
            if answer["id"] == json!(id) {
                assert!(answer.get("error").is_none(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression (awaited when it is a promise).
    async fn eval(&mut self, expression: &str) -> Value {
        let result = self.call("Runtime.evaluate", json!({ "expression": expression, "awaitPromise": true, "returnByValue": true })).await;
        assert!(result.get("exceptionDetails").is_none(), "{expression}: {result}");
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true.
    async fn wait_for(&mut self, expression: &str, what: &str) {
        let deadline = Instant::now() + STEP;
        while self.eval(expression).await != json!(true) {
            assert!(Instant::now() < deadline, "{what}: not within {STEP:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A real mouse click in the middle of the element `selector` names, after scrolling it
    /// into view.
    async fn click(&mut self, selector: &str) {
        let script = format!(
            "(() => {{ const e = document.querySelector({selector:?}); if (!e) return null; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        );
        let at = self.eval(&script).await;
        let (Some(x), Some(y)) = (at[0].as_f64(), at[1].as_f64()) else { panic!("no element {selector}") };
        for kind in ["mousePressed", "mouseReleased"] {
            self.call("Input.dispatchMouseEvent", json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 })).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_panel_shows_data_in_chromium() {
    let vars: HashMap<String, String> = [("PLAID_PRODUCTS".to_string(), PRODUCTS.to_string())].into();
    let state = plaid_quickstart::start(Settings::from_vars(&vars).expect("settings")).await.expect("start");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, plaid_quickstart::routes::router(state)).await });

    let (_browser, address) = launch();
    let mut page = Page::open(&address).await;
    page.call("Page.navigate", json!({ "url": url })).await;
    page.wait_for("document.getElementById('connect') && !document.getElementById('connect').disabled", "the page loads /api/info").await;
    let shown: Vec<String> = serde_json::from_value(page.eval("[...document.querySelectorAll('section')].map(s => s.dataset.route)").await).expect("routes");
    assert_eq!(shown, PANELS, "the page shows one panel per enabled product");

    page.click("#connect").await;
    page.wait_for("document.body.dataset.linked === 'true'", "the sandbox button links an Item").await;

    for route in PANELS {
        page.click(&format!("section[data-route='{route}'] button")).await;
        let settled = format!("['data', 'error', 'empty'].includes(document.querySelector(\"section[data-route='{route}']\").dataset.state)");
        page.wait_for(&settled, route).await;
        let state = page.eval(&format!("document.querySelector(\"section[data-route='{route}']\").dataset.state")).await;
        let text = page.eval(&format!("document.querySelector(\"section[data-route='{route}'] .out\").innerText")).await;
        assert_eq!(state, json!("data"), "{route} shows: {text}");
        let rows = page.eval(&format!("document.querySelectorAll(\"section[data-route='{route}'] td\").length")).await;
        assert!(rows.as_u64().unwrap_or(0) > 0, "{route} shows no table cell: {text}");
    }
    // The PDFs arrived as PDFs.
    for route in ["assets", "statements"] {
        let note = page.eval(&format!("(document.querySelector(\"section[data-route='{route}'] .pdf\") || {{}}).textContent || ''")).await;
        assert!(note.as_str().is_some_and(|n| n.ends_with("%PDF-")), "{route}: {note}");
    }

    page.eval("window.scrollTo(0, 0)").await;
    let shot = page.call("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true })).await;
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().expect("data")).expect("base64");
    let path = std::env::var_os("QUICKSTART_SCREENSHOT").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("quickstart-browser.png"));
    std::fs::write(&path, &png).expect("write the screenshot");
    println!("screenshot: {} ({} bytes)", path.display(), png.len());
    assert!(png.starts_with(b"\x89PNG"));
}
