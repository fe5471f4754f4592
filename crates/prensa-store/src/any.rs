//! [`AnyStore`]: the backend chosen at run time from the database URL.
//!
//! The web layer is generic over [`Store`], so it could be compiled once per
//! backend; the CLI instead takes the URL from a flag, the environment or a
//! file, which is only known at run time. An enum with a `match` per call
//! costs one predictable branch next to a database round trip, and keeps a
//! single monomorphized server in the binary.

use chrono::{DateTime, Utc};
use prensa_core::{
    Article, ArticleQuery, ArticleSummary, Author, Id, ImportCounts, ImportSet, MediaAsset, Page, Publication, Section,
    Snapshot, Tag,
};

use crate::{PostgresStore, Result, SqliteStore, Store, StoreError};

/// A store of either backend.
#[derive(Clone, Debug)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl AnyStore {
    /// Opens the store `url` names: `sqlite:…` (`sqlite://PATH`,
    /// `sqlite::memory:`) or `postgres://…` / `postgresql://…`. Anything
    /// else is [`StoreError::UnsupportedUrl`].
    pub async fn open(url: &str) -> Result<AnyStore> {
        if url.starts_with("sqlite:") {
            Ok(AnyStore::Sqlite(SqliteStore::open(url).await?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(AnyStore::Postgres(PostgresStore::open(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// The backend's name, for log lines.
    pub fn backend(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "SQLite",
            AnyStore::Postgres(_) => "PostgreSQL",
        }
    }

    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(s) => s.close().await,
            AnyStore::Postgres(s) => s.close().await,
        }
    }
}

/// `url` with the password (if any) replaced by `***`, fit for messages:
/// `postgres://app:secret@db/prensa` → `postgres://app:***@db/prensa`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    // The authority ends at the first `/`, `?` or `#`; a password may hold
    // `@`, so the credentials end at the authority's last `@`.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// Forwards a `Store` method to whichever backend is inside.
macro_rules! delegate {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            AnyStore::Sqlite(s) => s.$method($($arg),*).await,
            AnyStore::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store for AnyStore {
    async fn publications(&self) -> Result<Vec<Publication>> {
        delegate!(self.publications())
    }

    async fn sections(&self, publication: Id) -> Result<Vec<Section>> {
        delegate!(self.sections(publication))
    }

    async fn section_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Section>> {
        delegate!(self.section_by_slug(publication, slug))
    }

    async fn tag_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Tag>> {
        delegate!(self.tag_by_slug(publication, slug))
    }

    async fn author_by_slug(&self, publication: Id, slug: &str) -> Result<Option<Author>> {
        delegate!(self.author_by_slug(publication, slug))
    }

    async fn published_article(&self, publication: Id, slug: &str, now: DateTime<Utc>) -> Result<Option<Article>> {
        delegate!(self.published_article(publication, slug, now))
    }

    async fn published_articles(
        &self,
        publication: Id,
        query: &ArticleQuery,
        now: DateTime<Utc>,
    ) -> Result<Page<ArticleSummary>> {
        delegate!(self.published_articles(publication, query, now))
    }

    async fn next_scheduled(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        delegate!(self.next_scheduled(now))
    }

    async fn content_version(&self) -> Result<i64> {
        delegate!(self.content_version())
    }

    async fn media(&self, key: &str) -> Result<Option<MediaAsset>> {
        delegate!(self.media(key))
    }

    async fn apply_import(&self, set: &ImportSet, prune: bool) -> Result<ImportCounts> {
        delegate!(self.apply_import(set, prune))
    }

    async fn export_all(&self) -> Result<Snapshot> {
        delegate!(self.export_all())
    }

    async fn import_snapshot(&self, snapshot: &Snapshot, replace: bool) -> Result<()> {
        delegate!(self.import_snapshot(snapshot, replace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(redact_url("postgres://app:s3cr@t@db:5432/prensa?x=1"), "postgres://app:***@db:5432/prensa?x=1");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(redact_url("sqlite:///srv/a:b@c.db"), "sqlite:///srv/a:b@c.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[tokio::test]
    async fn the_scheme_picks_the_backend() -> Result<()> {
        assert_eq!(AnyStore::open("sqlite::memory:").await?.backend(), "SQLite");
        for url in ["mysql://u:pw@h/db", "prensa.db", "file:x.db"] {
            match AnyStore::open(url).await {
                Err(e @ StoreError::UnsupportedUrl(_)) => {
                    let msg = e.to_string();
                    assert!(msg.contains("sqlite://") && msg.contains("postgres://"), "{msg}");
                    assert!(!msg.contains("pw"), "{msg}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        Ok(())
    }
}
