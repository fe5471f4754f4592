//! [`AnyStore`]: the backend chosen at run time from the database URL.
//!
//! The web layer is generic over [`Store`], so it could be compiled once per
//! backend; the CLI instead takes the URL from a flag, the environment or a
//! file, which is only known at run time. An enum with a `match` per call
//! costs one predictable branch next to a database round trip, and keeps a
//! single monomorphized server in the binary.

use chrono::{DateTime, Utc};
use prensa_core::permissions::Role;
use prensa_core::{
    AdminArticleRow, AdminQuery, Article, ArticleDraft, ArticleQuery, ArticleSummary, Author, Change, EditableArticle,
    Id, ImportCounts, ImportSet, MediaAsset, NewAuthor, NewSection, NewUser, Page, Publication, PublicationEdit,
    Revision, SaveOutcome, Section, Snapshot, Tag, TokenKind, Transition, User,
};

use crate::{Newsroom, PostgresStore, Result, SqliteStore, Store, StoreError};

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

    async fn media_many(&self, keys: &[String]) -> Result<Vec<MediaAsset>> {
        delegate!(self.media_many(keys))
    }

    async fn apply_import(&self, set: &ImportSet, prune: bool) -> Result<ImportCounts> {
        delegate!(self.apply_import(set, prune))
    }

    async fn apply_network_from(
        &self,
        import: &prensa_core::NetworkImport,
        prune: bool,
        bodies: &dyn prensa_core::BodySource,
    ) -> Result<Vec<ImportCounts>> {
        delegate!(self.apply_network_from(import, prune, bodies))
    }

    async fn home_pins(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<ArticleSummary>> {
        delegate!(self.home_pins(publication, now))
    }

    async fn brands(&self) -> Result<Vec<crate::Brand>> {
        delegate!(self.brands())
    }

    async fn sister_articles(
        &self,
        publication: Id,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<prensa_core::SisterArticle>> {
        delegate!(self.sister_articles(publication, limit, now))
    }

    async fn author_publications(&self, author: Id) -> Result<Vec<Id>> {
        delegate!(self.author_publications(author))
    }

    async fn export_all(&self) -> Result<Snapshot> {
        delegate!(self.export_all())
    }

    fn pool_stats(&self) -> crate::PoolStats {
        match self {
            AnyStore::Sqlite(s) => s.pool_stats(),
            AnyStore::Postgres(s) => s.pool_stats(),
        }
    }

    async fn import_snapshot(&self, snapshot: &Snapshot, replace: bool) -> Result<()> {
        delegate!(self.import_snapshot(snapshot, replace))
    }
}

impl Newsroom for AnyStore {
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
        delegate!(self.create_user(user, now))
    }

    async fn user(&self, id: Id) -> Result<Option<User>> {
        delegate!(self.user(id))
    }

    async fn user_for_login(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
        delegate!(self.user_for_login(email))
    }

    async fn users(&self) -> Result<Vec<User>> {
        delegate!(self.users())
    }

    async fn set_password(&self, user: Id, hash: &str) -> Result<()> {
        delegate!(self.set_password(user, hash))
    }

    async fn set_role(&self, user: Id, role: Role) -> Result<()> {
        delegate!(self.set_role(user, role))
    }

    async fn publication_role(&self, user: Id, publication: Id) -> Result<Option<Role>> {
        delegate!(self.publication_role(user, publication))
    }

    async fn publication_roles(&self) -> Result<Vec<(Id, Id, Role)>> {
        delegate!(self.publication_roles())
    }

    async fn set_publication_role(&self, user: Id, publication: Id, role: Option<Role>) -> Result<()> {
        delegate!(self.set_publication_role(user, publication, role))
    }

    async fn create_token(&self, kind: TokenKind, digest: &str, user: Id, expires_at: DateTime<Utc>) -> Result<()> {
        delegate!(self.create_token(kind, digest, user, expires_at))
    }

    async fn token_user(&self, kind: TokenKind, digest: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        delegate!(self.token_user(kind, digest, now))
    }

    async fn redeem_token(
        &self,
        kind: TokenKind,
        digest: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>> {
        delegate!(self.redeem_token(kind, digest, password_hash, now))
    }

    async fn create_session(
        &self,
        digest: &str,
        user: Id,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        delegate!(self.create_session(digest, user, now, expires_at))
    }

    async fn session_user(&self, digest: &str, now: DateTime<Utc>, idle: std::time::Duration) -> Result<Option<User>> {
        delegate!(self.session_user(digest, now, idle))
    }

    async fn delete_session(&self, digest: &str) -> Result<()> {
        delegate!(self.delete_session(digest))
    }

    async fn delete_sessions_of(&self, user: Id) -> Result<u64> {
        delegate!(self.delete_sessions_of(user))
    }

    async fn begin_login(
        &self,
        keys: &[&str],
        limit: u32,
        window: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<crate::newsroom::LoginGate> {
        delegate!(self.begin_login(keys, limit, window, now))
    }

    async fn login_succeeded(&self, attempt: &crate::newsroom::LoginAttempt, account_key: &str) -> Result<()> {
        delegate!(self.login_succeeded(attempt, account_key))
    }

    async fn server_secret(&self, name: &str, fresh: &str) -> Result<String> {
        delegate!(self.server_secret(name, fresh))
    }

    async fn admin_articles(
        &self,
        publication: Id,
        query: &AdminQuery,
        now: DateTime<Utc>,
    ) -> Result<Page<AdminArticleRow>> {
        delegate!(self.admin_articles(publication, query, now))
    }

    async fn editable_article(&self, id: Id) -> Result<Option<EditableArticle>> {
        delegate!(self.editable_article(id))
    }

    async fn create_article(
        &self,
        publication: Id,
        draft: &ArticleDraft,
        user: Id,
        now: DateTime<Utc>,
    ) -> Result<EditableArticle> {
        delegate!(self.create_article(publication, draft, user, now))
    }

    async fn save_article(
        &self,
        id: Id,
        expected_version: i64,
        draft: &ArticleDraft,
        user: Id,
        now: DateTime<Utc>,
    ) -> Result<SaveOutcome> {
        delegate!(self.save_article(id, expected_version, draft, user, now))
    }

    async fn save_and_transition(
        &self,
        id: Id,
        expected_version: i64,
        draft: &ArticleDraft,
        transition: Option<Transition>,
        user: Id,
        now: DateTime<Utc>,
    ) -> Result<SaveOutcome> {
        delegate!(self.save_and_transition(id, expected_version, draft, transition, user, now))
    }

    async fn transition(
        &self,
        id: Id,
        expected_version: i64,
        transition: Transition,
        user: Id,
        now: DateTime<Utc>,
    ) -> Result<SaveOutcome> {
        delegate!(self.transition(id, expected_version, transition, user, now))
    }

    async fn slug_redirect(&self, publication: Id, old_slug: &str) -> Result<Option<String>> {
        delegate!(self.slug_redirect(publication, old_slug))
    }

    async fn revisions(&self, article: Id) -> Result<Vec<Revision>> {
        delegate!(self.revisions(article))
    }

    async fn revision(&self, id: Id) -> Result<Option<Revision>> {
        delegate!(self.revision(id))
    }

    async fn authors(&self, publication: Id) -> Result<Vec<Author>> {
        delegate!(self.authors(publication))
    }

    async fn tags(&self, publication: Id) -> Result<Vec<Tag>> {
        delegate!(self.tags(publication))
    }

    async fn add_media(&self, asset: &MediaAsset) -> Result<()> {
        delegate!(self.add_media(asset))
    }

    async fn media_list(&self, limit: u32, offset: u32) -> Result<Page<MediaAsset>> {
        delegate!(self.media_list(limit, offset))
    }

    async fn changes_since(&self, version: i64) -> Result<Vec<Change>> {
        delegate!(self.changes_since(version))
    }
}

// --- the editorial workflow (editorial.rs) --------------------------------

impl crate::SearchSource for AnyStore {
    async fn search_documents(&self, scope: &crate::DocScope) -> Result<Vec<prensa_core::SearchDocument>> {
        delegate!(self.search_documents(scope))
    }
}

impl crate::ContentApi for AnyStore {
    async fn api_articles(
        &self,
        publication: Id,
        filter: &crate::ArticleFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<prensa_core::Article>> {
        delegate!(self.api_articles(publication, filter, now))
    }

    async fn api_authors(&self, publication: Id) -> Result<Vec<prensa_core::Author>> {
        delegate!(self.api_authors(publication))
    }

    async fn api_tags(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<(prensa_core::Tag, u64)>> {
        delegate!(self.api_tags(publication, now))
    }
}

impl crate::ApiKeys for AnyStore {
    async fn create_api_key(
        &self,
        publication: Id,
        name: &str,
        digest: &str,
        prefix: &str,
        created_by: Option<Id>,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        delegate!(self.create_api_key(publication, name, digest, prefix, created_by, now))
    }

    async fn api_keys(&self, publication: Id) -> Result<Vec<prensa_core::ApiKeyInfo>> {
        delegate!(self.api_keys(publication))
    }

    async fn revoke_api_key(&self, publication: Id, id: Id, now: DateTime<Utc>) -> Result<prensa_core::RevokeOutcome> {
        delegate!(self.revoke_api_key(publication, id, now))
    }

    async fn api_key_digests(&self) -> Result<Vec<prensa_core::ApiKeyDigest>> {
        delegate!(self.api_key_digests())
    }

    async fn set_api_cors_origins(&self, publication: Id, origins: &[String]) -> Result<()> {
        delegate!(self.set_api_cors_origins(publication, origins))
    }
}

impl crate::MediaLibrary for AnyStore {
    async fn add_upload(
        &self,
        asset: &MediaAsset,
        meta: &prensa_core::MediaMeta,
        now: DateTime<Utc>,
    ) -> Result<prensa_core::MediaInfo> {
        delegate!(self.add_upload(asset, meta, now))
    }

    async fn media_info(&self, key: &str) -> Result<Option<prensa_core::MediaInfo>> {
        delegate!(self.media_info(key))
    }

    async fn search_media(&self, search: &str, limit: u32, offset: u32) -> Result<Page<prensa_core::MediaInfo>> {
        delegate!(self.search_media(search, limit, offset))
    }

    async fn update_media(&self, key: &str, meta: &prensa_core::MediaMeta) -> Result<()> {
        delegate!(self.update_media(key, meta))
    }

    async fn media_usage(&self, key: &str) -> Result<prensa_core::MediaUsage> {
        delegate!(self.media_usage(key))
    }

    async fn delete_media(&self, key: &str) -> Result<prensa_core::MediaUsage> {
        delegate!(self.delete_media(key))
    }
}

impl crate::SitemapSource for AnyStore {
    async fn sitemap_months(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<crate::SitemapMonth>> {
        delegate!(self.sitemap_months(publication, now))
    }

    async fn sitemap_articles(
        &self,
        publication: Id,
        range: &crate::SitemapRange,
        now: DateTime<Utc>,
    ) -> Result<Vec<crate::SitemapArticle>> {
        delegate!(self.sitemap_articles(publication, range, now))
    }

    async fn sitemap_lists(&self, publication: Id, now: DateTime<Utc>) -> Result<crate::SitemapLists> {
        delegate!(self.sitemap_lists(publication, now))
    }
}

impl crate::Desk for AnyStore {
    async fn save_section(
        &self,
        publication: Id,
        id: Option<Id>,
        section: &NewSection,
        position: Option<i64>,
    ) -> Result<Section> {
        delegate!(self.save_section(publication, id, section, position))
    }

    async fn delete_section(&self, publication: Id, id: Id) -> Result<()> {
        delegate!(self.delete_section(publication, id))
    }

    async fn rename_tag(&self, publication: Id, id: Id, name: &str, slug: &str) -> Result<Tag> {
        delegate!(self.rename_tag(publication, id, name, slug))
    }

    async fn delete_tag(&self, publication: Id, id: Id) -> Result<()> {
        delegate!(self.delete_tag(publication, id))
    }

    async fn save_author(&self, publication: Id, id: Option<Id>, author: &NewAuthor) -> Result<Author> {
        delegate!(self.save_author(publication, id, author))
    }

    async fn update_publication(&self, id: Id, edit: &PublicationEdit) -> Result<()> {
        delegate!(self.update_publication(id, edit))
    }

    async fn set_preview_digest(&self, article: Id, digest: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        delegate!(self.set_preview_digest(article, digest, now))
    }

    async fn preview_link(&self, article: Id) -> Result<Option<crate::PreviewLink>> {
        delegate!(self.preview_link(article))
    }

    async fn article_by_preview_digest(&self, digest: &str) -> Result<Option<Id>> {
        delegate!(self.article_by_preview_digest(digest))
    }
}

impl crate::Front for AnyStore {
    async fn front_pins(&self, publication: Id, now: DateTime<Utc>) -> Result<Vec<crate::FrontPin>> {
        delegate!(self.front_pins(publication, now))
    }

    async fn pin_article(
        &self,
        publication: Id,
        article: Id,
        slot: prensa_core::front::Slot,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        delegate!(self.pin_article(publication, article, slot, expires_at, now))
    }

    async fn unpin_article(&self, publication: Id, article: Id) -> Result<()> {
        delegate!(self.unpin_article(publication, article))
    }

    async fn move_pin(&self, publication: Id, article: Id, up: bool) -> Result<()> {
        delegate!(self.move_pin(publication, article, up))
    }

    async fn set_brand(&self, publication: Id, logo: Option<&str>, favicon: Option<&str>) -> Result<()> {
        delegate!(self.set_brand(publication, logo, favicon))
    }
}

impl crate::Editorial for AnyStore {
    async fn add_note(&self, article: Id, user: Id, body: &str, now: DateTime<Utc>) -> Result<crate::ReviewNote> {
        delegate!(self.add_note(article, user, body, now))
    }

    async fn notes(&self, article: Id) -> Result<Vec<crate::ReviewNote>> {
        delegate!(self.notes(article))
    }

    async fn resolve_note(&self, note: Id, user: Id, now: DateTime<Utc>) -> Result<crate::ReviewNote> {
        delegate!(self.resolve_note(note, user, now))
    }

    async fn open_note_count(&self, article: Id) -> Result<u64> {
        delegate!(self.open_note_count(article))
    }

    async fn schedule_change(
        &self,
        article: Id,
        kind: &crate::ChangeKind,
        base_version: i64,
        run_at: DateTime<Utc>,
        user: Id,
        now: DateTime<Utc>,
    ) -> Result<crate::ScheduledChange> {
        delegate!(self.schedule_change(article, kind, base_version, run_at, user, now))
    }

    async fn pending_changes(&self, article: Id) -> Result<Vec<crate::ScheduledChange>> {
        delegate!(self.pending_changes(article))
    }

    async fn cancel_change(&self, id: Id) -> Result<bool> {
        delegate!(self.cancel_change(id))
    }

    async fn translate_into(
        &self,
        article: Id,
        target: Id,
        user: Id,
        now: DateTime<Utc>,
    ) -> Result<prensa_core::EditableArticle> {
        delegate!(self.translate_into(article, target, user, now))
    }

    async fn translation_group(&self, article: Id) -> Result<Vec<prensa_core::GroupMember>> {
        delegate!(self.translation_group(article))
    }

    async fn translation_state(&self, article: Id) -> Result<Option<prensa_core::TranslationState>> {
        delegate!(self.translation_state(article))
    }

    async fn mark_translation_current(&self, article: Id) -> Result<Option<prensa_core::TranslationState>> {
        delegate!(self.mark_translation_current(article))
    }

    async fn untranslated(
        &self,
        publication: Id,
        language: &str,
        only_language: Option<&str>,
        limit: u32,
        offset: u32,
        now: DateTime<Utc>,
    ) -> Result<prensa_core::Page<prensa_core::UntranslatedRow>> {
        delegate!(self.untranslated(publication, language, only_language, limit, offset, now))
    }

    async fn failed_changes(&self, article: Id) -> Result<Vec<crate::ScheduledChange>> {
        delegate!(self.failed_changes(article))
    }

    async fn failed_changes_in(&self, publication: Id, limit: u32) -> Result<Vec<crate::FailedChange>> {
        delegate!(self.failed_changes_in(publication, limit))
    }

    async fn discard_change(&self, id: Id) -> Result<bool> {
        delegate!(self.discard_change(id))
    }

    async fn run_due_changes(&self, now: DateTime<Utc>) -> Result<Vec<crate::Applied>> {
        delegate!(self.run_due_changes(now))
    }
}

// --- staff from invite to departure, the trash (staffing.rs) ----------------

impl crate::Staffing for AnyStore {
    async fn invite_user(
        &self,
        user: &NewUser,
        profile: Option<&crate::NewProfile>,
        profile_publication: Id,
        now: DateTime<Utc>,
    ) -> Result<User> {
        delegate!(self.invite_user(user, profile, profile_publication, now))
    }

    async fn set_user_author(&self, user: Id, author: Option<Id>) -> Result<User> {
        delegate!(self.set_user_author(user, author))
    }

    async fn set_user_active(&self, user: Id, active: bool, now: DateTime<Utc>) -> Result<User> {
        delegate!(self.set_user_active(user, active, now))
    }

    async fn reply_to_note(
        &self,
        article: Id,
        note: Id,
        user: Id,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::ReviewNote> {
        delegate!(self.reply_to_note(article, note, user, body, now))
    }

    async fn notes_waiting(&self, publication: Id, author: Id) -> Result<Vec<crate::NotesWaiting>> {
        delegate!(self.notes_waiting(publication, author))
    }

    async fn trashed_at(&self, article: Id) -> Result<Option<DateTime<Utc>>> {
        delegate!(self.trashed_at(article))
    }

    async fn trash_article(&self, article: Id, user: Id, now: DateTime<Utc>) -> Result<EditableArticle> {
        delegate!(self.trash_article(article, user, now))
    }

    async fn restore_article(&self, article: Id, user: Id, now: DateTime<Utc>) -> Result<EditableArticle> {
        delegate!(self.restore_article(article, user, now))
    }

    async fn trashed_articles(&self, publication: Id) -> Result<Vec<crate::TrashedArticle>> {
        delegate!(self.trashed_articles(publication))
    }

    async fn delete_forever(&self, article: Id) -> Result<bool> {
        delegate!(self.delete_forever(article))
    }

    async fn purge_trash(&self, now: DateTime<Utc>, every: chrono::Duration) -> Result<Option<Vec<Id>>> {
        delegate!(self.purge_trash(now, every))
    }
}

impl crate::ForeignImports for AnyStore {
    async fn import_sources(
        &self,
        publication: &str,
        platform: prensa_core::foreign::Platform,
    ) -> Result<Vec<prensa_core::foreign::SourceLink>> {
        delegate!(self.import_sources(publication, platform))
    }

    async fn article_slugs(&self, publication: &str) -> Result<Vec<String>> {
        delegate!(self.article_slugs(publication))
    }

    async fn apply_foreign_from(
        &self,
        import: &prensa_core::foreign::ForeignImport,
        bodies: &dyn prensa_core::BodySource,
    ) -> Result<Vec<ImportCounts>> {
        delegate!(self.apply_foreign_from(import, bodies))
    }

    async fn legacy_url(&self, publication: Id, path: &str) -> Result<Option<String>> {
        delegate!(self.legacy_url(publication, path))
    }

    async fn has_legacy_urls(&self, publication: Id) -> Result<bool> {
        delegate!(self.has_legacy_urls(publication))
    }
}

impl crate::ArticleFields for AnyStore {
    async fn custom_fields(&self, publication: Id) -> Result<Vec<prensa_core::CustomField>> {
        delegate!(self.custom_fields(publication))
    }

    async fn create_custom_field(
        &self,
        publication: Id,
        draft: &prensa_core::CustomFieldDraft,
    ) -> Result<prensa_core::CustomField> {
        delegate!(self.create_custom_field(publication, draft))
    }

    async fn update_custom_field(
        &self,
        publication: Id,
        id: Id,
        draft: &prensa_core::CustomFieldDraft,
    ) -> Result<prensa_core::CustomField> {
        delegate!(self.update_custom_field(publication, id, draft))
    }

    async fn delete_custom_field(&self, publication: Id, id: Id) -> Result<u64> {
        delegate!(self.delete_custom_field(publication, id))
    }

    async fn custom_field_usage(&self, publication: Id) -> Result<Vec<(Id, u64)>> {
        delegate!(self.custom_field_usage(publication))
    }

    async fn article_extras(&self, article: Id) -> Result<prensa_core::ArticleExtras> {
        delegate!(self.article_extras(article))
    }

    async fn articles_extras(
        &self,
        articles: &[Id],
    ) -> Result<std::collections::BTreeMap<Id, prensa_core::ArticleExtras>> {
        delegate!(self.articles_extras(articles))
    }

    async fn save_article_extras(&self, article: Id, extras: &prensa_core::ArticleExtras) -> Result<()> {
        delegate!(self.save_article_extras(article, extras))
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
