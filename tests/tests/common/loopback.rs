//! A loopback HTTP/1.1 server for hostile-server tests, a module of the test files that use it.
//! Every connection gets its own thread and is kept alive between requests; the server counts
//! the requests it answered and the connections still open, and stops by itself after its
//! lifetime, so a test can never hang on it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One request as received.
#[allow(dead_code)]
pub struct Request {
    /// The request line and headers, as sent.
    pub head: String,
    pub body: Vec<u8>,
}

/// What the server answers.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Shared, so that answering a large body again allocates nothing.
    pub body: Arc<[u8]>,
    /// Waits this long before answering.
    pub delay: Duration,
    /// Sends no `Content-Length` and closes the connection after the body.
    pub until_close: bool,
}

#[allow(dead_code)]
impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::shared(status, content_type, body.into().into())
    }

    pub fn shared(status: u16, content_type: &str, body: Arc<[u8]>) -> Reply {
        Reply { status, headers: vec![("Content-Type".into(), content_type.into())], body, delay: Duration::ZERO, until_close: false }
    }

    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::new(status, "application/json", body.to_string())
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    pub fn until_close(mut self) -> Reply {
        self.until_close = true;
        self
    }
}

pub struct Loopback {
    pub url: String,
    requests: Arc<AtomicUsize>,
    open: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

#[allow(dead_code)]
impl Loopback {
    /// Answers every request with `answer(request, n)`, `n` counting requests from 0.
    pub fn start(lifetime: Duration, answer: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        listener.set_nonblocking(true).expect("non-blocking accept");
        let (requests, open, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        let peak = Arc::new(AtomicUsize::new(0));
        let answer = Arc::new(answer);
        let deadline = Instant::now() + lifetime;
        let (r, o, s, p) = (requests.clone(), open.clone(), stop.clone(), peak.clone());
        std::thread::spawn(move || {
            while Instant::now() < deadline && !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let now = o.fetch_add(1, Ordering::SeqCst) + 1;
                        p.fetch_max(now, Ordering::SeqCst);
                        let (r, o, s, answer) = (r.clone(), o.clone(), s.clone(), answer.clone());
                        std::thread::spawn(move || {
                            serve(stream, deadline, &s, &r, &*answer);
                            o.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Loopback { url, requests, open, peak, stop }
    }

    /// How many requests were answered.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// The most connections that were open at once.
    pub fn peak_connections(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(stream: TcpStream, deadline: Instant, stop: &AtomicBool, count: &AtomicUsize, answer: &dyn Fn(&Request, usize) -> Reply) {
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stop.load(Ordering::Relaxed) {
            return;
        }
        // Short read timeouts, so that a stopped server's threads end soon.
        let _ = reader.get_ref().set_read_timeout(Some(left.min(Duration::from_millis(200))));
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) && head.is_empty() => {
                    if Instant::now() >= deadline || stop.load(Ordering::Relaxed) {
                        return;
                    }
                    continue;
                }
                Err(_) => return,
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let end = line == "\r\n";
            head.push_str(&line);
            if end {
                break;
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let n = count.fetch_add(1, Ordering::SeqCst);
        let reply = answer(&Request { head, body }, n);
        std::thread::sleep(reply.delay);
        let mut out = format!("HTTP/1.1 {} X\r\n", reply.status);
        for (name, value) in &reply.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        if reply.until_close {
            out.push_str("Connection: close\r\n\r\n");
        } else {
            out.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
        }
        let sent = writer.write_all(out.as_bytes()).and_then(|_| writer.write_all(&reply.body)).and_then(|_| writer.flush());
        if sent.is_err() || reply.until_close {
            let _ = writer.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}
