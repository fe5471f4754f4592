//! One module per subcommand.

pub mod check;
pub mod demo;
pub mod import;
pub mod key;
pub mod media;
pub mod migrate_store;
pub mod serve;
pub mod user;
