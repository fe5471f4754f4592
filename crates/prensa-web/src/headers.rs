//! Headers every response carries, whichever handler made it: public
//! pages, media, assets, the share page, 404s and 405s, the operations
//! endpoints and the admin.
//!
//! - `X-Content-Type-Options: nosniff`: a browser takes the `Content-Type`
//!   as given, so no response (an uploaded image, a plain-text 404) is
//!   ever run as a script or a stylesheet.
//! - `Referrer-Policy: strict-origin-when-cross-origin`: links to other
//!   sites tell them which magazine sent the reader (the origin, which
//!   publishers want for their referral numbers) but never the path or
//!   query (a search, a preview token, a share text), and nothing at all
//!   from https to http. `same-origin` would hide even the origin, which
//!   the public site has no reason to; the admin sets `same-origin` itself
//!   and a secret preview page `no-referrer`, and those are kept: a
//!   handler's own value wins, the layer only fills in what is missing.
//!
//! One tower layer on the whole router rather than a line in each
//! handler, so a route added later cannot forget them. Like
//! [`crate::ops::TrackLayer`] it allocates nothing per request.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::Response;
use http::header::{self, HeaderValue};

pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// Adds the headers above to every response that lacks them.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecurityHeadersLayer;

impl<Svc> tower::Layer<Svc> for SecurityHeadersLayer {
    type Service = SecurityHeaders<Svc>;

    fn layer(&self, inner: Svc) -> SecurityHeaders<Svc> {
        SecurityHeaders { inner }
    }
}

/// The service [`SecurityHeadersLayer`] wraps the router's routes in.
#[derive(Debug, Clone)]
pub struct SecurityHeaders<Svc> {
    inner: Svc,
}

impl<Svc> tower::Service<Request> for SecurityHeaders<Svc>
where
    Svc: tower::Service<Request, Response = Response>,
    // axum's route futures are boxed, hence `Unpin` (as for `Track`).
    Svc::Future: Unpin,
{
    type Response = Response;
    type Error = Svc::Error;
    type Future = SecurityHeadersFuture<Svc::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        SecurityHeadersFuture { inner: self.inner.call(req) }
    }
}

pub struct SecurityHeadersFuture<F> {
    inner: F,
}

impl<F, E> Future for SecurityHeadersFuture<F>
where
    F: Future<Output = Result<Response, E>> + Unpin,
{
    type Output = Result<Response, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut response = match Pin::new(&mut self.inner).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Ready(Ok(response)) => response,
        };
        let h = response.headers_mut();
        h.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
        h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static(REFERRER_POLICY));
        Poll::Ready(Ok(response))
    }
}
