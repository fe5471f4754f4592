//! The newsroom admin at `/admin/`: sign-in, the dashboard, the article
//! list and editor, revisions, the media library, staff accounts and
//! translations between the network's publications.
//!
//! Each publication of the network has its own admin (found like its
//! pages); a staffer's role there is their role on that publication
//! ([`prensa_core::permissions::role_on`], applied by the session extractor
//! [`session::Staffer`]), so the same account may be an editor here and
//! nothing on a sister publication.
//!
//! Server-rendered pages that work without JavaScript; `admin.js` adds the
//! live preview, slug suggestion and autosave on top, and `editor.js` (the
//! rich Markdown editor, bundled from `crates/prensa-web/editor/`) replaces
//! the body's textarea while keeping it the form field. Every handler asks
//! [`prensa_core::permissions::check`] before acting, so a role is enforced
//! here whatever a template shows. Every state-changing request carries the
//! session's CSRF token ([`session::CsrfForm`]).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use http::header::{self, HeaderName, HeaderValue};
use http::StatusCode;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use prensa_core::permissions::{check, Action, Denied, Role};
use prensa_store::{Desk, Editorial, StoreError};
use serde::Serialize;

use crate::ops::{RouteLabel, TrackLayer};
use crate::state::{AppState, Site};

pub mod api_keys;
pub mod articles;
pub mod desk;
pub mod editorial;
pub mod form;
pub mod front;
pub mod login;
pub mod media;
pub mod passwords;
pub mod preview_link;
pub mod seo;
pub mod session;
pub mod translations;
pub mod trash;
pub mod users;

use session::Staffer;

/// The state every admin handler extracts (`State(state): Shared<S>`).
pub(crate) type Shared<S> = State<Arc<AppState<S>>>;

/// Admin pages may run our own script (progressive enhancement) and show
/// previews in sandboxed frames; nothing else.
pub const ADMIN_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/// Failed logins allowed per account and per address before a pause,
/// counted in the store so that every node shares them
/// ([`prensa_store::Newsroom::begin_login`]).
pub const LOGIN_ATTEMPTS: u32 = 5;
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

const TEMPLATES: [(&str, &str); 28] = [
    ("base.html", include_str!("../../admin/templates/base.html")),
    ("login.html", include_str!("../../admin/templates/login.html")),
    ("password.html", include_str!("../../admin/templates/password.html")),
    ("message.html", include_str!("../../admin/templates/message.html")),
    ("dashboard.html", include_str!("../../admin/templates/dashboard.html")),
    ("articles.html", include_str!("../../admin/templates/articles.html")),
    ("editor.html", include_str!("../../admin/templates/editor.html")),
    ("revisions.html", include_str!("../../admin/templates/revisions.html")),
    ("revision.html", include_str!("../../admin/templates/revision.html")),
    ("media.html", include_str!("../../admin/templates/media.html")),
    ("media_parts.html", include_str!("../../admin/templates/media_parts.html")),
    ("media_choices.html", include_str!("../../admin/templates/media_choices.html")),
    ("media_edit.html", include_str!("../../admin/templates/media_edit.html")),
    ("media_delete.html", include_str!("../../admin/templates/media_delete.html")),
    ("media_picker.html", include_str!("../../admin/templates/media_picker.html")),
    ("users.html", include_str!("../../admin/templates/users.html")),
    ("macros.html", include_str!("../../admin/templates/macros.html")),
    ("sections.html", include_str!("../../admin/templates/sections.html")),
    ("tags.html", include_str!("../../admin/templates/tags.html")),
    ("authors.html", include_str!("../../admin/templates/authors.html")),
    ("author.html", include_str!("../../admin/templates/author.html")),
    ("settings.html", include_str!("../../admin/templates/settings.html")),
    ("api_key_revoke.html", include_str!("../../admin/templates/api_key_revoke.html")),
    ("translations.html", include_str!("../../admin/templates/translations.html")),
    ("trash.html", include_str!("../../admin/templates/trash.html")),
    ("fields.html", include_str!("../../admin/templates/fields.html")),
    ("front.html", include_str!("../../admin/templates/front.html")),
    ("brand.html", include_str!("../../admin/templates/brand.html")),
];

const ADMIN_CSS: &str = include_str!("../../admin/static/admin.css");
const ADMIN_JS: &str = include_str!("../../admin/static/admin.js");
/// The rich editor: built by `crates/prensa-web/editor/build.sh` (esbuild)
/// and committed, so building Prensa needs no Node.
const EDITOR_JS: &str = include_str!("../../admin/static/editor.js");

/// The admin's templates.
pub struct Admin {
    env: Environment<'static>,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin").finish_non_exhaustive()
    }
}

impl Admin {
    pub fn new() -> Result<Admin, minijinja::Error> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        Ok(Admin { env })
    }

    /// Renders an admin page with the headers every admin page carries.
    ///
    /// Templates write links as `{{ root }}/admin/…`: `root` is the
    /// publication's path prefix, taken from the context's own `root` field
    /// (pages before sign-in) or else from its `chrome`.
    pub fn page<T: Serialize>(&self, status: StatusCode, template: &str, ctx: T) -> Result<Response, AdminError> {
        let ctx = minijinja::Value::from_serialize(&ctx);
        let own = ctx.get_attr("root").ok().filter(|v| !v.is_undefined());
        let root = own.is_none().then(|| {
            ctx.get_attr("chrome").and_then(|c| c.get_attr("root")).ok().filter(|v| !v.is_undefined() && !v.is_none())
        });
        let ctx = match root {
            Some(root) => minijinja::context! { root => root.unwrap_or_else(|| minijinja::Value::from("")), ..ctx },
            None => ctx,
        };
        let html = self
            .env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(|e| AdminError::internal(format!("admin template {template}: {e:#}")))?;
        Ok(with_admin_headers((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()))
    }
}

/// No caching anywhere (pages hold drafts and tokens), no framing by other
/// sites, no referrer leaking invite links.
pub fn with_admin_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(ADMIN_CSP));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // Also on the admin's redirects, plain-text answers and previews, which
    // have no <meta name="robots"> of their own.
    h.insert(HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex"));
    response
}

/// What the admin's layout needs on every page.
#[derive(Debug, Serialize)]
pub struct Chrome {
    /// The publication's path prefix (`""` or `"/de"`), which every admin
    /// link starts with.
    pub root: String,
    pub site_name: String,
    pub user_name: String,
    pub user_email: String,
    pub role: &'static str,
    pub csrf: String,
    pub can_upload: bool,
    pub can_manage_users: bool,
    pub can_manage_sections: bool,
    pub can_manage_settings: bool,
    pub can_curate_front: bool,
    /// The author profile this account writes as (its "Profile" link).
    pub author_id: Option<prensa_core::Id>,
}

impl Chrome {
    pub fn new(site: &Site, staffer: &Staffer) -> Chrome {
        let staff = staffer.user.staff();
        Chrome {
            root: site.root().to_owned(),
            site_name: site.publication.name.clone(),
            user_name: staffer.user.name.clone(),
            user_email: staffer.user.email.clone(),
            role: staffer.user.role.as_str(),
            csrf: staffer.csrf.clone(),
            can_upload: check(&staff, Action::UploadMedia).is_ok(),
            can_manage_users: check(&staff, Action::ManageUsers).is_ok(),
            can_manage_sections: check(&staff, Action::ManageSections).is_ok(),
            can_manage_settings: check(&staff, Action::ManageSettings).is_ok(),
            can_curate_front: check(&staff, Action::CurateFrontPage).is_ok(),
            author_id: staff.author_id,
        }
    }
}

/// An admin request that could not be served, shown as a small page.
#[derive(Debug)]
pub struct AdminError {
    pub status: StatusCode,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl AdminError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AdminError {
        AdminError { status, message: message.into(), retry_after: None }
    }
    pub fn forbidden(message: impl Into<String>) -> AdminError {
        AdminError::new(StatusCode::FORBIDDEN, message)
    }
    pub fn bad_request(message: impl Into<String>) -> AdminError {
        AdminError::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found() -> AdminError {
        AdminError::new(StatusCode::NOT_FOUND, "There is nothing here.")
    }
    pub fn internal(detail: String) -> AdminError {
        tracing::error!(error = %detail, "admin request failed");
        AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side; nothing was changed.")
    }
}

impl From<Denied> for AdminError {
    fn from(d: Denied) -> AdminError {
        AdminError::forbidden(format!("Not allowed: {d}."))
    }
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> AdminError {
        match e {
            StoreError::NotFound => AdminError::not_found(),
            StoreError::Invalid(why) => AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, why),
            StoreError::SectionNotEmpty { articles } => {
                AdminError::new(StatusCode::UNPROCESSABLE_ENTITY, desk::section_not_empty(articles))
            }
            other => AdminError::internal(other.to_string()),
        }
    }
}

impl AdminError {
    /// The error page, its links under `root` (the publication's prefix).
    fn html(status: StatusCode, message: &str, root: &str) -> String {
        let message = prensa_render::markdown::escape_html(message);
        let root = prensa_render::markdown::escape_html(root);
        let title = status.canonical_reason().unwrap_or("Error");
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <link rel=\"stylesheet\" href=\"{root}/admin/assets/admin.css\"></head>\
             <body class=\"bare\"><main><h1>{title}</h1><p class=\"error\" role=\"alert\">{message}</p>\
             <p><a href=\"{root}/admin/\">Back to the admin</a></p></main></body></html>"
        )
    }
}

/// An error page's message, kept in its response's extensions so that
/// [`error_pages`], which knows the publication, can write its links under
/// the publication's prefix (an error raised by `?` does not know it).
#[derive(Debug, Clone)]
struct ErrorPage(String);

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let html = AdminError::html(self.status, &self.message, "");
        let mut response = with_admin_headers(
            (self.status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        );
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(ErrorPage(self.message));
        response
    }
}

/// Rewrites the admin's error pages for a publication under a path prefix
/// (see [`ErrorPage`]); at the root they are already right.
async fn error_pages(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let root = crate::network::site_of(req.extensions()).map(|s| s.root().to_owned()).unwrap_or_default();
    let mut response = next.run(req).await;
    if root.is_empty() {
        return response;
    }
    if let Some(ErrorPage(message)) = response.extensions_mut().remove::<ErrorPage>() {
        *response.body_mut() = axum::body::Body::from(AdminError::html(response.status(), &message, &root));
    }
    response
}

/// Whether the role may see the whole newsroom (other people's drafts).
pub fn sees_everything(role: Role) -> bool {
    role >= Role::Editor
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", ADMIN_CSS)
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", ADMIN_JS)
}

/// The editor's bundle is some 400 KB, so unlike the two small assets it is
/// compressed (once per process, on first request, like the theme's
/// stylesheet) and answers `If-None-Match` with 304: "no-cache" keeps a
/// new release's bundle from being stale, the ETag keeps revalidation cheap.
async fn editor_script(headers: http::HeaderMap) -> Response {
    static BUNDLE: std::sync::OnceLock<crate::cache::CachedPage> = std::sync::OnceLock::new();
    let page = BUNDLE.get_or_init(|| {
        crate::cache::CachedPage::new(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            EDITOR_JS.as_bytes().to_vec(),
            Vec::new(),
        )
    });
    let mut r = crate::public::respond(page, &headers, false);
    let h = r.headers_mut();
    h.remove(header::CONTENT_SECURITY_POLICY);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

/// Every admin route.
pub fn routes<S: Desk + Editorial>(state: &Arc<AppState<S>>) -> Router<Arc<AppState<S>>> {
    let track = || TrackLayer::new(state, RouteLabel::Admin);
    let Table { mut router, paths } = table(state);
    // Staff who type a page's address without its closing slash
    // (`/admin/media`) are sent to it instead of the public 404. Only the
    // admin's own fixed paths get one, so unknown paths stay 404s.
    for &path in &paths {
        let bare = path.trim_end_matches('/');
        if path.ends_with('/') && !path.contains('{') && bare.len() > "/admin".len() && !paths.contains(&bare) {
            router = router
                .route(bare, get(move || async move { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, path)]) }));
        }
    }
    router.layer(axum::middleware::from_fn(error_pages)).layer(track())
}

/// The path pattern of every admin route, as registered (`/admin/articles/{id}/`),
/// taken from the very calls that build the router: the role × route test
/// walks this list (asking each path's `Allow` header for its methods), so
/// a route added without a row in its matrix fails it.
pub fn route_paths<S: Desk + Editorial>(state: &Arc<AppState<S>>) -> Vec<&'static str> {
    table(state).paths
}

/// A router under construction that remembers each path it is given.
struct Table<S: Desk + Editorial> {
    router: Router<Arc<AppState<S>>>,
    paths: Vec<&'static str>,
}

impl<S: Desk + Editorial> Table<S> {
    fn route(mut self, path: &'static str, methods: MethodRouter<Arc<AppState<S>>>) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, methods);
        self
    }
}

fn table<S: Desk + Editorial>(state: &Arc<AppState<S>>) -> Table<S> {
    Table { router: Router::new(), paths: Vec::new() }
        .route("/admin/assets/admin.css", get(stylesheet))
        .route("/admin/assets/admin.js", get(script))
        .route("/admin/assets/editor.js", get(editor_script))
        .route("/admin/login", get(login::form::<S>).post(login::submit::<S>))
        .route("/admin/logout", post(login::logout::<S>))
        .route("/admin/invite/{token}", get(login::invite_form::<S>).post(login::invite_submit::<S>))
        .route("/admin/reset/{token}", get(login::reset_form::<S>).post(login::reset_submit::<S>))
        .route("/admin/account", get(login::account::<S>).post(login::change_password::<S>))
        .route("/admin/", get(articles::dashboard::<S>))
        .route("/admin", get(|| async { axum::response::Redirect::permanent("/admin/") }))
        .route("/admin/articles/", get(articles::list::<S>))
        .route("/admin/articles/new", get(articles::new_form::<S>).post(articles::create::<S>))
        .route("/admin/articles/preview", post(articles::preview_form::<S>))
        .route("/admin/articles/{id}/", get(articles::edit::<S>).post(articles::save::<S>))
        .route("/admin/articles/{id}/autosave", post(articles::autosave::<S>))
        .route("/admin/articles/{id}/preview-link", post(preview_link::set::<S>))
        .route("/preview/{token}", get(preview_link::show::<S>))
        .route("/admin/articles/{id}/preview", get(articles::preview_saved::<S>))
        .route("/admin/articles/{id}/revisions/", get(articles::revisions::<S>))
        .route("/admin/articles/{id}/revisions/{number}", get(articles::revision::<S>))
        .route("/admin/articles/{id}/revisions/{number}/restore", post(articles::restore::<S>))
        .route("/admin/articles/{id}/notes", post(editorial::add_note::<S>))
        .route("/admin/articles/{id}/notes/{note}/resolve", post(editorial::resolve_note::<S>))
        .route("/admin/articles/{id}/notes/{note}/reply", post(editorial::reply_note::<S>))
        .route("/admin/articles/{id}/trash", post(trash::trash::<S>))
        .route("/admin/trash/", get(trash::list::<S>))
        .route("/admin/trash/{id}/restore", post(trash::restore::<S>))
        .route("/admin/trash/{id}/delete", post(trash::delete_forever::<S>))
        .route("/admin/articles/{id}/scheduled/{change}/cancel", post(editorial::cancel_change::<S>))
        .route("/admin/articles/{id}/translate", post(translations::translate::<S>))
        .route("/admin/articles/{id}/translation/current", post(translations::mark_current::<S>))
        .route("/admin/translations/", get(translations::queue::<S>))
        .route(
            "/admin/media/",
            get(media::library::<S>).post(
                media::upload::<S>.layer(DefaultBodyLimit::max(media::request_limit(state.config.max_upload_bytes))),
            ),
        )
        .route("/admin/media/picker", get(media::picker_page::<S>))
        .route("/admin/media/{key}", get(media::edit::<S>).post(media::save::<S>))
        .route("/admin/media/{key}/delete", get(media::delete_form::<S>).post(media::delete::<S>))
        .route("/admin/users/", get(users::list::<S>).post(users::invite::<S>))
        .route("/admin/users/{id}/role", post(users::set_role::<S>))
        .route("/admin/users/{id}/publications", post(users::set_publication_role::<S>))
        .route("/admin/users/{id}/reset", post(users::reset_link::<S>))
        .route("/admin/users/{id}/author", post(users::set_author::<S>))
        .route("/admin/users/{id}/active", post(users::set_active::<S>))
        .route("/admin/sections/", get(desk::sections::<S>).post(desk::create_section::<S>))
        .route("/admin/sections/{id}", post(desk::update_section::<S>))
        .route("/admin/sections/{id}/delete", post(desk::delete_section::<S>))
        .route("/admin/tags/", get(desk::tags::<S>))
        .route("/admin/tags/{id}", post(desk::rename_tag::<S>))
        .route("/admin/tags/{id}/delete", post(desk::delete_tag::<S>))
        .route("/admin/authors/", get(desk::authors::<S>))
        .route("/admin/authors/new", get(desk::new_author::<S>).post(desk::create_author::<S>))
        .route("/admin/authors/{id}", get(desk::author::<S>).post(desk::update_author::<S>))
        .route("/admin/settings", get(desk::settings::<S>).post(desk::save_settings::<S>))
        .route("/admin/settings/api-keys", post(api_keys::create::<S>))
        .route("/admin/settings/api-keys/{id}/revoke", post(api_keys::revoke::<S>))
        .route("/admin/settings/api-cors", post(api_keys::save_cors::<S>))
        .route("/admin/settings/fields/", get(seo::list::<S>).post(seo::create::<S>))
        .route("/admin/settings/fields/{id}", post(seo::update::<S>))
        .route("/admin/settings/fields/{id}/delete", post(seo::delete::<S>))
        .route("/admin/settings/brand", get(front::brand::<S>).post(front::save_brand::<S>))
        .route("/admin/front/", get(front::page::<S>))
        .route("/admin/front/pin", post(front::pin::<S>))
        .route("/admin/front/{id}/{what}", post(front::change::<S>))
}
