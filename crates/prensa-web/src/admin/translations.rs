//! Translations between the network's publications, in the admin:
//! "Translate into…" on an article's editor, each publication's queue
//! "From our sister sites, not yet translated" (`/admin/translations/`),
//! and, on a translation's editor, "The original changed since this
//! translation" with the original's diff and "Mark as up to date".
//!
//! A translation is started on the publication it goes into: the caller
//! needs a role there that may start drafts
//! ([`prensa_core::permissions::may_translate_into`]), whichever
//! publication's admin the request came through, and is then sent to the
//! new draft's editor on that publication's own address.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::Utc;
use http::StatusCode;
use prensa_core::permissions::{check, may_translate_into, role_on, Action, ArticleFacts, Role};
use prensa_core::{EditableArticle, Id, Status};
use prensa_store::{Editorial, Newsroom};
use serde::{Deserialize, Serialize};

use super::articles::{diff_drafts, Choice, DiffLine};
use super::session::{CsrfForm, Staffer};
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// Articles per page of the queue.
pub const QUEUE_PAGE: u32 = 20;

/// The translation part of an article's editor.
#[derive(Debug, Serialize, Default)]
pub struct Panel {
    /// The article's other language versions.
    versions: Vec<Version>,
    /// Sister publications it can be translated into by this account.
    targets: Vec<Target>,
    /// Set on a translation whose original was saved since.
    original_changed: Option<OriginalChanged>,
    /// The language this article is a translation from, if it is one.
    translated_from: Option<String>,
}

#[derive(Debug, Serialize)]
struct Version {
    language: String,
    publication: String,
    /// The version's editor, on its publication's own address.
    url: String,
    original: bool,
}

#[derive(Debug, Serialize)]
struct Target {
    publication: Id,
    name: String,
    language: String,
}

#[derive(Debug, Serialize)]
struct OriginalChanged {
    from_version: i64,
    to_version: i64,
    /// The original's text then (−) against now (+).
    diff: Vec<DiffLine>,
    /// The revision at the followed version is gone (nothing to diff).
    no_revision: bool,
    original_url: String,
}

/// The publication's language named in itself ("Deutsch"), or its tag
/// where no locale of that language is shipped (the locale then falls back
/// to English, whose name would be wrong).
pub fn language_name(site: &Site) -> String {
    let tag = site.publication.language.as_str();
    let primary = tag.split(['-', '_']).next().unwrap_or(tag);
    if site.locale.lang().split(['-', '_']).next().is_some_and(|l| l.eq_ignore_ascii_case(primary)) {
        site.locale.name().to_owned()
    } else {
        tag.to_owned()
    }
}

/// The admin URL `path` (`/admin/…`) on publication `id`'s own address.
fn admin_url<S: Newsroom>(state: &AppState<S>, id: Id, path: &str) -> String {
    match state.sites().by_id(id) {
        Some(site) => format!("{}{path}", site.publication.base_url.trim_end_matches('/')),
        None => path.to_owned(),
    }
}

/// The account's role on publication `publication` (`staffer.user.role`
/// is already its role on the request's publication, which for a
/// network-wide account is its role everywhere).
async fn role_there<S: Newsroom>(
    state: &AppState<S>,
    staffer: &Staffer,
    publication: Id,
) -> Result<Option<Role>, AdminError> {
    let user = &staffer.user;
    let given = if user.network_wide { None } else { state.store.publication_role(user.id, publication).await? };
    Ok(role_on(user.role, user.network_wide, given))
}

/// Loads the translation panel of `article`'s editor.
pub async fn panel<S: Editorial>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    article: &EditableArticle,
) -> Result<Panel, AdminError> {
    let sites = state.sites();
    let group = state.store.translation_group(article.id).await?;
    let mut panel = Panel::default();
    for m in group.iter().filter(|m| m.article_id != article.id) {
        let Some(there) = sites.by_id(m.publication_id) else { continue };
        panel.versions.push(Version {
            language: language_name(there),
            publication: there.publication.name.clone(),
            url: admin_url(state, m.publication_id, &format!("/admin/articles/{}/", m.article_id)),
            original: m.original,
        });
    }
    // Every sister publication whose language the group lacks, where
    // this account may start a draft.
    let mut languages: Vec<&str> = group.iter().map(|m| m.language.as_str()).collect();
    languages.push(site.publication.language.as_str());
    for other in sites.list.iter().filter(|s| s.publication.id != site.publication.id) {
        if languages.contains(&other.publication.language.as_str()) {
            continue;
        }
        let role = role_there(state, staffer, other.publication.id).await?;
        if may_translate_into(&staffer.user.staff(), role).is_ok() {
            panel.targets.push(Target {
                publication: other.publication.id,
                name: other.publication.name.clone(),
                language: language_name(other),
            });
        }
    }
    if let Some(st) = state.store.translation_state(article.id).await? {
        panel.translated_from = sites.by_id(st.original_publication).map(|s| language_name(s));
        if st.original_changed() {
            let revisions = state.store.revisions(st.original_id).await?;
            let then = revisions.iter().find(|r| r.version == st.original_version);
            let now = state.store.editable_article(st.original_id).await?;
            let diff = match (then, &now) {
                (Some(then), Some(now)) => diff_drafts(&then.draft, &now.draft),
                _ => Vec::new(),
            };
            panel.original_changed = Some(OriginalChanged {
                from_version: st.original_version,
                to_version: st.original_current_version,
                no_revision: then.is_none(),
                diff,
                original_url: admin_url(
                    state,
                    st.original_publication,
                    &format!("/admin/articles/{}/", st.original_id),
                ),
            });
        }
    }
    Ok(panel)
}

/// `POST /admin/articles/{id}/translate`, field `publication`: starts the
/// translation of article `id` in that publication and sends the caller to
/// its editor there. Article `id` is this publication's (the editor's
/// "Translate into…") or, from the queue, a published article of a sister
/// publication going into this one.
pub async fn translate<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    let staff = staffer.user.staff();
    let source = state.store.editable_article(id).await?.ok_or_else(AdminError::not_found)?;
    let now = Utc::now();
    // What may be translated: this publication's articles its editor
    // shows this account, and whatever the sisters have published.
    if source.publication_id == site.publication.id {
        check(
            &staff,
            Action::EditArticle(ArticleFacts { authors: &source.draft.author_ids, stage: source.stage(now) }),
        )?;
    } else if !(source.status == Status::Published && source.published_at.with_timezone(&Utc) <= now) {
        return Err(AdminError::not_found());
    }
    let target: Id = form.get("publication").parse().map_err(|_| AdminError::bad_request("Choose a publication."))?;
    if state.sites().by_id(target).is_none() {
        return Err(AdminError::bad_request("There is no such publication."));
    }
    may_translate_into(&staff, role_there(&state, &staffer, target).await?)?;
    let created = state.store.translate_into(source.id, target, staffer.user.id, now).await?;
    state.sync_changes().await;
    tracing::info!(user = staffer.user.id, original = source.id, translation = created.id, "translation started");
    let to = admin_url(&state, target, &format!("/admin/articles/{}/?saved=translation", created.id));
    Ok(Redirect::to(&to).into_response())
}

/// `POST /admin/articles/{id}/translation/current`: the translation now
/// follows its original's current version ("Mark as up to date").
pub async fn mark_current<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, .. } = posted;
    let article = super::articles::load(&state, &site, id).await?;
    let facts = ArticleFacts { authors: &article.draft.author_ids, stage: article.stage(Utc::now()) };
    check(&staffer.user.staff(), Action::EditArticle(facts))?;
    if state.store.mark_translation_current(id).await?.is_none() {
        return Err(AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, "This article is not a translation."));
    }
    state.sync_changes().await;
    Ok(Redirect::to(&format!("/admin/articles/{id}/?saved=up-to-date")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    page: String,
}

#[derive(Serialize)]
struct QueueRow {
    id: Id,
    headline: String,
    standfirst: String,
    publication: String,
    language: String,
    lang: String,
    published: String,
    /// The article on its publication's site.
    url: String,
}

/// `GET /admin/translations/`: this publication's queue, "From our sister
/// sites, not yet translated", newest first, `?lang=` filtering by the
/// original's language, paginated.
pub async fn queue<S: Editorial>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Query(qq): Query<QueueQuery>,
) -> Result<Response, AdminError> {
    let staff = staffer.user.staff();
    check(&staff, Action::UseAdmin)?;
    let page: u32 = qq.page.parse().unwrap_or(1).max(1);
    let sites = state.sites();
    let mut languages: Vec<Choice> = Vec::new();
    for s in sites.list.iter().filter(|s| s.publication.language != site.publication.language) {
        if !languages.iter().any(|l| l.value == s.publication.language) {
            languages.push(Choice {
                value: s.publication.language.clone(),
                label: language_name(s),
                selected: s.publication.language == qq.lang,
            });
        }
    }
    let only = languages.iter().find(|l| l.selected).map(|l| l.value.clone());
    let result = state
        .store
        .untranslated(
            site.publication.id,
            &site.publication.language,
            only.as_deref(),
            QUEUE_PAGE,
            (page - 1).saturating_mul(QUEUE_PAGE),
            Utc::now(),
        )
        .await?;
    let pages = u32::try_from(result.total.div_ceil(u64::from(QUEUE_PAGE))).unwrap_or(u32::MAX).max(1);
    let link = |n: u32| {
        format!("/admin/translations/?lang={}&page={n}", crate::views::encode_query(only.as_deref().unwrap_or("")))
    };
    let rows = result
        .items
        .iter()
        .map(|r| {
            let there = sites.by_id(r.publication_id);
            QueueRow {
                id: r.id,
                headline: r.headline.clone(),
                standfirst: r.standfirst.clone(),
                publication: there.map_or_else(String::new, |s| s.publication.name.clone()),
                language: there.map_or_else(|| r.language.clone(), |s| language_name(s)),
                lang: r.language.clone(),
                published: there.map_or_else(
                    || r.published_at.format("%Y-%m-%d").to_string(),
                    |s| s.locale.format_date(&r.published_at),
                ),
                url: there.map_or_else(String::new, |s| s.publication.absolute(&crate::views::article_path(&r.slug))),
            }
        })
        .collect();
    // Whether the Translate buttons can work: a role here that may start
    // drafts (every role can today; asked all the same).
    let can_translate = check(&staff, Action::CreateArticle).is_ok();
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        rows: Vec<QueueRow>,
        languages: Vec<Choice>,
        total: u64,
        page: u32,
        pages: u32,
        prev: Option<String>,
        next: Option<String>,
        can_translate: bool,
        here: Id,
        language: String,
    }
    let ctx = Ctx {
        chrome: Chrome::new(&site, &staffer),
        rows,
        languages,
        total: result.total,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        can_translate,
        here: site.publication.id,
        language: language_name(&site),
    };
    state.admin.page(StatusCode::OK, "translations.html", ctx)
}
