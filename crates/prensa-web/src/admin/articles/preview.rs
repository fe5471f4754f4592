//! Previews through the publication's real theme: of the editor's text as
//! it stands (unsaved), and of an article's saved version. Secret preview
//! links (`preview_link.rs`) show theirs the same way.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::Utc;
use prensa_core::permissions::{check, Action};
use prensa_core::{slug, Article, ArticleDraft, Author, HeroImage, Id, Image, Status};
use prensa_store::Newsroom;

use super::editor::draft_from_form;
use super::{zone, ReadableArticle};
use crate::admin::session::CsrfForm;
use crate::admin::{AdminError, Shared};
use crate::state::{AppState, Site};

/// Builds the article the theme renders for a preview.
pub(crate) async fn preview_article<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    id: Id,
    draft: &ArticleDraft,
    authors: &[Author],
) -> Result<Article, AdminError> {
    let section = site
        .sections
        .iter()
        .find(|s| s.id == draft.section_id)
        .or_else(|| site.sections.first())
        .cloned()
        .ok_or_else(|| AdminError::bad_request("The publication has no sections yet."))?;
    let byline = draft.author_ids.iter().filter_map(|id| authors.iter().find(|a| a.id == *id).cloned()).collect();
    let image = match &draft.image {
        Some(i) => state.store.media(&i.key).await?.map(|m| HeroImage {
            image: Image { key: m.key, width: m.width, height: m.height },
            alt: i.alt.clone(),
            caption: i.caption.clone(),
        }),
        None => None,
    };
    let now = Utc::now().with_timezone(&zone(site)).fixed_offset();
    Ok(Article {
        id,
        slug: draft.slug.clone(),
        headline: draft.headline.clone(),
        standfirst: draft.standfirst.clone(),
        body: draft.body.clone(),
        toc: draft.toc,
        authors: byline,
        section,
        tags: draft.tags.iter().map(|t| prensa_core::Tag { id: 0, slug: slug::slugify(t), name: t.clone() }).collect(),
        image,
        status: Status::Draft,
        published_at: now,
        updated_at: now,
        translation_group: None,
        // A preview shows no links to other languages.
        translations: Vec::new(),
    })
}

pub(crate) fn preview_response(html: String) -> Response {
    let mut r = crate::admin::with_admin_headers(
        ([(http::header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
    );
    // The preview shows the real theme, which allows no script at all.
    r.headers_mut().insert(http::header::CONTENT_SECURITY_POLICY, http::HeaderValue::from_static(crate::public::CSP));
    r.headers_mut().insert("x-robots-tag", http::HeaderValue::from_static("noindex"));
    r
}

/// `POST /admin/articles/preview`: the editor's current text through the
/// real theme, without saving (the Preview button and the live preview).
pub async fn preview_form<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::CreateArticle)?;
    let authors = state.store.authors(site.publication.id).await?;
    let (draft, _) = draft_from_form(&form, &site, &authors);
    let id = form.get("id").parse().unwrap_or(0);
    let article = preview_article(&state, &site, id, &draft, &authors).await?;
    let html =
        crate::public::preview(&state, &site, &article).await.map_err(|e| AdminError::internal(e.to_string()))?;
    Ok(preview_response(html))
}

/// `GET /admin/articles/{id}/preview`: the saved version through the theme.
pub async fn preview_saved<S: Newsroom>(
    State(state): Shared<S>,
    ReadableArticle { site, params: Path(id), article: a, .. }: ReadableArticle,
) -> Result<Response, AdminError> {
    let authors = state.store.authors(site.publication.id).await?;
    let article = preview_article(&state, &site, id, &a.draft, &authors).await?;
    let html =
        crate::public::preview(&state, &site, &article).await.map_err(|e| AdminError::internal(e.to_string()))?;
    Ok(preview_response(html))
}
