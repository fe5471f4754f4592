//! Migrations embedded in the binary, one list per backend.
//!
//! sqlx's `migrate!` macro would pull in its whole proc-macro stack (and a
//! second sqlx build) just to read these files; `include_str!` plus sqlx's
//! public `MigrationSource` trait gives the same runner, checksums and
//! locking.

use std::borrow::Cow;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType};

#[derive(Debug)]
pub(crate) struct Embedded(pub &'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> futures_core_compat::BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

mod futures_core_compat {
    pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
}

pub(crate) const SQLITE: Embedded = Embedded(&[
    (1, "content", include_str!("../migrations/sqlite/0001_content.sql")),
    (2, "newsroom", include_str!("../migrations/sqlite/0002_newsroom.sql")),
    (3, "editorial", include_str!("../migrations/sqlite/0003_editorial.sql")),
    (4, "preview", include_str!("../migrations/sqlite/0004_preview.sql")),
    (5, "login_throttle", include_str!("../migrations/sqlite/0005_login_throttle.sql")),
    (6, "newsroom_hardening", include_str!("../migrations/sqlite/0006_newsroom_hardening.sql")),
    (7, "server_secrets", include_str!("../migrations/sqlite/0007_server_secrets.sql")),
    (8, "network", include_str!("../migrations/sqlite/0008_network.sql")),
    (9, "feeds", include_str!("../migrations/sqlite/0009_feeds.sql")),
    (10, "api_keys", include_str!("../migrations/sqlite/0010_api_keys.sql")),
    (11, "media_library", include_str!("../migrations/sqlite/0011_media_library.sql")),
    (12, "seo_custom_fields", include_str!("../migrations/sqlite/0012_seo_custom_fields.sql")),
    (13, "front_page", include_str!("../migrations/sqlite/0013_front_page.sql")),
    (14, "staff_trash", include_str!("../migrations/sqlite/0014_staff_trash.sql")),
    (15, "foreign_imports", include_str!("../migrations/sqlite/0015_foreign_imports.sql")),
    (16, "section_lists", include_str!("../migrations/sqlite/0016_section_lists.sql")),
    (17, "list_order", include_str!("../migrations/sqlite/0017_list_order.sql")),
    (18, "body_compression", include_str!("../migrations/sqlite/0018_body_compression.sql")),
    (19, "admin_list", include_str!("../migrations/sqlite/0019_admin_list.sql")),
]);

pub(crate) const POSTGRES: Embedded = Embedded(&[
    (1, "content", include_str!("../migrations/postgres/0001_content.sql")),
    (2, "newsroom", include_str!("../migrations/postgres/0002_newsroom.sql")),
    (3, "editorial", include_str!("../migrations/postgres/0003_editorial.sql")),
    (4, "preview", include_str!("../migrations/postgres/0004_preview.sql")),
    (5, "login_throttle", include_str!("../migrations/postgres/0005_login_throttle.sql")),
    (6, "newsroom_hardening", include_str!("../migrations/postgres/0006_newsroom_hardening.sql")),
    (7, "server_secrets", include_str!("../migrations/postgres/0007_server_secrets.sql")),
    (8, "network", include_str!("../migrations/postgres/0008_network.sql")),
    (9, "feeds", include_str!("../migrations/postgres/0009_feeds.sql")),
    (10, "api_keys", include_str!("../migrations/postgres/0010_api_keys.sql")),
    (11, "media_library", include_str!("../migrations/postgres/0011_media_library.sql")),
    (12, "seo_custom_fields", include_str!("../migrations/postgres/0012_seo_custom_fields.sql")),
    (13, "front_page", include_str!("../migrations/postgres/0013_front_page.sql")),
    (14, "staff_trash", include_str!("../migrations/postgres/0014_staff_trash.sql")),
    (15, "foreign_imports", include_str!("../migrations/postgres/0015_foreign_imports.sql")),
    (16, "section_lists", include_str!("../migrations/postgres/0016_section_lists.sql")),
    (17, "list_order", include_str!("../migrations/postgres/0017_list_order.sql")),
    (18, "body_compression", include_str!("../migrations/postgres/0018_body_compression.sql")),
    (19, "admin_list", include_str!("../migrations/postgres/0019_admin_list.sql")),
]);
