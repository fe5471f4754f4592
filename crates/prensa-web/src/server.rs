//! The HTTP/1.1 server loop: accepting connections, serving each with
//! hyper, and the limits that keep slow or idle clients from holding the
//! server (`prensa serve --header-timeout`, `--idle-timeout`,
//! `--max-connections`).
//!
//! Hand-rolled rather than `axum::serve`, which has no timeouts at all (a
//! half-sent request held its connection forever) and no connection cap.
//! Hyper's own `header_read_timeout` is not used either: its clock starts
//! as soon as a connection waits for its next request, so it would also
//! cut idle keep-alive connections after the header timeout; a load
//! balancer pooling connections expects them to live for the (longer)
//! idle timeout. So each connection keeps its own small clock:
//!
//! - **header timeout**: from the moment a request's first byte arrives
//!   (or the connection opens) to the end of its headers. Sending a byte
//!   now and then does not extend it (slowloris).
//! - **idle timeout**: no byte moving either way for this long — between
//!   keep-alive requests, or a client that stopped sending its body or
//!   reading its response — closes the connection.
//! - **max connections**: past it the server stops accepting (new ones
//!   wait in the kernel's backlog) until one closes.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

/// How the server treats connections (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerSettings {
    /// After the stop signal, how long to keep serving while `/readyz`
    /// answers 503 (`--drain-delay`).
    pub drain_delay: Duration,
    /// The longest a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// The longest a connection may stay open with nothing moving.
    pub idle_timeout: Duration,
    /// The most connections open at once.
    pub max_connections: usize,
}

impl ServerSettings {
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// Longer than the 60 s idle timeout common in load balancers would be
    /// better for them (the node, not the balancer, should close first);
    /// they can be told to use less, or this raised.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
    pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
    /// The largest `max_connections` accepted: the semaphore counting them
    /// is waited on whole at shutdown, in one `u32` request.
    pub const MAX_MAX_CONNECTIONS: usize = 1_000_000;
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            drain_delay: Duration::ZERO,
            header_timeout: Self::DEFAULT_HEADER_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Accepts and serves connections until `shutdown` completes; then stops
/// accepting, asks every connection to finish (idle ones close at once,
/// requests in flight get their answer) and returns once all have closed.
pub(crate) async fn run<F>(
    listener: TcpListener,
    router: Router,
    shutdown: F,
    settings: ServerSettings,
) -> io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let max = settings.max_connections.clamp(1, ServerSettings::MAX_MAX_CONNECTIONS);
    // One permit per open connection, held by its task until it ends.
    let slots = Arc::new(Semaphore::new(max));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut full = false;
    loop {
        if slots.available_permits() == 0 && !full {
            full = true;
            tracing::warn!(max_connections = max, "connection limit reached: new connections wait until one closes");
        }
        let slot = tokio::select! {
            biased;
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                // Never closed; if it were, nothing more could be served.
                Err(_) => break,
            },
        };
        let (tcp, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
        };
        full = false;
        // Pages go out in one write; Nagle's algorithm would only hold the
        // last segment of each back waiting for an ACK.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
        tokio::spawn(connection(tcp, peer, router.clone(), settings, stop_rx.clone(), slot));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a slot until it closes: all of them back
    // means every connection is done.
    let _ = slots.acquire_many(u32::try_from(max).unwrap_or(u32::MAX)).await;
    Ok(())
}

/// Like hyper 0.14's server (and axum's): a client that gave up is no
/// reason to stop; anything else (out of file descriptors) is logged and
/// waited out for a second, so the loop does not spin.
async fn accept_error(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept error");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn connection(
    tcp: TcpStream,
    peer: SocketAddr,
    router: Router,
    settings: ServerSettings,
    mut stop: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let clock = Arc::new(Clock::new());
    let io = TokioIo::new(Timed { inner: tcp, clock: clock.clone() });
    let service_clock = clock.clone();
    let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
        // The headers are in: the header clock stops, the handler runs.
        let busy = service_clock.request_started();
        let mut req = req.map(Body::new);
        // The peer address feeds the login throttle (per-address failures).
        req.extensions_mut().insert(ConnectInfo(peer));
        let response = router.clone().oneshot(req);
        async move {
            let response = response.await;
            drop(busy);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The clock below does this job (see the module docs).
    builder.header_read_timeout(None);
    let mut conn = pin!(builder.serve_connection(io, service));
    let mut stopping = false;
    loop {
        let deadline = clock.deadline(&settings);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                break;
            }
            () = tokio::time::sleep_until(deadline) => {
                if clock.deadline(&settings) <= Instant::now() {
                    // Dropping the connection closes the socket.
                    tracing::debug!(%peer, "closing a connection that timed out");
                    break;
                }
            }
            () = clock.head_started.notified() => {}
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                // Idle connections close now; a request in flight gets
                // its answer first (with `Connection: close`).
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// No request head is being read.
const NO_HEAD: u64 = u64::MAX;

/// One connection's timestamps, in nanoseconds since it opened. Touched
/// only from the connection's own task (hyper polls the service and the
/// socket from there), so relaxed atomics suffice; they are atomics only
/// because the task must be `Send`.
struct Clock {
    opened: Instant,
    /// The last byte read or written.
    last_io: AtomicU64,
    /// When the first byte of the request being read arrived, or [`NO_HEAD`].
    head_since: AtomicU64,
    /// Set while a handler runs: bytes read then are a body, not a head.
    busy: AtomicU64,
    /// Wakes the watchdog when a head starts: its deadline moves earlier.
    head_started: Notify,
}

impl Clock {
    fn new() -> Clock {
        // A new connection owes its first request's headers at once.
        Clock {
            opened: Instant::now(),
            last_io: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            busy: AtomicU64::new(0),
            head_started: Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_nanos()).unwrap_or(u64::MAX - 1)
    }

    fn read(&self) {
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        if self.busy.load(Ordering::Relaxed) == 0 && self.head_since.load(Ordering::Relaxed) == NO_HEAD {
            self.head_since.store(now, Ordering::Relaxed);
            self.head_started.notify_one();
        }
    }

    fn wrote(&self) {
        self.last_io.store(self.now(), Ordering::Relaxed);
    }

    fn request_started(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::Relaxed);
        self.head_since.store(NO_HEAD, Ordering::Relaxed);
        Busy(self.clone())
    }

    /// When the connection is to be closed if nothing happens meanwhile.
    fn deadline(&self, settings: &ServerSettings) -> Instant {
        let at = |nanos: u64, after: Duration| {
            self.opened.checked_add(Duration::from_nanos(nanos).saturating_add(after)).unwrap_or_else(far_future)
        };
        let idle = at(self.last_io.load(Ordering::Relaxed), settings.idle_timeout);
        match self.head_since.load(Ordering::Relaxed) {
            NO_HEAD => idle,
            since => idle.min(at(since, settings.header_timeout)),
        }
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400 * 365)
}

/// A handler running; its end counts as activity (the response starts).
struct Busy(Arc<Clock>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
        self.0.wrote();
    }
}

/// The socket, reporting every byte moved to the connection's clock.
struct Timed {
    inner: TcpStream,
    clock: Arc<Clock>,
}

impl AsyncRead for Timed {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.read();
        }
        result
    }
}

impl AsyncWrite for Timed {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.clock.wrote();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.clock.wrote();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
