//! What the fuzz targets share: a loopback HTTP server that answers every request with the
//! bytes a target sets and records what it received, and one tokio runtime. The server runs on
//! its own thread for the life of the fuzzing process and only ever listens on 127.0.0.1.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The answer the server gives next, whole (status line, headers and body).
static ANSWER: Mutex<Vec<u8>> = Mutex::new(Vec::new());
/// The request line and headers of every request received since the last [`Server::answer`].
static RECEIVED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The server's address, started on first use.
pub fn server() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let address = format!("http://{}", listener.local_addr().expect("an address"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream);
            }
        });
        address
    })
}

/// Sets the next answers: an HTTP/1.1 response with this status, content type and body, the
/// connection closed after it.
pub fn answer(status: u16, content_type: &str, body: &[u8]) {
    let mut bytes = format!("HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    *ANSWER.lock().unwrap_or_else(|e| e.into_inner()) = bytes;
    RECEIVED.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// The request heads received since the answer was set.
pub fn received() -> Vec<String> {
    RECEIVED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn serve(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let length = text
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    let _ = stream.read_exact(&mut body);
    RECEIVED.lock().unwrap_or_else(|e| e.into_inner()).push(text);
    let answer = ANSWER.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let _ = stream.write_all(&answer);
}

/// The runtime every target drives its calls on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime"))
}

/// Splits fuzz input at NUL bytes into at most `n` parts (the last takes the rest); missing
/// parts are empty.
pub fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n, |b| *b == 0).collect();
    out.resize(n, &[]);
    out
}

/// The configured secret every target's client uses: no error may show it.
pub const SECRET: &str = "fuzz-secret-0123456789";
/// An access token the requests carry: no error may show it either.
pub const ACCESS_TOKEN: &str = "access-sandbox-fuzz-0123456789";
