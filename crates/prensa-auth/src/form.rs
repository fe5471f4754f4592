//! Tokens for the forms shown before anyone is signed in: sign-in, invite
//! and password reset.
//!
//! Those forms have no session to derive a CSRF token from, so the token
//! travels twice, in a cookie and in a hidden field, and the two must be
//! equal (double submit). On its own that accepts *any* equal pair: a
//! cookie planted by a sibling subdomain or a man in the middle on plain
//! http, plus the same value in a forged form, signs the victim into the
//! attacker's account (login CSRF). So the value is also signed:
//! `NONCE.ISSUED.TAG`, where TAG is HMAC-SHA256, under a secret every node
//! shares (kept in the database), of the nonce and the issue time. A
//! made-up pair fails; a pair this server minted stops working after
//! `max_age`. (One minted for the attacker still passes this check, which
//! is why the web layer also checks `Origin` / `Sec-Fetch-Site` and, over
//! https, uses `__Host-` cookies that no other origin can set.)

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What the tag covers besides nonce and time, so a tag made for these
/// forms can never be mistaken for one made with the same key elsewhere.
const LABEL: &[u8] = b"prensa-form-token\0";
/// Clocks of nodes sharing a database may differ a little: a token issued
/// by a node slightly ahead is not "from the future" for long.
const CLOCK_SKEW_SECS: i64 = 60;

/// The key form tokens are signed with.
#[derive(Clone)]
pub struct FormKey(Vec<u8>);

// Hand-written so the key never reaches a log line.
impl std::fmt::Debug for FormKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormKey(<redacted>)")
    }
}

impl FormKey {
    /// A key from a stored secret (any length; HMAC takes it as it is).
    pub fn new(secret: &str) -> FormKey {
        FormKey(secret.as_bytes().to_vec())
    }

    fn tag(&self, nonce: &str, issued: i64) -> HmacSha256 {
        // `new_from_slice` accepts keys of every length for HMAC.
        let mut mac = HmacSha256::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(LABEL);
        mac.update(nonce.as_bytes());
        mac.update(b".");
        mac.update(issued.to_string().as_bytes());
        mac
    }

    /// A fresh token issued at `now` (Unix seconds): cookie-safe
    /// characters only (base64url, digits and dots).
    pub fn issue(&self, now: i64) -> String {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        let nonce = URL_SAFE_NO_PAD.encode(bytes);
        let tag = URL_SAFE_NO_PAD.encode(self.tag(&nonce, now).finalize().into_bytes());
        format!("{nonce}.{now}.{tag}")
    }

    /// Whether `token` was issued with this key no more than `max_age`
    /// seconds before `now`. The tag is compared in constant time.
    pub fn verify(&self, token: &str, now: i64, max_age: i64) -> bool {
        let mut parts = token.split('.');
        let (Some(nonce), Some(issued), Some(tag), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let Ok(issued) = issued.parse::<i64>() else { return false };
        let age = now.saturating_sub(issued);
        if nonce.is_empty() || age > max_age || age < -CLOCK_SKEW_SECS {
            return false;
        }
        let Ok(tag) = URL_SAFE_NO_PAD.decode(tag) else { return false };
        self.tag(nonce, issued).verify_slice(&tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let key = FormKey::new("server secret");
        let t = key.issue(1_000_000);
        assert!(t.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')), "{t}");
        assert!(key.verify(&t, 1_000_000, 3600));
        assert!(key.verify(&t, 1_003_600, 3600), "still fine at max_age");
        assert!(!key.verify(&t, 1_003_601, 3600), "expired");
        assert!(key.verify(&t, 1_000_000 - 30, 3600), "a node whose clock is a little behind");
        assert!(!key.verify(&t, 1_000_000 - 3600, 3600), "from the future");
        assert_ne!(key.issue(1_000_000), t, "random nonce");
    }

    #[test]
    fn forged_or_foreign_tokens_fail() {
        let key = FormKey::new("server secret");
        let other = FormKey::new("another server");
        let t = key.issue(1_000_000);
        assert!(!other.verify(&t, 1_000_000, 3600), "another key");
        let (nonce, rest) = t.split_once('.').expect("three parts");
        let (issued, tag) = rest.split_once('.').expect("three parts");
        // A later issue time under the same tag (to extend its life).
        assert!(!key.verify(&format!("{nonce}.{}.{tag}", issued.parse::<i64>().expect("n") + 1000), 1_001_000, 3600));
        assert!(!key.verify(&format!("x{nonce}.{issued}.{tag}"), 1_000_000, 3600), "another nonce");
        for junk in ["", "abc", "a.b.c", "a.1.", ".1.abc", "a.1.b.c", &format!("{t}.x"), "planted"] {
            assert!(!key.verify(junk, 1_000_000, 3600), "{junk}");
        }
        assert!(!format!("{key:?}").contains("server"));
    }

    #[test]
    fn a_known_vector() {
        // RFC 4231 test case 2 ("Jefe"), checked through the same HMAC type.
        let mut mac = HmacSha256::new_from_slice(b"Jefe").expect("key");
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
