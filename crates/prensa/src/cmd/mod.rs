//! One module per subcommand.

pub mod backup;
pub mod check;
pub mod demo;
pub mod export;
pub mod foreign;
pub mod ghost;
pub mod import;
pub mod json;
pub mod key;
pub mod media;
pub mod migrate_store;
pub mod restore;
pub mod serve;
pub mod static_site;
pub mod user;
pub mod wordpress;
