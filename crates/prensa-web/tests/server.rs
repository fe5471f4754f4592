//! The server loop over real sockets: a client that never finishes its
//! headers is cut off after the header timeout (dripping bytes does not
//! help it), idle keep-alive connections live for the idle timeout and no
//! longer, connections past the cap wait for a free slot, and handlers
//! still see the peer's address.
//!
//! Each test runs its server on a runtime of its own in a background
//! thread and talks to it with blocking sockets whose reads are bounded,
//! so a server that never closes fails the test instead of hanging it.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::routing::get;
use axum::Router;
use prensa_web::ServerSettings;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// How long a test waits for the server to close a connection before
/// calling it open: far above every timeout configured here.
const PATIENCE: Duration = Duration::from_secs(5);

fn start(settings: ServerSettings) -> Res<SocketAddr> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("address")).expect("send the address");
            let router = Router::new()
                .route("/healthz", get(|| async { "ok" }))
                .route("/peer", get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }));
            let _ = prensa_web::serve_until(listener, router, std::future::pending(), settings).await;
        });
    });
    Ok(rx.recv_timeout(PATIENCE)?)
}

fn settings(header: Duration, idle: Duration, max_connections: usize) -> ServerSettings {
    ServerSettings { header_timeout: header, idle_timeout: idle, max_connections, ..ServerSettings::default() }
}

fn connect(addr: SocketAddr) -> Res<TcpStream> {
    let s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(PATIENCE))?;
    Ok(s)
}

/// Whether the server has closed the connection: end of stream or a reset
/// within `PATIENCE`. A read that times out means it is still open.
fn closed_by_server(s: &mut TcpStream) -> Res<bool> {
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Ok(true),
            // Bytes (say an error response) before the close are fine.
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return Ok(false),
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => return Ok(true),
            Err(e) => return Err(e.into()),
        }
    }
}

/// One keep-alive GET on `s`: the status and body.
fn request(s: &mut TcpStream, path: &str) -> Res<(u16, String)> {
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
    let mut data = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Err("connection closed before the response".into());
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .ok_or("no content-length")?
                .parse()?;
            if body.len() >= length {
                let status = head.get(9..12).ok_or("status")?.parse()?;
                return Ok((status, body[..length].to_owned()));
            }
        }
    }
}

#[test]
fn a_half_sent_request_is_closed_after_the_header_timeout() -> Res<()> {
    let addr = start(settings(Duration::from_millis(300), ServerSettings::DEFAULT_IDLE_TIMEOUT, 100))?;
    for half in ["", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: "] {
        let mut s = connect(addr)?;
        s.write_all(half.as_bytes())?;
        assert!(closed_by_server(&mut s)?, "{half:?}: still open {PATIENCE:?} later");
    }
    Ok(())
}

#[test]
fn dripping_header_bytes_does_not_extend_the_header_timeout() -> Res<()> {
    let addr = start(settings(Duration::from_millis(400), ServerSettings::DEFAULT_IDLE_TIMEOUT, 100))?;
    let mut s = connect(addr)?;
    s.set_read_timeout(Some(Duration::from_millis(100)))?;
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")?;
    let started = Instant::now();
    let mut buf = [0u8; 64];
    let closed = loop {
        if started.elapsed() > PATIENCE {
            break false;
        }
        // One byte per 100 ms, each well inside any per-read timeout.
        if s.write_all(b"a").is_err() {
            break true;
        }
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            Err(_) => break true,
        }
    };
    assert!(closed, "a client sending a header byte every 100 ms was still connected after {PATIENCE:?}");
    Ok(())
}

#[test]
fn idle_keep_alive_connections_outlive_the_header_timeout_then_close() -> Res<()> {
    let header = Duration::from_millis(200);
    let addr = start(settings(header, Duration::from_millis(1500), 100))?;
    let mut s = connect(addr)?;
    assert_eq!(request(&mut s, "/healthz")?, (200, "ok".to_owned()));
    // Idle for longer than the header timeout: the connection is still
    // there for the next request (a load balancer's pool relies on it).
    std::thread::sleep(header * 3);
    assert_eq!(request(&mut s, "/healthz")?, (200, "ok".to_owned()));
    // Idle for longer than the idle timeout: closed.
    assert!(closed_by_server(&mut s)?, "an idle connection was still open {PATIENCE:?} later");
    Ok(())
}

#[test]
fn connections_past_the_cap_wait_for_a_free_slot() -> Res<()> {
    let addr = start(settings(Duration::from_secs(30), Duration::from_secs(30), 2))?;
    let mut first = connect(addr)?;
    assert_eq!(request(&mut first, "/healthz")?, (200, "ok".to_owned()));
    let mut second = connect(addr)?;
    assert_eq!(request(&mut second, "/healthz")?, (200, "ok".to_owned()));
    // Both slots are taken by open keep-alive connections: a third is
    // queued by the kernel but not served…
    let mut third = connect(addr)?;
    third.set_read_timeout(Some(Duration::from_millis(500)))?;
    write!(third, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
    let mut buf = [0u8; 256];
    match third.read(&mut buf) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("a third connection was served past a cap of two: {other:?}"),
    }
    // …until one of the others closes.
    drop(first);
    third.set_read_timeout(Some(PATIENCE))?;
    let n = third.read(&mut buf)?;
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert_eq!(request(&mut second, "/healthz")?, (200, "ok".to_owned()), "the second is still served");
    Ok(())
}

#[test]
fn handlers_see_the_peer_address() -> Res<()> {
    let addr = start(ServerSettings::default())?;
    let mut s = connect(addr)?;
    let local = s.local_addr()?;
    assert_eq!(request(&mut s, "/peer")?, (200, local.to_string()));
    Ok(())
}
