//! Random tokens for sessions, invites, password resets and CSRF.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A freshly made secret: `secret` goes to the browser (cookie, link),
/// `digest` into the store.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub secret: String,
    pub digest: String,
}

// Hand-written so a token never reaches a log line.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token").field("secret", &"<redacted>").field("digest", &self.digest).finish()
    }
}

/// 256 random bits from the operating system, URL-safe.
pub fn new_token() -> Token {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let digest = token_digest(&secret);
    Token { secret, digest }
}

/// What a Content API key starts with, so that one pasted into the wrong
/// place (a repository, a chat) is recognizable for what it is, and scanners
/// can look for it.
pub const API_KEY_PREFIX: &str = "prensa_";

/// How many characters of a key staff see in lists (`prensa_` and five
/// more: 30 of its 256 random bits, enough to tell keys apart, far too few
/// to guess the rest).
pub const API_KEY_DISPLAY_CHARS: usize = API_KEY_PREFIX.len() + 5;

/// A freshly made Content API key: `key` is shown once to whoever made it,
/// `digest` goes into the store, `prefix` is what lists show of it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub key: String,
    pub digest: String,
    pub prefix: String,
}

// Hand-written so a key never reaches a log line.
impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("key", &"<redacted>")
            .field("digest", &self.digest)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// A new Content API key: [`API_KEY_PREFIX`] and a [`new_token`] (256
/// random bits, base64url), so it is URL-safe as `?key=` needs. The one
/// function the command line and the admin both use.
pub fn new_api_key() -> ApiKey {
    let token = new_token();
    let key = format!("{API_KEY_PREFIX}{}", token.secret);
    let digest = token_digest(&key);
    let prefix = key.chars().take(API_KEY_DISPLAY_CHARS).collect();
    ApiKey { key, digest, prefix }
}

/// SHA-256 of a secret, raw: what [`token_digest`] writes as hex, for
/// callers that look digests up in memory (the API's key ring) and need
/// no string.
pub fn sha256(secret: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Sha256::digest(secret.as_bytes()));
    out
}

/// What the store keeps of a token: its SHA-256, hex. A fast hash is right
/// here (unlike for passwords): the input is 256 random bits, not guessable.
pub fn token_digest(secret: &str) -> String {
    let hash = sha256(secret);
    let mut out = String::with_capacity(64);
    for b in hash {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

/// Compares secrets without leaking, through timing, how much matched
/// (used for CSRF tokens, which are compared in full, not looked up).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_digested() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.secret.len(), 43, "32 bytes, base64url without padding");
        assert!(a.secret.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(a.digest, token_digest(&a.secret));
        assert_eq!(a.digest.len(), 64);
        assert!(!format!("{a:?}").contains(&a.secret));
        // A known vector: SHA-256("abc").
        assert_eq!(token_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn api_keys_are_prefixed_random_and_digested() {
        let a = new_api_key();
        let b = new_api_key();
        assert_ne!(a.key, b.key);
        assert!(a.key.starts_with(API_KEY_PREFIX));
        assert_eq!(a.key.len(), API_KEY_PREFIX.len() + 43, "32 random bytes after the prefix");
        assert!(a.key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "URL-safe");
        assert_eq!(a.digest, token_digest(&a.key));
        assert_eq!(a.prefix.len(), API_KEY_DISPLAY_CHARS);
        assert!(a.key.starts_with(&a.prefix));
        assert!(!format!("{a:?}").contains(&a.key));
        let raw = sha256(&a.key);
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, a.digest);
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(constant_time_eq("", ""));
    }
}
