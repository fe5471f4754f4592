//! Account security for Prensa's newsroom: password hashing (argon2id),
//! random tokens for sessions, invites and CSRF, Content API keys, and the
//! signed tokens of the forms shown before sign-in.
//!
//! Pure functions only; the store keeps users and sessions (and the
//! sign-in throttle's failure counts, which every node must share), the web
//! layer sets cookies. Tokens are handed to the browser once and only their
//! SHA-256 is stored, so a copy of the database does not let anyone sign
//! in.

mod form;
mod password;
mod token;

pub use form::FormKey;
pub use password::{hash_password, verify_password, PasswordError, MIN_PASSWORD_CHARS};
pub use token::{
    constant_time_eq, new_api_key, new_token, sha256, token_digest, ApiKey, Token, API_KEY_DISPLAY_CHARS,
    API_KEY_PREFIX,
};
