//! The Content API's access rules that are plain data: what staff see of a
//! key ([`ApiKeyInfo`]), what revoking one did ([`RevokeOutcome`]), a
//! key's name, and the publication's allowed CORS origins
//! ([`parse_cors_origin`]). The keys themselves are made by `prensa-auth`
//! and checked by the web layer's key ring.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Id;

/// A content API key as staff see it: never the key itself (the store
/// keeps only its digest), but its display prefix so keys can be told
/// apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyInfo {
    pub id: Id,
    pub publication: Id,
    pub name: String,
    /// The key's first characters (`prensa_AbCdE`).
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    /// The name of the account that made it; `None` for keys made from the
    /// command line or whose account is gone.
    pub created_by: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key's digest as the web layer's key ring loads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyDigest {
    /// SHA-256 of the key, 64 lowercase hex characters.
    pub digest: String,
    pub publication: Id,
    pub revoked: bool,
}

/// An `api_keys` row exactly as stored, for whole-store copies
/// (`prensa migrate-store`): the digest, never a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: Id,
    pub publication_id: Id,
    pub name: String,
    pub digest: String,
    pub prefix: String,
    /// UTC Unix seconds.
    pub created_at: i64,
    pub created_by: Option<Id>,
    pub revoked_at: Option<i64>,
}

/// What revoking a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeOutcome {
    Revoked,
    /// It was revoked before; nothing changed.
    AlreadyRevoked,
    /// No key with that id belongs to the publication.
    NotFound,
}

/// The longest key name accepted (characters).
pub const MAX_API_KEY_NAME_CHARS: usize = 100;

/// A key's name, trimmed: 1 to [`MAX_API_KEY_NAME_CHARS`] characters, no
/// control characters (it is printed in lists and terminals).
pub fn api_key_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a key needs a name (who or what uses it)".into());
    }
    if name.chars().count() > MAX_API_KEY_NAME_CHARS {
        return Err(format!("a key's name must be at most {MAX_API_KEY_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("a key's name must not contain control characters".into());
    }
    Ok(name.to_owned())
}

/// The most origins a publication may allow (a longer list is a sign of a
/// mistake, and the API compares against it on every browser request).
pub const MAX_CORS_ORIGINS: usize = 50;

/// One allowed CORS origin in the form browsers send in `Origin`, so the
/// API can compare strings: `*`, or `scheme://host[:port]` with an `http`
/// or `https` scheme, no path, query, fragment or user info; scheme and
/// host lowercased and a default port (`:443` for https, `:80` for http)
/// dropped, since browsers omit it.
pub fn parse_cors_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text == "*" {
        return Ok("*".into());
    }
    let bad = |why: &str| format!("`{text}` is not an origin ({why}); write it as https://host[:port] or *");
    let (scheme, rest) = text.split_once("://").ok_or_else(|| bad("no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return Err(bad("the scheme must be http or https")),
    };
    if rest.contains(['/', '?', '#']) {
        return Err(bad("an origin has no path, not even a trailing slash"));
    }
    if rest.contains('@') {
        return Err(bad("an origin has no user name"));
    }
    // A bracketed IPv6 address holds colons of its own.
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']').ok_or_else(|| bad("unclosed `[`"))?;
            if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                return Err(bad("not an IPv6 address"));
            }
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| bad("junk after the address"))?),
            };
            (format!("[{}]", addr.to_ascii_lowercase()), port)
        }
        None => {
            let (host, port) = match rest.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            };
            let labels_ok = !host.is_empty()
                && host.len() <= 253
                && host.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                });
            if !labels_ok {
                return Err(bad("not a host name"));
            }
            (host.to_ascii_lowercase(), port)
        }
    };
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = p
                .parse()
                .ok()
                .filter(|n| *n > 0 && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| bad("the port must be 1 to 65535"))?;
            let p = n.to_string();
            (p != default_port).then_some(p)
        }
    };
    Ok(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

/// A list of origins ([`parse_cors_origin`] each), duplicates dropped, in
/// the given order; at most [`MAX_CORS_ORIGINS`].
pub fn parse_cors_origins<S: AsRef<str>>(list: &[S]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for item in list {
        let origin = parse_cors_origin(item.as_ref())?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    if out.len() > MAX_CORS_ORIGINS {
        return Err(format!("at most {MAX_CORS_ORIGINS} CORS origins"));
    }
    Ok(out)
}

/// How the store keeps the list: origins separated by spaces (none holds
/// one), empty for none.
pub fn cors_origins_to_text(origins: &[String]) -> String {
    origins.join(" ")
}

/// The inverse of [`cors_origins_to_text`].
pub fn cors_origins_from_text(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized_like_browsers_send_them() {
        assert_eq!(parse_cors_origin("https://App.Example.org").as_deref(), Ok("https://app.example.org"));
        assert_eq!(parse_cors_origin(" HTTPS://app.example.org:443 ").as_deref(), Ok("https://app.example.org"));
        assert_eq!(parse_cors_origin("http://localhost:8080").as_deref(), Ok("http://localhost:8080"));
        assert_eq!(parse_cors_origin("http://localhost:80").as_deref(), Ok("http://localhost"));
        assert_eq!(parse_cors_origin("https://[::1]:8443").as_deref(), Ok("https://[::1]:8443"));
        assert_eq!(parse_cors_origin("http://127.0.0.1:3000").as_deref(), Ok("http://127.0.0.1:3000"));
        assert_eq!(parse_cors_origin("*").as_deref(), Ok("*"));
    }

    #[test]
    fn anything_but_an_origin_is_refused() {
        for bad in [
            "",
            "app.example.org",
            "https://",
            "https://app.example.org/",
            "https://app.example.org/api",
            "https://app.example.org?x",
            "https://app.example.org#x",
            "ftp://app.example.org",
            "javascript://x",
            "https://user@app.example.org",
            "https://app.example.org:0",
            "https://app.example.org:65536",
            "https://app.example.org:+80",
            "https://app.example.org:",
            "https://app..example.org",
            "https://-app.example.org",
            "https://app example.org",
            "https://[::1",
            "https://[zz]",
            "https://[::1]x",
            "null",
            "**",
        ] {
            assert!(parse_cors_origin(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lists_drop_duplicates_and_are_bounded() {
        let list = parse_cors_origins(&["https://a.example", "https://A.example:443", "*"]);
        assert_eq!(list, Ok(vec!["https://a.example".to_owned(), "*".to_owned()]));
        let many: Vec<String> = (0..=MAX_CORS_ORIGINS).map(|i| format!("https://h{i}.example")).collect();
        assert!(parse_cors_origins(&many).is_err());
        assert!(parse_cors_origins(&["https://ok.example", "nope"]).is_err());
        let text = cors_origins_to_text(&list.clone().unwrap_or_default());
        assert_eq!(cors_origins_from_text(&text), list.unwrap_or_default());
        assert!(cors_origins_from_text("").is_empty());
    }

    #[test]
    fn key_names() {
        assert_eq!(api_key_name("  Newsletter  ").as_deref(), Ok("Newsletter"));
        assert!(api_key_name("   ").is_err());
        assert!(api_key_name("a\nb").is_err());
        assert!(api_key_name(&"x".repeat(MAX_API_KEY_NAME_CHARS + 1)).is_err());
        assert!(api_key_name(&"é".repeat(MAX_API_KEY_NAME_CHARS)).is_ok());
    }
}
