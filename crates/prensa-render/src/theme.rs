//! The default theme: HTML templates and one stylesheet, embedded in the
//! binary.
//!
//! Templates are [minijinja] files under `templates/` rendered with HTML
//! auto-escaping: every value from a [`PageView`] is escaped except the
//! `*_html` fields and `meta.json_ld`, which the templates mark `|safe`. Every
//! word a template prints comes from the locale's strings (`t`), see
//! [`strings_map`].
//!
//! The theme emits no scripts (the JSON-LD block is data), no inline styles
//! and no `style` attributes, so it runs under a strict Content Security
//! Policy.

use std::collections::BTreeMap;

use minijinja::value::Value;
use minijinja::{context, escape_formatter, AutoEscape, Environment, Output, State, UndefinedBehavior};
use serde::Serialize;

use crate::i18n::{self, Locale};
use crate::view::PageView;

/// The stylesheet, served at [`Theme::css_url`].
const STYLESHEET: &[u8] = include_bytes!("../static/style.css");

/// The styles of figures, galleries and embeds in article bodies, linked
/// only from pages whose body has one, so that other pages (and the
/// article page's byte budget) do not pay for them.
const FIGURES_STYLESHEET: &[u8] = include_bytes!("../static/figures.css");

/// Where to serve [`figures_stylesheet`]: `/assets/figures.<10 hex>.css`
/// (fingerprinted like the main stylesheet, cached forever).
pub fn figures_css_url() -> &'static str {
    static URL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!("/assets/figures.{:010x}.css", xxhash_rust::xxh3::xxh3_64(FIGURES_STYLESHEET) >> 24)
    });
    &URL
}

/// The figures' stylesheet's bytes (`text/css; charset=utf-8`).
pub fn figures_stylesheet() -> &'static [u8] {
    FIGURES_STYLESHEET
}
/// The favicon of a publication that has not chosen one (`/favicon.ico`):
/// a 32×32 PNG in an ICO container, 167 bytes.
pub const DEFAULT_FAVICON: &[u8] = include_bytes!("../static/favicon.ico");

/// Every template, by the name other templates use to extend or import it.
const TEMPLATES: [(&str, &str); 8] = [
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("list.html", include_str!("../templates/list.html")),
    ("not_found.html", include_str!("../templates/not_found.html")),
    ("mastodon_share.html", include_str!("../templates/mastodon_share.html")),
    ("search.html", include_str!("../templates/search.html")),
];

/// A page the theme can render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    /// The front page; renders a `PageView<HomeView>`.
    Home,
    /// One article; renders a `PageView<ArticleView>`.
    Article,
    /// Section, author and tag pages; renders a `PageView<ListView>`.
    List,
    /// The 404 page; renders a `PageView<()>` (no page data).
    NotFound,
    /// The form asking for the reader's Mastodon server before sharing;
    /// renders a `PageView<MastodonShareView>`.
    MastodonShare,
    /// The search form and its results; renders a `PageView<SearchView>`.
    Search,
}

impl Template {
    /// The template's file name under `templates/`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Home => "home.html",
            Self::Article => "article.html",
            Self::List => "list.html",
            Self::NotFound => "not_found.html",
            Self::MastodonShare => "mastodon_share.html",
            Self::Search => "search.html",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A template failed to parse or to render (e.g. a view field it reads
    /// is missing).
    #[error("theme template error: {0:#}")]
    Template(#[from] minijinja::Error),
}

/// The default theme, ready to render. Build it once at startup and share it
/// (it is `Send + Sync`).
pub struct Theme {
    env: Environment<'static>,
    css_url: String,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("css_url", &self.css_url).finish_non_exhaustive()
    }
}

impl Theme {
    /// Parses the embedded templates and fingerprints the stylesheet.
    ///
    /// Fails only if a template does not parse, which the theme tests rule
    /// out before anything ships.
    pub fn new() -> Result<Self, ThemeError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None });
        env.set_formatter(html_formatter);
        // A misspelt field or locale key is an error, not silently empty text.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }

        let hash = xxhash_rust::xxh3::xxh3_64(STYLESHEET);
        let css_url = format!("/assets/style.{:010x}.css", hash >> 24);

        // Compression is the web layer's job: it makes gzip and brotli
        // copies once, like for every page it caches.
        Ok(Self { env, css_url })
    }

    /// Renders one page to a complete HTML document.
    ///
    /// `page.site.css_url` should be [`Theme::css_url`].
    pub fn render<T: Serialize>(&self, template: Template, page: &PageView<'_, T>) -> Result<String, ThemeError> {
        let dir = i18n::locale(&page.site.language).dir().as_str();
        let html =
            self.env.get_template(template.name())?.render(context! { dir => dir, ..Value::from_serialize(page) })?;
        Ok(html)
    }

    /// The stylesheet's bytes (`text/css; charset=utf-8`).
    pub fn stylesheet(&self) -> &'static [u8] {
        STYLESHEET
    }

    /// Where to serve the stylesheet: `/assets/style.<10 hex digits>.css`.
    /// The name changes whenever the content does, so it may be cached
    /// forever (`Cache-Control: public, max-age=31536000, immutable`).
    pub fn css_url(&self) -> &str {
        &self.css_url
    }
}

/// Every message of `locale`, by id, for the templates' `t`.
///
/// The keys are the ids of `en.ftl` (the reference every locale must match,
/// see [`i18n::message_ids`]); each value is [`Locale::t`], so a message a
/// locale lacks falls back to English exactly as it does everywhere else.
/// Build it once per locale and share it.
pub fn strings_map(locale: &Locale) -> BTreeMap<String, String> {
    i18n::message_ids().iter().map(|key| (key.clone(), locale.t(key).to_owned())).collect()
}

/// Escapes like minijinja's default HTML formatter, except that `/` is left
/// alone: escaping it buys nothing inside quoted attributes or text, and
/// would triple the length of every URL on the page.
fn html_formatter(out: &mut Output, state: &State, value: &Value) -> Result<(), minijinja::Error> {
    if state.auto_escape() == AutoEscape::Html && !value.is_safe() {
        if let Some(text) = value.as_str() {
            return crate::markdown::write_escaped(out, text).map_err(minijinja::Error::from);
        }
    }
    escape_formatter(out, state, value)
}
