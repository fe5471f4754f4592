//! Passwords, hashed with argon2id.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Shorter passwords are refused outright (NIST SP 800-63B asks for 8 at
/// least; newsroom accounts publish under the masthead, so we ask for more).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer inputs are refused so nobody can make the server hash megabytes.
const MAX_PASSWORD_BYTES: usize = 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters long")]
    TooShort,
    #[error("the password must be at most {MAX_PASSWORD_BYTES} bytes long")]
    TooLong,
    #[error("the stored password hash is not valid: {0}")]
    BadHash(String),
}

/// OWASP's recommended argon2id parameters: 19 MiB of memory, 2 passes,
/// 1 lane. A hash takes tens of milliseconds, which is the point.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::BadHash(e.to_string()))
}

/// Whether `password` matches a stored PHC hash. The parameters come from
/// the hash itself, so hashes made with older settings keep working.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, PasswordError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Ok(false);
    }
    let parsed = PasswordHash::new(stored).map_err(|e| PasswordError::BadHash(e.to_string()))?;
    Ok(hasher().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash_password("correct horse battery").expect("hash");
        let b = hash_password("correct horse battery").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert_eq!(verify_password("correct horse battery", &a), Ok(true));
        assert_eq!(verify_password("correct horse batterY", &a), Ok(false));
        assert!(!a.contains("correct"));
    }

    #[test]
    fn refuses_weak_or_huge_input_and_bad_hashes() {
        assert_eq!(hash_password("short"), Err(PasswordError::TooShort));
        assert_eq!(hash_password(&"x".repeat(2000)), Err(PasswordError::TooLong));
        assert!(matches!(verify_password("whatever123", "not a hash"), Err(PasswordError::BadHash(_))));
        let h = hash_password("0123456789").expect("hash");
        assert_eq!(verify_password(&"x".repeat(5000), &h), Ok(false));
    }
}
