//! Account security for Prensa's newsroom: password hashing (argon2id),
//! random tokens for sessions, invites and CSRF, and login throttling.
//!
//! Pure functions and in-memory state only; the store keeps users and
//! sessions, the web layer sets cookies. Tokens are handed to the browser
//! once and only their SHA-256 is stored, so a copy of the database does
//! not let anyone sign in.

mod password;
mod throttle;
mod token;

pub use password::{hash_password, verify_password, PasswordError, MIN_PASSWORD_CHARS};
pub use throttle::{Throttle, Throttled};
pub use token::{constant_time_eq, new_token, token_digest, Token};
