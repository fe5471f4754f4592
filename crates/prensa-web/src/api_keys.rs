//! The Content API's key ring: every key's SHA-256 in memory, so checking
//! the key of an API request is one hash and one hash-table lookup, with no
//! database round trip.
//!
//! The ring is loaded by [`crate::AppState::new`] and reloaded by the
//! watcher whenever the change feed names `api_keys` (every key write
//! records it), so a key made or revoked on one node is known to every
//! node within one watcher tick (~0.5 s). Revoked keys stay in the ring so
//! [`KeyRing::verify`] can tell a revoked key from one that never existed.

use std::collections::HashMap;
use std::sync::RwLock;

use chrono::Utc;
use prensa_core::{ApiKeyDigest, Id};
use prensa_store::{ApiKeys, StoreError};

/// What [`KeyRing::verify`] found for a presented key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyVerdict {
    /// A live key of the publication asked about.
    Valid,
    /// A key of that publication that has been revoked.
    Revoked,
    /// No key of that publication (a key of another publication included).
    Unknown,
}

/// No key Prensa makes is longer than this; anything longer is not hashed.
const MAX_KEY_LEN: usize = 256;

#[derive(Debug, Clone, Copy)]
struct Entry {
    publication: Id,
    revoked: bool,
}

/// Every key's digest, by digest. Swapped whole on reload (built outside
/// the lock), so a lookup takes the read lock only for one hash-table
/// probe and never waits on the database.
#[derive(Debug, Default)]
pub struct KeyRing {
    keys: RwLock<HashMap<[u8; 32], Entry>>,
}

impl KeyRing {
    /// A ring holding `digests` (as the store lists them). Digests that are
    /// not 64 hex characters are skipped (and logged): no key could match.
    pub fn new(digests: &[ApiKeyDigest]) -> KeyRing {
        let ring = KeyRing::default();
        ring.replace(digests);
        ring
    }

    /// Replaces the ring's contents at once (requests see the old set or
    /// the new one, never a mix).
    pub fn replace(&self, digests: &[ApiKeyDigest]) {
        let mut map = HashMap::with_capacity(digests.len());
        for d in digests {
            match decode_hex(&d.digest) {
                Some(raw) => {
                    map.insert(raw, Entry { publication: d.publication, revoked: d.revoked });
                }
                None => tracing::warn!(
                    publication = d.publication,
                    "an API key's stored digest is not SHA-256 hex; skipped"
                ),
            }
        }
        let old = std::mem::replace(&mut *self.keys.write().unwrap_or_else(|e| e.into_inner()), map);
        // Freed after the write lock is released.
        drop(old);
    }

    /// How many keys (revoked included) the ring holds.
    pub fn len(&self) -> usize {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks a key presented for `publication`. The key is hashed once
    /// (SHA-256) and its digest looked up. No constant-time comparison is
    /// needed: what is compared is the digest, inside the hash table, and
    /// learning from timing how much of a *digest* matched tells an
    /// attacker nothing about a key that hashes to it (SHA-256 is
    /// preimage-resistant).
    pub fn verify(&self, publication: Id, presented: &str) -> KeyVerdict {
        if presented.is_empty() || presented.len() > MAX_KEY_LEN {
            return KeyVerdict::Unknown;
        }
        let digest = prensa_auth::sha256(presented);
        let found = self.keys.read().unwrap_or_else(|e| e.into_inner()).get(&digest).copied();
        match found {
            Some(Entry { publication: p, revoked }) if p == publication => {
                if revoked {
                    KeyVerdict::Revoked
                } else {
                    KeyVerdict::Valid
                }
            }
            _ => KeyVerdict::Unknown,
        }
    }
}

/// Makes a new key of `publication` named `name` (checked by
/// `prensa_core::content_api::api_key_name`) and stores its digest: the
/// one way keys are made, by the command line (`created_by` `None`) and
/// the admin alike. The key itself is in the returned [`prensa_auth::ApiKey`]
/// only, to be shown once. [`StoreError::Invalid`] for a bad name,
/// [`StoreError::NotFound`] for an unknown publication.
pub async fn issue_key<S: ApiKeys>(
    store: &S,
    publication: Id,
    name: &str,
    created_by: Option<Id>,
) -> Result<(Id, prensa_auth::ApiKey), StoreError> {
    let name = prensa_core::content_api::api_key_name(name).map_err(StoreError::Invalid)?;
    let key = prensa_auth::new_api_key();
    let id = store.create_api_key(publication, &name, &key.digest, &key.prefix, created_by, Utc::now()).await?;
    Ok((id, key))
}

/// 64 hex characters (either case) as 32 bytes. Hand-written: ten lines
/// against a dependency for the one place digests are read back.
fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let nibble = |c: u8| char::from(c).to_digit(16).and_then(|d| u8::try_from(d).ok());
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(key: &str, publication: Id, revoked: bool) -> ApiKeyDigest {
        ApiKeyDigest { digest: prensa_auth::token_digest(key), publication, revoked }
    }

    #[test]
    fn verdicts() {
        let live = prensa_auth::new_api_key();
        let ring = KeyRing::new(&[
            digest(&live.key, 1, false),
            digest("prensa_revoked", 1, true),
            digest("prensa_other", 2, false),
            ApiKeyDigest { digest: "not hex".into(), publication: 1, revoked: false },
        ]);
        assert_eq!(ring.len(), 3, "the malformed digest is skipped");
        assert_eq!(ring.verify(1, &live.key), KeyVerdict::Valid);
        assert_eq!(ring.verify(1, "prensa_revoked"), KeyVerdict::Revoked);
        assert_eq!(ring.verify(1, "prensa_other"), KeyVerdict::Unknown, "a key of another publication");
        assert_eq!(ring.verify(2, "prensa_other"), KeyVerdict::Valid);
        assert_eq!(ring.verify(2, &live.key), KeyVerdict::Unknown);
        assert_eq!(ring.verify(1, ""), KeyVerdict::Unknown);
        assert_eq!(ring.verify(1, &live.digest), KeyVerdict::Unknown, "the digest is not the key");
        assert_eq!(ring.verify(1, &live.key[..live.key.len() - 1]), KeyVerdict::Unknown);
        assert_eq!(ring.verify(1, &"x".repeat(10_000)), KeyVerdict::Unknown);

        ring.replace(&[digest(&live.key, 1, true)]);
        assert_eq!(ring.verify(1, &live.key), KeyVerdict::Revoked);
        assert_eq!(ring.verify(2, "prensa_other"), KeyVerdict::Unknown, "gone after the reload");
    }

    #[test]
    fn hex_round_trip() {
        let hex = prensa_auth::token_digest("abc");
        let raw = decode_hex(&hex).expect("hex");
        assert_eq!(raw, prensa_auth::sha256("abc"));
        assert_eq!(decode_hex(&hex.to_uppercase()), Some(raw));
        assert_eq!(decode_hex(&hex[1..]), None);
        assert_eq!(decode_hex(&format!("{}g", &hex[1..])), None);
        assert_eq!(decode_hex(&format!("{}é", &hex[2..])), None);
    }
}
