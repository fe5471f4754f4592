//! Sections, tags, author profiles and the publication's settings.
//!
//! Each page checks its permission first: sections and tags are for
//! editors; any staff member may edit the author profile they write as,
//! editors every profile; settings are for administrators. Every write
//! purges the whole page cache (through the change feed) and reloads the
//! publication's navigation.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use http::StatusCode;
use prensa_core::permissions::{check, Action};
use prensa_core::social::is_safe_profile_url;
use prensa_core::{
    slug, FeedContent, Id, NewAuthor, NewSection, Publication, PublicationEdit, PublicationSettings, SocialKind,
    SocialLinks,
};
use prensa_store::{Desk, StoreError};
use serde::Serialize;

use super::api_keys::ApiPart;
use super::form::FormData;
use super::session::{CsrfForm, Staffer};
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

#[derive(Serialize)]
struct Row {
    id: Id,
    slug: String,
    name: String,
    description: String,
    position: usize,
}

/// A page of this module with an error or a notice.
pub(super) struct Feedback {
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
}

impl Feedback {
    pub(super) fn ok(notice: Option<String>) -> Feedback {
        Feedback { status: StatusCode::OK, error: None, notice }
    }
    pub(super) fn refused(why: String) -> Feedback {
        Feedback { status: StatusCode::UNPROCESSABLE_ENTITY, error: Some(why), notice: None }
    }
}

/// The slug typed, or one made from the name.
fn slug_of(form: &FormData, name: &str) -> Result<String, String> {
    let typed = form.get("slug").trim();
    let slug = if typed.is_empty() { slug::slugify(name) } else { typed.to_owned() };
    if slug::is_valid_slug(&slug) {
        Ok(slug)
    } else {
        Err("the slug may hold only lower-case letters, digits and single dashes".into())
    }
}

fn required(form: &FormData, field: &str, label: &str, max: usize) -> Result<String, String> {
    let value = form.get(field).trim().to_owned();
    if value.is_empty() {
        return Err(format!("the {label} is required"));
    }
    if value.chars().count() > max {
        return Err(format!("the {label} is longer than {max} characters"));
    }
    Ok(value)
}

/// Social links from `social_<kind>` fields; only http(s) addresses.
fn social_of(form: &FormData) -> Result<SocialLinks, String> {
    let mut links = SocialLinks::default();
    for kind in SocialKind::ALL {
        let url = form.get(&format!("social_{}", kind.key())).trim();
        if url.is_empty() {
            continue;
        }
        if !is_safe_profile_url(url) || url.len() > 500 {
            return Err(format!("the {} link must be a web address starting with https://", kind.label()));
        }
        links.set(kind, url.to_owned());
    }
    Ok(links)
}

#[derive(Serialize)]
struct SocialField {
    key: &'static str,
    label: &'static str,
    value: String,
}

fn social_fields(links: &SocialLinks) -> Vec<SocialField> {
    SocialKind::ALL
        .iter()
        .map(|k| SocialField {
            key: k.key(),
            label: k.label(),
            value: links.iter().find(|l| l.kind == *k).map(|l| l.url.clone()).unwrap_or_default(),
        })
        .collect()
}

/// After a write: the change feed says "everything", so reload the sites
/// (names, navigation, settings) and purge before answering.
async fn written<S: Desk>(state: &AppState<S>) {
    state.sync_changes().await;
}

/// Why a section with articles in it stays.
pub(super) fn section_not_empty(articles: u64) -> String {
    if articles == 1 {
        "1 article is still in this section; move it first".to_owned()
    } else {
        format!("{articles} articles are still in this section; move them first")
    }
}

fn store_refusal(e: StoreError) -> Result<Feedback, AdminError> {
    match e {
        StoreError::Invalid(why) => Ok(Feedback::refused(format!("Not saved: {why}."))),
        StoreError::SectionNotEmpty { articles } => {
            Ok(Feedback::refused(format!("Not saved: {}.", section_not_empty(articles))))
        }
        StoreError::NotFound => Err(AdminError::not_found()),
        other => Err(other.into()),
    }
}

// --- sections ---------------------------------------------------------

async fn sections_page<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    said: Feedback,
) -> Result<Response, AdminError> {
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        rows: Vec<Row>,
        error: Option<String>,
        notice: Option<String>,
    }
    let rows = state
        .store
        .sections(site.publication.id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, s)| Row { id: s.id, slug: s.slug, name: s.name, description: s.description, position: i + 1 })
        .collect();
    let ctx = Ctx { chrome: Chrome::new(site, staffer), rows, error: said.error, notice: said.notice };
    state.admin.page(said.status, "sections.html", ctx)
}

/// `GET /admin/sections/`.
pub async fn sections<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::ManageSections)?;
    sections_page(&state, &site, &staffer, Feedback::ok(None)).await
}

fn section_of(form: &FormData) -> Result<(NewSection, Option<i64>), String> {
    let name = required(form, "name", "name", 100)?;
    let slug = slug_of(form, &name)?;
    let description = form.get("description").trim().to_owned();
    if description.chars().count() > 500 {
        return Err("the description is longer than 500 characters".into());
    }
    let position = match form.get("position").trim() {
        "" => None,
        p => Some(p.parse::<i64>().map_err(|_| "the position must be a whole number".to_owned())?),
    };
    Ok((NewSection { slug, name, description }, position))
}

/// `POST /admin/sections/` (new) and `POST /admin/sections/{id}` (edit).
async fn save_section_inner<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    id: Option<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSections)?;
    let said = match section_of(&form) {
        Err(why) => Feedback::refused(format!("Not saved: {why}.")),
        Ok((section, position)) => match state.store.save_section(site.publication.id, id, &section, position).await {
            Ok(s) => {
                written(state).await;
                Feedback::ok(Some(format!("Saved the section {}.", s.name)))
            }
            Err(e) => store_refusal(e)?,
        },
    };
    sections_page(state, site, &staffer, said).await
}

pub async fn create_section<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    save_section_inner(&state, &site, None, posted).await
}

pub async fn update_section<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    save_section_inner(&state, &site, Some(id), posted).await
}

/// `POST /admin/sections/{id}/delete`.
pub async fn delete_section<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let staffer = posted.staffer;
    check(&staffer.user.staff(), Action::ManageSections)?;
    let said = match state.store.delete_section(site.publication.id, id).await {
        Ok(()) => {
            written(&state).await;
            Feedback::ok(Some("Section deleted.".into()))
        }
        Err(e) => store_refusal(e)?,
    };
    sections_page(&state, &site, &staffer, said).await
}

// --- tags -------------------------------------------------------------

async fn tags_page<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    said: Feedback,
) -> Result<Response, AdminError> {
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        rows: Vec<Row>,
        error: Option<String>,
        notice: Option<String>,
    }
    let rows = state
        .store
        .tags(site.publication.id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, t)| Row { id: t.id, slug: t.slug, name: t.name, description: String::new(), position: i + 1 })
        .collect();
    state.admin.page(
        said.status,
        "tags.html",
        Ctx { chrome: Chrome::new(site, staffer), rows, error: said.error, notice: said.notice },
    )
}

/// `GET /admin/tags/`.
pub async fn tags<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::ManageTags)?;
    tags_page(&state, &site, &staffer, Feedback::ok(None)).await
}

/// `POST /admin/tags/{id}`: rename (and re-slug).
pub async fn rename_tag<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageTags)?;
    let fields = required(&form, "name", "name", 100).and_then(|name| slug_of(&form, &name).map(|slug| (name, slug)));
    let said = match fields {
        Err(why) => Feedback::refused(format!("Not saved: {why}.")),
        Ok((name, slug)) => match state.store.rename_tag(site.publication.id, id, &name, &slug).await {
            Ok(t) => {
                written(&state).await;
                Feedback::ok(Some(format!("Renamed to {}.", t.name)))
            }
            Err(e) => store_refusal(e)?,
        },
    };
    tags_page(&state, &site, &staffer, said).await
}

/// `POST /admin/tags/{id}/delete`.
pub async fn delete_tag<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let staffer = posted.staffer;
    check(&staffer.user.staff(), Action::ManageTags)?;
    let said = match state.store.delete_tag(site.publication.id, id).await {
        Ok(()) => {
            written(&state).await;
            Feedback::ok(Some("Tag deleted and removed from its articles.".into()))
        }
        Err(e) => store_refusal(e)?,
    };
    tags_page(&state, &site, &staffer, said).await
}

// --- author profiles --------------------------------------------------

/// `GET /admin/authors/`: editors see every profile; others go to theirs.
pub async fn authors<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    let staff = staffer.user.staff();
    if check(&staff, Action::EditAuthorProfile(None)).is_err() {
        return match staff.author_id {
            Some(me) => Ok(Redirect::to(&format!("/admin/authors/{me}")).into_response()),
            None => Err(AdminError::forbidden("Your account has no author profile; ask an editor.")),
        };
    }
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        rows: Vec<Row>,
    }
    let rows = state
        .store
        .authors(site.publication.id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, a)| Row { id: a.id, slug: a.slug, name: a.name, description: String::new(), position: i + 1 })
        .collect();
    state.admin.page(StatusCode::OK, "authors.html", Ctx { chrome: Chrome::new(&site, &staffer), rows })
}

#[derive(Serialize, Default)]
struct AuthorForm {
    id: Option<Id>,
    name: String,
    slug: String,
    bio: String,
    avatar: String,
    social: Vec<SocialField>,
    /// The portrait picker (made by `author_page`).
    portrait: Option<super::media::Picker>,
}

async fn author_page<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    form: AuthorForm,
    said: Feedback,
) -> Result<Response, AdminError> {
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        a: AuthorForm,
        error: Option<String>,
        notice: Option<String>,
    }
    let mut form = form;
    form.portrait =
        Some(super::media::picker(&state.store, "avatar", "No portrait", Some(form.avatar.as_str()), "").await?);
    state.admin.page(
        said.status,
        "author.html",
        Ctx { chrome: Chrome::new(site, staffer), a: form, error: said.error, notice: said.notice },
    )
}

/// `GET /admin/authors/new` and `GET /admin/authors/{id}`.
pub async fn new_author<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::EditAuthorProfile(None))?;
    let form = AuthorForm { social: social_fields(&SocialLinks::default()), ..Default::default() };
    author_page(&state, &site, &staffer, form, Feedback::ok(None)).await
}

/// `?saved=1` after a redirect: say so on the page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
    /// After a Content API key was revoked (the settings page).
    #[serde(default)]
    revoked: String,
}

impl SavedQuery {
    fn said(&self) -> Feedback {
        if !self.revoked.is_empty() {
            return Feedback::ok(Some("Key revoked: every server refuses it within a second.".to_owned()));
        }
        Feedback::ok((!self.saved.is_empty()).then(|| "Saved.".to_owned()))
    }
}

pub async fn author<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Path(id): Path<Id>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::EditAuthorProfile(Some(id)))?;
    let a = state
        .store
        .authors(site.publication.id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(AdminError::not_found)?;
    let form = AuthorForm {
        id: Some(a.id),
        name: a.name,
        slug: a.slug,
        bio: a.bio,
        avatar: a.avatar.map(|i| i.key).unwrap_or_default(),
        social: social_fields(&a.social),
        portrait: None,
    };
    author_page(&state, &site, &staffer, form, q.said()).await
}

fn author_of(form: &FormData) -> Result<NewAuthor, String> {
    let name = required(form, "name", "name", 100)?;
    let slug = slug_of(form, &name)?;
    let bio = form.get("bio").replace("\r\n", "\n");
    if bio.len() > 10_000 {
        return Err("the bio is longer than 10,000 characters".into());
    }
    let avatar = Some(form.get("avatar").trim().to_owned()).filter(|a| !a.is_empty());
    Ok(NewAuthor { slug, name, bio, avatar, social: social_of(form)? })
}

async fn save_author_inner<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    id: Option<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::EditAuthorProfile(id))?;
    let typed = |id| AuthorForm {
        id,
        name: form.get("name").to_owned(),
        slug: form.get("slug").to_owned(),
        bio: form.get("bio").to_owned(),
        avatar: form.get("avatar").to_owned(),
        social: social_fields(&social_of(&form).unwrap_or_default()),
        portrait: None,
    };
    let author = match author_of(&form) {
        Ok(a) => a,
        Err(why) => {
            return author_page(state, site, &staffer, typed(id), Feedback::refused(format!("Not saved: {why}."))).await
        }
    };
    match state.store.save_author(site.publication.id, id, &author).await {
        Ok(saved) => {
            written(state).await;
            Ok(Redirect::to(&format!("/admin/authors/{}?saved=1", saved.id)).into_response())
        }
        Err(e) => {
            let said = store_refusal(e)?;
            author_page(state, site, &staffer, typed(id), said).await
        }
    }
}

pub async fn create_author<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    save_author_inner(&state, &site, None, posted).await
}

pub async fn update_author<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    save_author_inner(&state, &site, Some(id), posted).await
}

// --- publication settings ---------------------------------------------

#[derive(Serialize)]
pub(super) struct SettingsForm {
    name: String,
    tagline: String,
    social: Vec<SocialField>,
    more_from_section: u32,
    most_recent: u32,
    page_size: u32,
    from_sister_sites: u32,
    /// `full` or `summary`.
    feed_content: &'static str,
}

async fn settings_page<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    form: SettingsForm,
    said: Feedback,
) -> Result<Response, AdminError> {
    let api = ApiPart::load(state, site, None).await?;
    settings_page_with(state, site, staffer, form, said, api)
}

/// The settings page with its Content API part as given (a new key to
/// show once, the CORS origins as typed).
pub(super) fn settings_page_with<S: Desk>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    form: SettingsForm,
    said: Feedback,
    api: ApiPart,
) -> Result<Response, AdminError> {
    #[derive(Serialize)]
    struct Ctx {
        chrome: Chrome,
        s: SettingsForm,
        api: ApiPart,
        error: Option<String>,
        notice: Option<String>,
    }
    let ctx = Ctx { chrome: Chrome::new(site, staffer), s: form, api, error: said.error, notice: said.notice };
    state.admin.page(said.status, "settings.html", ctx)
}

/// The settings form filled from the publication.
pub(super) fn settings_form(p: &Publication) -> SettingsForm {
    SettingsForm {
        name: p.name.clone(),
        tagline: p.tagline.clone(),
        social: social_fields(&p.social),
        more_from_section: p.settings.more_from_section,
        most_recent: p.settings.most_recent,
        page_size: p.settings.page_size,
        from_sister_sites: p.settings.from_sister_sites,
        feed_content: p.settings.feed_content.as_str(),
    }
}

/// `GET /admin/settings`.
pub async fn settings<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Query(q): Query<SavedQuery>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let form = settings_form(&site.publication);
    settings_page(&state, &site, &staffer, form, q.said()).await
}

fn settings_of(form: &FormData) -> Result<PublicationEdit, String> {
    let count = |field: &str| {
        form.get(field).trim().parse::<u32>().map_err(|_| format!("{} must be a whole number", field.replace('_', " ")))
    };
    let settings = PublicationSettings {
        more_from_section: count("more_from_section")?,
        most_recent: count("most_recent")?,
        page_size: count("page_size")?,
        // Left out means no block: the field came after the others, and a
        // form posted by a client that does not know it keeps working.
        from_sister_sites: if form.get("from_sister_sites").trim().is_empty() {
            0
        } else {
            count("from_sister_sites")?
        },
        // Left out (an older form) means the default, full text.
        feed_content: match form.get("feed_content").trim() {
            "" => FeedContent::Full,
            word => FeedContent::parse(word).ok_or("feed content must be full text or summary")?,
        },
    };
    settings.validate().map_err(|e| e.replace("settings.", "").replace('_', " "))?;
    Ok(PublicationEdit {
        name: required(form, "name", "name", 100)?,
        tagline: form.get("tagline").trim().chars().take(300).collect(),
        social: social_of(form)?,
        settings,
    })
}

/// `POST /admin/settings`.
pub async fn save_settings<S: Desk>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let typed = || SettingsForm {
        name: form.get("name").to_owned(),
        tagline: form.get("tagline").to_owned(),
        social: social_fields(&social_of(&form).unwrap_or_default()),
        more_from_section: form.get("more_from_section").parse().unwrap_or(0),
        most_recent: form.get("most_recent").parse().unwrap_or(0),
        page_size: form.get("page_size").parse().unwrap_or(0),
        from_sister_sites: form.get("from_sister_sites").parse().unwrap_or(0),
        feed_content: FeedContent::parse(form.get("feed_content")).unwrap_or_default().as_str(),
    };
    let edit = match settings_of(&form) {
        Ok(e) => e,
        Err(why) => {
            return settings_page(&state, &site, &staffer, typed(), Feedback::refused(format!("Not saved: {why}.")))
                .await
        }
    };
    match state.store.update_publication(site.publication.id, &edit).await {
        Ok(()) => {
            written(&state).await;
            Ok(Redirect::to("/admin/settings?saved=1").into_response())
        }
        Err(e) => {
            let said = store_refusal(e)?;
            settings_page(&state, &site, &staffer, typed(), said).await
        }
    }
}
