//! Who is asking: the client's address and whether the browser reached us
//! over https, resolved once per request by [`resolve`], a middleware
//! around every route, and read by handlers as the [`ClientInfo`]
//! extractor.
//!
//! Prensa speaks plain http and expects TLS to end in a reverse proxy. The
//! address the sign-in throttle counts failures against is the TCP peer's,
//! unless that peer is a trusted proxy (`--trusted-proxy CIDR`): then the
//! client is read from `X-Forwarded-For` (or, when a request has none, RFC
//! 7239 `Forwarded: for=`), walking the list from the right — the entries
//! appended by the proxies nearest to us — past every trusted address to
//! the first one that is not. Entries left of it were written by the
//! client or proxies we know nothing of, and are never believed; from an
//! untrusted peer the headers are ignored altogether, so nobody can pick
//! the address their failures are counted against. `X-Forwarded-Proto` /
//! `Forwarded: proto=` likewise count only from a trusted peer. A
//! publication whose base URL is https is taken as served over https
//! whatever the proxy says: Prensa never terminates TLS itself, so such a
//! URL means a TLS proxy in front.
//!
//! CIDRs are parsed here (a few lines over `std::net`) rather than with a
//! crate: the one thing needed beyond parsing, matching IPv4-mapped IPv6
//! peers (`::ffff:10.0.0.1`, what a dual-stack socket reports) against
//! IPv4 ranges, would have to be written on top of one anyway.

use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{self, HeaderMap, HeaderValue};
use http::request::Parts;
use prensa_store::Store;

use crate::state::AppState;

/// An address range, `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// Canonical: an IPv4-mapped IPv6 range is kept as the IPv4 one.
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` (IPv4-mapped IPv6 included) lies in this range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    /// `ADDRESS/PREFIX` or a bare address (the range of that one). A range
    /// with bits set after the prefix (`10.0.0.1/8`) is refused rather than
    /// guessed at: it is usually a typo for a single address or a wider net.
    fn from_str(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| format!("{text:?} is not an IP address or CIDR range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(format!("{text:?}: the prefix length must be a number from 0 to {max}")),
            },
        };
        // `::ffff:10.0.0.0/104` is `10.0.0.0/8`.
        let (net, prefix) = match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), prefix - 96),
                None => (addr, prefix),
            },
            _ => (addr, prefix),
        };
        let cidr = Cidr { net, prefix };
        let base = match net {
            IpAddr::V4(v4) => {
                IpAddr::V4((u32::from(v4) & u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)).into())
            }
            IpAddr::V6(v6) => {
                IpAddr::V6((u128::from(v6) & u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)).into())
            }
        };
        if base != net {
            return Err(format!("{text:?} has bits set after the prefix; did you mean {base}/{prefix}?"));
        }
        Ok(cidr)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

/// Whether `ip` is one of the trusted proxies.
fn trusted(proxies: &[Cidr], ip: IpAddr) -> bool {
    proxies.iter().any(|c| c.contains(ip))
}

/// The client of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address (`None` when the server was not told the
    /// peer's, as in tests that call the router directly).
    pub ip: Option<IpAddr>,
    /// Whether the browser reached us over https: cookies get `Secure`
    /// (and the `__Host-` prefix), responses HSTS.
    pub https: bool,
}

/// One hop of a forwarding header: the address it names (`None` for
/// `unknown`, an obfuscated `_name` or anything unreadable) and, from
/// `Forwarded`, the protocol it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hop {
    ip: Option<IpAddr>,
    https: Option<bool>,
}

impl ClientInfo {
    /// Resolves the client of a request from `peer` (the TCP peer) and
    /// `headers`, believing forwarding headers only from `proxies`.
    /// `site_https`: the publication's base URL is https.
    pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[Cidr], site_https: bool) -> ClientInfo {
        let Some(peer) = peer.map(|p| p.to_canonical()) else {
            return ClientInfo { ip: None, https: site_https };
        };
        if !trusted(proxies, peer) {
            return ClientInfo { ip: Some(peer), https: site_https };
        }
        let x_forwarded = header_list(headers, "x-forwarded-for");
        let hops: Vec<Hop> = if x_forwarded.is_empty() {
            forwarded_hops(headers)
        } else {
            x_forwarded.iter().map(|e| Hop { ip: parse_node(e), https: None }).collect()
        };
        // From the right: every trusted hop is a proxy of ours, passing on
        // what the one before it said; the first untrusted one is the
        // client. An unreadable hop ends the walk (nothing left of it can be
        // checked), as does the list's start: the last trusted address seen
        // is then the client.
        let mut client = Hop { ip: Some(peer), https: None };
        for hop in hops.iter().rev() {
            match hop.ip {
                Some(ip) if trusted(proxies, ip.to_canonical()) => client = Hop { ip: Some(ip.to_canonical()), ..*hop },
                Some(ip) => {
                    client = Hop { ip: Some(ip.to_canonical()), ..*hop };
                    break;
                }
                None => break,
            }
        }
        let proto = header_list(headers, "x-forwarded-proto");
        let proxy_https = match proto.first() {
            Some(p) => p.eq_ignore_ascii_case("https"),
            None => client.https.unwrap_or(false),
        };
        ClientInfo { ip: client.ip, https: site_https || proxy_https }
    }

    /// The sign-in throttle's key for this client's address.
    pub fn throttle_key(&self) -> String {
        match self.ip {
            Some(ip) => format!("addr:{ip}"),
            None => "addr:unknown".to_owned(),
        }
    }

    /// The client as [`resolve`] left it in the request's extensions; the
    /// bare peer, without proxies or https, if it did not run.
    pub fn of(extensions: &http::Extensions) -> ClientInfo {
        extensions.get::<ClientInfo>().copied().unwrap_or_else(|| ClientInfo {
            ip: extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_canonical()),
            https: false,
        })
    }
}

impl<St: Send + Sync> FromRequestParts<St> for ClientInfo {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        Ok(ClientInfo::of(&parts.extensions))
    }
}

/// Every comma-separated entry of every `name` header, in order.
fn header_list<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect()
}

/// An address as forwarding headers write it: `192.0.2.1`, `2001:db8::1`,
/// `192.0.2.1:4711`, `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    text.strip_prefix('[')?.strip_suffix(']')?.parse::<IpAddr>().ok().filter(IpAddr::is_ipv6)
}

/// The hops of RFC 7239 `Forwarded` headers, in order: each element's
/// `for=` and `proto=` (`Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"`).
fn forwarded_hops(headers: &HeaderMap) -> Vec<Hop> {
    let mut hops = Vec::new();
    for value in headers.get_all(header::FORWARDED).iter().filter_map(|v| v.to_str().ok()) {
        for element in split_outside_quotes(value, ',') {
            if element.trim().is_empty() {
                continue;
            }
            let mut hop = Hop { ip: None, https: None };
            for pair in split_outside_quotes(element, ';') {
                let Some((key, val)) = pair.split_once('=') else { continue };
                let val = val.trim().trim_matches('"');
                match key.trim().to_ascii_lowercase().as_str() {
                    "for" => hop.ip = parse_node(val),
                    "proto" => hop.https = Some(val.eq_ignore_ascii_case("https")),
                    _ => {}
                }
            }
            hops.push(hop);
        }
    }
    hops
}

/// `text` split at `sep`, except inside double quotes (a quoted IPv6
/// `for=` holds colons, and a quoted string may hold anything).
fn split_outside_quotes(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Whether a base URL is an https one.
pub fn is_https_url(url: &str) -> bool {
    url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// The middleware: resolves the [`ClientInfo`] of every request into its
/// extensions, and adds `Strict-Transport-Security` to responses that went
/// out over https (when `hsts_max_age` is not 0).
pub async fn resolve<S: Store>(State(state): State<Arc<AppState<S>>>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let site_https = crate::network::site_of(req.extensions()).is_some_and(|s| is_https_url(&s.publication.base_url));
    let client = ClientInfo::resolve(peer, req.headers(), &state.config.trusted_proxies, site_https);
    req.extensions_mut().insert(client);
    let mut response = next.run(req).await;
    let max_age = state.config.hsts_max_age;
    if client.https && max_age > 0 {
        // No includeSubDomains: other hosts under the publication's domain
        // are not ours to pin to https.
        if let Ok(v) = HeaderValue::from_str(&format!("max-age={max_age}")) {
            response.headers_mut().entry(header::STRICT_TRANSPORT_SECURITY).or_insert(v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidrs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|c| c.parse().expect("valid CIDR")).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("valid address")
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).expect("header value"));
        }
        h
    }

    #[test]
    fn cidrs_parse_and_match() {
        let net: Cidr = "10.0.0.0/8".parse().expect("v4");
        assert!(net.contains(ip("10.1.2.3")) && !net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.9.9.9")), "IPv4-mapped IPv6 peer");
        assert!(!net.contains(ip("::a09:909")), "IPv4-compatible is not mapped");
        let one: Cidr = "192.0.2.7".parse().expect("single");
        assert_eq!(one.to_string(), "192.0.2.7/32");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Cidr = "2001:db8::/32".parse().expect("v6");
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        let mapped: Cidr = "::ffff:172.16.0.0/108".parse().expect("mapped");
        assert_eq!(mapped.to_string(), "172.16.0.0/12");
        assert!(mapped.contains(ip("172.31.255.255")) && mapped.contains(ip("::ffff:172.20.0.1")));
        let all: Cidr = "0.0.0.0/0".parse().expect("everything");
        assert!(all.contains(ip("203.0.113.1")) && !all.contains(ip("2001:db8::1")));
        assert!("::/0".parse::<Cidr>().expect("all v6").contains(ip("2001:db8::1")));
        assert!("::1".parse::<Cidr>().expect("loopback").contains(ip("::1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "10.0.0.0/x",
            "2001:db8::/129",
            "10.0.0",
            "example.org/8",
            "10.0.0.0/8/8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad:?}");
        }
        let err = "10.0.0.1/8".parse::<Cidr>().expect_err("host bits");
        assert!(err.contains("did you mean 10.0.0.0/8"), "{err}");
    }

    #[test]
    fn nodes_parse_as_proxies_write_them() {
        assert_eq!(parse_node("192.0.2.1"), Some(ip("192.0.2.1")));
        assert_eq!(parse_node(" 192.0.2.1:4711 "), Some(ip("192.0.2.1")));
        assert_eq!(parse_node("\"[2001:db8::17]:4711\""), Some(ip("2001:db8::17")));
        assert_eq!(parse_node("[2001:db8::17]"), Some(ip("2001:db8::17")));
        assert_eq!(parse_node("2001:db8::17"), Some(ip("2001:db8::17")));
        for junk in ["unknown", "_hidden", "", "[192.0.2.1]", "example.org"] {
            assert_eq!(parse_node(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn the_chain_is_walked_from_the_right_past_trusted_proxies() {
        let proxies = cidrs(&["10.0.0.0/8", "2001:db8:aa::/48"]);
        let proxy = Some(ip("10.0.0.2"));
        let resolve = |peer, h: &HeaderMap| ClientInfo::resolve(peer, h, &proxies, false).ip;
        // The client's own claim (left) is skipped: the first untrusted
        // address from the right is the one our proxy saw.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.9")]);
        assert_eq!(resolve(proxy, &h), Some(ip("198.51.100.7")));
        // Several headers are one list, in order.
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(resolve(proxy, &h), Some(ip("198.51.100.7")));
        // From an untrusted peer the header means nothing.
        assert_eq!(resolve(Some(ip("192.0.2.50")), &h), Some(ip("192.0.2.50")));
        // A trusted peer without a header is the client (a health check).
        assert_eq!(resolve(proxy, &HeaderMap::new()), proxy);
        // Everything trusted: the farthest trusted address.
        let h = headers(&[("x-forwarded-for", "10.5.5.5, 10.0.0.9")]);
        assert_eq!(resolve(proxy, &h), Some(ip("10.5.5.5")));
        // An unreadable hop stops the walk at the last trusted address.
        let h = headers(&[("x-forwarded-for", "198.51.100.7, unknown, 10.0.0.9")]);
        assert_eq!(resolve(proxy, &h), Some(ip("10.0.0.9")));
        // IPv4-mapped peers and entries match IPv4 ranges.
        let h = headers(&[("x-forwarded-for", "203.0.113.5, ::ffff:10.0.0.3")]);
        assert_eq!(resolve(Some(ip("::ffff:10.0.0.2")), &h), Some(ip("203.0.113.5")));
        let h = headers(&[("x-forwarded-for", "2001:db8:bb::1, 2001:db8:aa::9")]);
        assert_eq!(resolve(Some(ip("2001:db8:aa::1")), &h), Some(ip("2001:db8:bb::1")));
        // RFC 7239, when there is no X-Forwarded-For.
        let h = headers(&[("forwarded", "for=1.1.1.1, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.9")]);
        assert_eq!(resolve(proxy, &h), Some(ip("2001:db8:cafe::17")));
        let h = headers(&[("forwarded", "for=198.51.100.7;by=10.0.0.2"), ("forwarded", "For=\"_hidden\"")]);
        assert_eq!(resolve(proxy, &h), proxy, "obfuscated last hop");
        // X-Forwarded-For wins when both are sent.
        let h = headers(&[("forwarded", "for=1.1.1.1"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(resolve(proxy, &h), Some(ip("198.51.100.7")));
        // No peer known: nothing to go on.
        assert_eq!(resolve(None, &h), None);
    }

    #[test]
    fn https_is_believed_from_trusted_proxies_only() {
        let proxies = cidrs(&["10.0.0.0/8"]);
        let https = |peer: &str, h: &HeaderMap, site| ClientInfo::resolve(Some(ip(peer)), h, &proxies, site).https;
        let h = headers(&[("x-forwarded-proto", "https")]);
        assert!(https("10.0.0.2", &h, false));
        assert!(!https("192.0.2.50", &h, false), "anyone can send the header");
        assert!(https("192.0.2.50", &HeaderMap::new(), true), "an https base URL");
        assert!(!https("10.0.0.2", &headers(&[("x-forwarded-proto", "http")]), false));
        let h = headers(&[("forwarded", "for=198.51.100.7;proto=https")]);
        assert!(https("10.0.0.2", &h, false));
        assert!(!https("192.0.2.50", &h, false));
        // The proto of the hop the client was found at, not of another.
        let h = headers(&[("forwarded", "for=1.1.1.1;proto=https, for=198.51.100.7;proto=http")]);
        assert!(!https("10.0.0.2", &h, false));
    }

    #[test]
    fn quoted_separators_do_not_split() {
        assert_eq!(split_outside_quotes("a=\"x,y\", b", ','), vec!["a=\"x,y\"", " b"]);
        assert_eq!(split_outside_quotes("a=\"x\\\";y\";b", ';'), vec!["a=\"x\\\";y\"", "b"]);
        assert_eq!(ClientInfo { ip: None, https: false }.throttle_key(), "addr:unknown");
        assert!(is_https_url("HTTPS://news.example") && !is_https_url("http://news.example") && !is_https_url("https"));
    }
}
