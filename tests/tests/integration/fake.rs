//! A fake AWS endpoint on 127.0.0.1 for faults the local endpoint cannot produce: a refused
//! permission, a proxy's HTML error page, an endpoint that accepts connections and never
//! answers. It stops when dropped, and by itself after two minutes at the latest.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// An answer: status, content type, body. `None` holds the connection open without a word.
pub type Answer = Option<(u16, &'static str, String)>;

/// The longest a fake lives, whatever the test does.
const LIFETIME: Duration = Duration::from_secs(120);

/// A running fake endpoint.
pub struct Fake {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    stop: Arc<AtomicBool>,
    hits: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Fake {
    /// Serves every request with `respond(n, request)`, `n` counting requests from 0 and
    /// `request` the request line, headers and body as text.
    pub fn start(respond: impl Fn(usize, &str) -> Answer + Send + Sync + 'static) -> Fake {
        Fake::start_raw(move |n, request| {
            respond(n, request).map(|(status, content_type, body)| {
                format!(
                    "HTTP/1.1 {status} Fake\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes()
            })
        })
    }

    /// A proxy to `target` (`http://127.0.0.1:PORT`) that keeps every request it passes on,
    /// as text, for the test to read with [`Fake::requests`].
    pub fn recording_proxy(target: &str) -> (Fake, Arc<std::sync::Mutex<Vec<String>>>) {
        let address = target.trim_start_matches("http://").to_owned();
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = seen.clone();
        let fake = Fake::start_raw(move |_, request| {
            kept.lock().unwrap().push(request.to_owned());
            forward(&address, request)
        });
        (fake, seen)
    }

    /// A proxy to `target` (`http://127.0.0.1:PORT`) that answers the first `times` requests
    /// whose text contains `marker` (an EC2 `Action=…`, a CloudWatch Logs `X-Amz-Target`)
    /// with `reply` (status, content type, body), and passes every other request on: a
    /// fault in the middle of a sequence of calls to a real endpoint.
    pub fn failing_proxy(
        target: &str,
        marker: &'static str,
        times: usize,
        reply: (u16, &'static str, String),
    ) -> Fake {
        let address = target.trim_start_matches("http://").to_owned();
        let failed = AtomicUsize::new(0);
        Fake::start_raw(move |_, request| {
            if request.contains(marker) && failed.fetch_add(1, Ordering::SeqCst) < times {
                let (status, content_type, body) = &reply;
                return Some(
                    format!(
                        "HTTP/1.1 {status} Fake\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .into_bytes(),
                );
            }
            forward(&address, request)
        })
    }

    /// Serves every request with the raw HTTP response `respond(n, request)` returns.
    pub fn start_raw(
        respond: impl Fn(usize, &str) -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let endpoint = format!("http://{}", listener.local_addr().expect("an address"));
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(AtomicUsize::new(0));
        let respond = Arc::new(respond);
        let thread = {
            let stop = stop.clone();
            let hits = hits.clone();
            std::thread::spawn(move || {
                let born = Instant::now();
                while !stop.load(Ordering::Relaxed) && born.elapsed() < LIFETIME {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let n = hits.fetch_add(1, Ordering::Relaxed);
                            let respond = respond.clone();
                            let stop = stop.clone();
                            std::thread::spawn(move || serve(stream, n, &*respond, &stop, born));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        Fake {
            endpoint,
            stop,
            hits,
            thread: Some(thread),
        }
    }

    /// The requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }
}

fn serve(
    mut stream: TcpStream,
    n: usize,
    respond: &(dyn Fn(usize, &str) -> Option<Vec<u8>> + Send + Sync),
    stop: &AtomicBool,
    born: Instant,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    // Headers, then as much body as Content-Length says.
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => request.extend_from_slice(&buf[..k]),
        }
        let text = String::from_utf8_lossy(&request).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&request).to_string();
    match respond(n, &text) {
        Some(reply) => {
            let _ = stream.write_all(&reply);
        }
        None => {
            // Silent: keep the connection open until the fake stops.
            while !stop.load(Ordering::Relaxed) && born.elapsed() < LIFETIME {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Sends `request` to `address` (`127.0.0.1:PORT`) and returns the raw response.
pub fn forward(address: &str, request: &str) -> Option<Vec<u8>> {
    // One request per connection: say so, so that the target closes after answering.
    let (head, body) = request.split_once("\r\n\r\n").unwrap_or((request, ""));
    let head: Vec<&str> = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    let forwarded = format!("{}\r\nconnection: close\r\n\r\n{body}", head.join("\r\n"));
    let mut upstream = TcpStream::connect(address).ok()?;
    upstream.write_all(forwarded.as_bytes()).ok()?;
    let mut reply = Vec::new();
    upstream.read_to_end(&mut reply).ok()?;
    Some(reply)
}

/// An AWS query-protocol error document (CloudFormation, STS).
pub fn query_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>"
    )
}

/// An EC2 error document (EC2 API Reference, "Error codes": `<Response><Errors><Error>`).
pub fn ec2_error(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>fake</RequestID></Response>"
    )
}
