//! The editor's "Search, social and custom fields" panel (an article's SEO
//! and social overrides, its custom field values, and a preview of the
//! search result and social card), and the Settings page where
//! administrators define the publication's custom fields
//! (`/admin/settings/fields/`).
//!
//! The preview is rendered here from the saved (or just posted) values, so
//! it works without JavaScript; `admin.js` redraws it as one types, with
//! the same fallbacks and cuts.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use http::StatusCode;
use prensa_core::fields::{check_values, parse_options};
use prensa_core::permissions::{check, Action};
use prensa_core::{
    ArticleDraft, ArticleExtras, ArticleSeo, CustomField, CustomFieldDraft, CustomValues, FieldError, FieldKind, Id,
    MediaInfo,
};
use prensa_store::{Newsroom, StoreError};
use serde::{Deserialize, Serialize};

use super::form::FormData;
use super::session::{CsrfForm, Staffer};
use super::{AdminError, Chrome, Shared};
use crate::state::{AppState, Site};

/// Where search engines cut a title and a description (about; they
/// measure pixels, the preview counts characters).
pub const TITLE_CUT: usize = 60;
pub const DESCRIPTION_CUT: usize = 155;

/// `text` cut to `max` characters with an ellipsis, and whether it was.
pub fn cut(text: &str, max: usize) -> (String, bool) {
    if text.chars().count() <= max {
        return (text.to_owned(), false);
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    (out, true)
}

/// One entry of a `<select>`.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One custom field in the editor.
#[derive(Debug, Serialize)]
struct FieldInput {
    key: String,
    label: String,
    kind: &'static str,
    help: String,
    value: String,
    /// For a choice: an empty entry, then the options.
    options: Vec<Choice>,
}

/// The panel as the editor template shows it.
#[derive(Debug, Default, Serialize)]
pub struct SeoPanel {
    meta_title: String,
    meta_description: String,
    social_title: String,
    social_description: String,
    canonical_url: String,
    social_images: Vec<Choice>,
    fields: Vec<FieldInput>,
    /// Open when an SEO field is set (the template also opens it on a
    /// refused save).
    open: bool,
    // The preview, from the values and their fallbacks.
    site_name: String,
    base_url: String,
    host: String,
    title: String,
    title_cut: bool,
    url: String,
    description: String,
    description_cut: bool,
    social_title_text: String,
    social_description_text: String,
    social_image_url: Option<String>,
    /// `/media/` under the publication's prefix (for the script).
    media_root: String,
}

/// The panel for `draft` with `extras` (saved, or as posted), the
/// publication's `fields` and the media library's images.
pub fn panel(
    site: &Site,
    draft: &ArticleDraft,
    extras: &ArticleExtras,
    fields: &[CustomField],
    images: &[MediaInfo],
) -> SeoPanel {
    let seo = &extras.seo;
    let name = &site.publication.name;
    let nonempty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let title = nonempty(&seo.meta_title).unwrap_or_else(|| format!("{} — {name}", draft.headline));
    let description = nonempty(&seo.meta_description).unwrap_or_else(|| draft.standfirst.clone());
    let (title_text, title_cut) = cut(&title, TITLE_CUT);
    let (description_text, description_cut) = cut(&description, DESCRIPTION_CUT);
    let base_url = site.publication.absolute("");
    let host = base_url.split("://").nth(1).unwrap_or(&base_url).split('/').next().unwrap_or("").to_owned();
    let url = nonempty(&seo.canonical_url)
        .unwrap_or_else(|| site.publication.absolute(&crate::views::article_path(&draft.slug)));
    let hero_key = draft.image.as_ref().map(|i| i.key.clone()).unwrap_or_default();
    let image_key = nonempty(&seo.social_image).unwrap_or_else(|| hero_key.clone());
    let media_root = site.path("/media/");
    let mut social_images =
        vec![Choice { value: String::new(), label: "The lead image".into(), selected: seo.social_image.is_empty() }];
    if !seo.social_image.is_empty() && !images.iter().any(|m| m.asset.key == seo.social_image) {
        social_images.push(Choice { value: seo.social_image.clone(), label: seo.social_image.clone(), selected: true });
    }
    social_images.extend(images.iter().map(|m| Choice {
        value: m.asset.key.clone(),
        label: format!("{} ({}×{})", m.label(), m.asset.width, m.asset.height),
        selected: m.asset.key == seo.social_image,
    }));
    let field_inputs: Vec<FieldInput> = fields
        .iter()
        .map(|f| {
            let value = extras.custom.get(&f.key).cloned().unwrap_or_default();
            let options = if f.kind == FieldKind::Choice {
                std::iter::once(Choice { value: String::new(), label: "—".into(), selected: value.is_empty() })
                    .chain(f.options.iter().map(|o| Choice {
                        value: o.clone(),
                        label: o.clone(),
                        selected: *o == value,
                    }))
                    .collect()
            } else {
                Vec::new()
            };
            FieldInput {
                key: f.key.clone(),
                label: f.label.clone(),
                kind: f.kind.as_str(),
                help: f.help.clone(),
                value,
                options,
            }
        })
        .collect();
    SeoPanel {
        meta_title: seo.meta_title.clone(),
        meta_description: seo.meta_description.clone(),
        social_title: seo.social_title.clone(),
        social_description: seo.social_description.clone(),
        canonical_url: seo.canonical_url.clone(),
        social_images,
        fields: field_inputs,
        open: !extras.seo.is_empty(),
        site_name: name.clone(),
        base_url,
        host,
        title: title_text,
        title_cut,
        url,
        description: description_text,
        description_cut,
        social_title_text: nonempty(&seo.social_title).unwrap_or_else(|| title.clone()),
        social_description_text: nonempty(&seo.social_description).unwrap_or_else(|| description.clone()),
        social_image_url: (!image_key.is_empty()).then(|| format!("{media_root}{image_key}")),
        media_root,
    }
}

/// The panel's fields from the editor's form (`seo_*`, `field_<key>`),
/// checked: the extras as they would be stored, and every problem.
pub fn extras_from_form(form: &FormData, fields: &[CustomField]) -> (ArticleExtras, Vec<FieldError>) {
    let text = |name: &str| form.get(name).trim().replace("\r\n", "\n");
    let seo = ArticleSeo {
        meta_title: text("seo_meta_title"),
        meta_description: text("seo_meta_description"),
        social_title: text("seo_social_title"),
        social_description: text("seo_social_description"),
        social_image: text("seo_social_image"),
        canonical_url: text("seo_canonical_url"),
    };
    let mut problems = seo.problems();
    let posted: CustomValues =
        fields.iter().map(|f| (f.key.clone(), form.get(&format!("field_{}", f.key)).to_owned())).collect();
    let custom = match check_values(fields, &posted) {
        Ok(values) => values,
        Err(more) => {
            problems.extend(more);
            // Shown back as typed.
            posted.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect()
        }
    };
    (ArticleExtras { seo, custom }, problems)
}

/// Saves the panel's values after the article itself was saved (they were
/// checked before, with the article's fields, so only a field deleted in
/// between or the database can refuse them now).
pub async fn save<S: Newsroom>(state: &AppState<S>, article: Id, extras: &ArticleExtras) -> Result<(), AdminError> {
    state.store.save_article_extras(article, extras).await?;
    Ok(())
}

// --- Settings › Custom fields --------------------------------------------

#[derive(Serialize)]
struct DefinitionRow {
    id: Id,
    key: String,
    label: String,
    kind: &'static str,
    kind_label: &'static str,
    options: String,
    help: String,
    position: i64,
    used_by: u64,
}

#[derive(Serialize)]
struct KindChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Serialize)]
struct NewField {
    key: String,
    label: String,
    options: String,
    help: String,
    position: i64,
    kinds: Vec<KindChoice>,
}

#[derive(Serialize)]
struct FieldsPage {
    chrome: Chrome,
    rows: Vec<DefinitionRow>,
    new: NewField,
    error: Option<String>,
    notice: Option<String>,
    /// Asking to confirm a delete: the field and how many values go.
    confirm: Option<DefinitionRow>,
}

fn new_field(form: Option<&FormData>, next_position: i64) -> NewField {
    let get = |name: &str| form.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let kind = form.map_or("text", |f| f.get("kind"));
    NewField {
        key: get("key"),
        label: get("label"),
        options: get("options"),
        help: get("help"),
        position: form.and_then(|f| f.get("position").trim().parse().ok()).unwrap_or(next_position),
        kinds: FieldKind::ALL
            .iter()
            .map(|k| KindChoice { value: k.as_str(), label: k.label(), selected: k.as_str() == kind })
            .collect(),
    }
}

async fn fields_page<S: Newsroom>(
    state: &AppState<S>,
    site: &Site,
    staffer: &Staffer,
    status: StatusCode,
    form: Option<&FormData>,
    said: (Option<String>, Option<String>),
    confirm: Option<Id>,
) -> Result<Response, AdminError> {
    let (fields, usage) = tokio::try_join!(
        state.store.custom_fields(site.publication.id),
        state.store.custom_field_usage(site.publication.id)
    )?;
    let rows: Vec<DefinitionRow> = fields
        .iter()
        .map(|f| DefinitionRow {
            id: f.id,
            key: f.key.clone(),
            label: f.label.clone(),
            kind: f.kind.as_str(),
            kind_label: f.kind.label(),
            options: f.options.join("\n"),
            help: f.help.clone(),
            position: f.position,
            used_by: usage.iter().find(|(id, _)| *id == f.id).map_or(0, |(_, n)| *n),
        })
        .collect();
    let next = fields.iter().map(|f| f.position + 1).max().unwrap_or(0);
    let confirm = confirm.and_then(|id| rows.iter().position(|r| r.id == id));
    let mut rows = rows;
    let confirm = confirm.map(|i| rows.remove(i));
    let page = FieldsPage {
        chrome: Chrome::new(site, staffer),
        rows,
        new: new_field(form, next),
        error: said.0,
        notice: said.1,
        confirm,
    };
    state.admin.page(status, "fields.html", page)
}

#[derive(Debug, Default, Deserialize)]
pub struct FieldsQuery {
    #[serde(default)]
    saved: String,
}

/// `GET /admin/settings/fields/`: the publication's custom fields
/// (administrators).
pub async fn list<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    staffer: Staffer,
    Query(q): Query<FieldsQuery>,
) -> Result<Response, AdminError> {
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let notice = match q.saved.as_str() {
        "created" => Some("Field added: editors fill it in the article editor.".to_owned()),
        "saved" => Some("Field saved.".to_owned()),
        "deleted" => Some("Field deleted, with its values.".to_owned()),
        _ => None,
    };
    fields_page(&state, &site, &staffer, StatusCode::OK, None, (None, notice), None).await
}

fn definition_of(form: &FormData) -> Result<CustomFieldDraft, String> {
    let kind = FieldKind::parse(form.get("kind").trim()).unwrap_or(FieldKind::Text);
    let position = match form.get("position").trim() {
        "" => 0,
        p => p.parse::<i64>().ok().filter(|n| n.abs() <= 10_000).ok_or("the order must be a whole number")?,
    };
    let options = parse_options(form.get("options"));
    Ok(CustomFieldDraft {
        key: form.get("key").trim().to_owned(),
        label: form.get("label").trim().to_owned(),
        // Options typed for a field that is not a choice are ignored rather
        // than refused: the form shows the box for every type.
        options: if kind == FieldKind::Choice { options } else { Vec::new() },
        kind,
        help: form.get("help").trim().to_owned(),
        position,
    })
}

fn refusal(e: StoreError) -> Result<String, AdminError> {
    match e {
        StoreError::Invalid(why) => Ok(format!("Not saved: {why}.")),
        StoreError::NotFound => Err(AdminError::not_found()),
        other => Err(other.into()),
    }
}

/// `POST /admin/settings/fields/`: defines a field.
pub async fn create<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let error = match definition_of(&form) {
        Ok(draft) => match state.store.create_custom_field(site.publication.id, &draft).await {
            Ok(_) => {
                state.sync_changes().await;
                return Ok(Redirect::to("/admin/settings/fields/?saved=created").into_response());
            }
            Err(e) => refusal(e)?,
        },
        Err(why) => format!("Not saved: {why}."),
    };
    fields_page(&state, &site, &staffer, StatusCode::UNPROCESSABLE_ENTITY, Some(&form), (Some(error), None), None).await
}

/// `POST /admin/settings/fields/{id}`: changes a field's label, options,
/// help and order.
pub async fn update<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    let current = state
        .store
        .custom_fields(site.publication.id)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(AdminError::not_found)?;
    // Key and kind are fixed once made; the form does not send them.
    let fixed = FormData::from_pairs(
        [("key", current.key.as_str()), ("kind", current.kind.as_str())]
            .into_iter()
            .chain(["label", "options", "help", "position"].into_iter().map(|k| (k, form.get(k)))),
    );
    let error = match definition_of(&fixed) {
        Ok(draft) => match state.store.update_custom_field(site.publication.id, id, &draft).await {
            Ok(_) => {
                state.sync_changes().await;
                return Ok(Redirect::to("/admin/settings/fields/?saved=saved").into_response());
            }
            Err(e) => refusal(e)?,
        },
        Err(why) => format!("Not saved: {why}."),
    };
    fields_page(
        &state,
        &site,
        &staffer,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        (Some(format!("{}: {error}", current.label)), None),
        None,
    )
    .await
}

/// `POST /admin/settings/fields/{id}/delete`: without `confirm=1`, the
/// page asks first, naming how many articles hold a value; with it, the
/// field and its values go in one transaction.
pub async fn delete<S: Newsroom>(
    State(state): Shared<S>,
    Extension(site): Extension<Arc<Site>>,
    Path(id): Path<Id>,
    posted: CsrfForm,
) -> Result<Response, AdminError> {
    let CsrfForm { staffer, form } = posted;
    check(&staffer.user.staff(), Action::ManageSettings)?;
    if !matches!(form.get("confirm"), "1" | "yes") {
        if !state.store.custom_fields(site.publication.id).await?.iter().any(|f| f.id == id) {
            return Err(AdminError::not_found());
        }
        return fields_page(&state, &site, &staffer, StatusCode::OK, None, (None, None), Some(id)).await;
    }
    state.store.delete_custom_field(site.publication.id, id).await?;
    state.sync_changes().await;
    Ok(Redirect::to("/admin/settings/fields/?saved=deleted").into_response())
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn cuts_show_an_ellipsis() {
        assert_eq!(cut("short", 60), ("short".to_owned(), false));
        let (text, was) = cut(&"word ".repeat(20), 60);
        assert!(was && text.ends_with('…') && text.chars().count() <= 60, "{text}");
        let (text, _) = cut(&"é".repeat(200), 155);
        assert_eq!(text.chars().count(), 155);
    }
}
