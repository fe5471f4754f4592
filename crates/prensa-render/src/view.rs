//! What templates see: plain, already-localized values.
//!
//! The web layer builds these from the content model; the theme only
//! arranges them. Every string here is unescaped text except fields ending
//! in `_html`, which are sanitized HTML produced by [`crate::markdown`].
//! Dates come as an ISO value for `<time datetime>` and a localized text.

use serde::Serialize;

/// Shared by every page: the publication's identity and navigation.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub name: String,
    pub tagline: String,
    /// BCP 47, for `<html lang>`.
    pub language: String,
    /// Absolute, no trailing slash.
    pub base_url: String,
    /// The path prefix the publication is served under (`""` or `"/de"`),
    /// which every link to one of its own pages starts with.
    pub root: String,
    pub sections: Vec<LinkView>,
    pub social: Vec<SocialView>,
    /// URL of the theme's stylesheet (fingerprinted, cached forever).
    pub css_url: String,
    pub year: i32,
    /// The publication's logo, shown in the header in place of its name
    /// (which becomes the image's alt text).
    pub logo: Option<ImageView>,
    /// The `<link rel="icon">` URL: the chosen favicon's media URL, or
    /// the site's `/favicon.ico` (Prensa's default).
    pub favicon: String,
}

/// A name with a link (author in a byline, section, tag).
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SocialView {
    /// `facebook`, `x`, `mastodon` … (for CSS classes / icons).
    pub kind: &'static str,
    /// The network's name, e.g. "Mastodon".
    pub label: &'static str,
    pub url: String,
}

/// `<head>` metadata.
#[derive(Debug, Clone, Serialize)]
pub struct MetaView {
    /// The full `<title>` text.
    pub title: String,
    pub description: String,
    /// OpenGraph title and description when they differ from `title` and
    /// `description` (an article's social overrides).
    pub og_title: Option<String>,
    pub og_description: Option<String>,
    /// Absolute canonical URL.
    pub canonical: String,
    /// OpenGraph type: `article` or `website`.
    pub og_type: &'static str,
    /// Absolute URL of the share image.
    pub og_image: Option<String>,
    pub og_image_alt: Option<String>,
    /// Schema.org JSON-LD, serialized and safe to place inside
    /// `<script type="application/ld+json">` (`<` is escaped).
    pub json_ld: Option<String>,
    /// hreflang alternates, including this page's own language.
    pub alternates: Vec<AlternateView>,
    /// Absolute URLs for `<link rel=prev/next>` on paginated lists.
    pub prev: Option<String>,
    pub next: Option<String>,
    /// For article pages: ISO dates for `article:published_time` etc.
    pub published_iso: Option<String>,
    pub modified_iso: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    /// For 404 pages.
    pub noindex: bool,
    /// The page's own feeds (RSS, Atom, JSON Feed), for `<link
    /// rel="alternate">`; empty on pages without one.
    pub feeds: Vec<FeedLinkView>,
}

/// One feed of a page, as `<link rel="alternate" type title href>`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLinkView {
    /// `application/rss+xml`, `application/atom+xml`, `application/feed+json`.
    pub media_type: &'static str,
    /// Localized, e.g. "RSS feed: Labor — The Meridian".
    pub title: String,
    /// Absolute.
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlternateView {
    pub lang: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// `srcset` candidates (`URL 320w,URL 640w,…`), smallest first, ending
    /// with the original; empty when there is nothing smaller to offer.
    pub srcset: String,
    pub alt: String,
    pub caption: Option<String>,
}

/// An article in a list: home, section, "more from this section", "most recent".
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub url: String,
    pub headline: String,
    pub standfirst: String,
    pub authors: Vec<LinkView>,
    /// Localized "By A, B and C" text is built by the template from `authors`
    /// and `t.by` / `t.and`; this is the pre-joined plain form for convenience.
    pub byline_text: String,
    pub section: LinkView,
    pub date_iso: String,
    pub date_text: String,
    pub image: Option<ImageView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    pub facebook: String,
    pub x: String,
    pub mastodon: String,
    pub email: String,
    /// The canonical URL itself, for "copy link".
    pub link: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorBoxView {
    pub name: String,
    pub url: String,
    pub avatar: Option<ImageView>,
    /// Sanitized HTML of the Markdown bio.
    pub bio_html: String,
    pub social: Vec<SocialView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub headline: String,
    pub standfirst: String,
    pub authors: Vec<LinkView>,
    pub date_iso: String,
    pub date_text: String,
    /// Present when the article was updated after publication.
    pub updated_iso: Option<String>,
    pub updated_text: Option<String>,
    pub section: LinkView,
    pub tags: Vec<LinkView>,
    pub image: Option<ImageView>,
    pub body_html: String,
    /// The figures' stylesheet (`theme::figures_css_url`, under the
    /// publication's prefix) when the body has a figure, gallery or embed.
    pub figures_css: Option<String>,
    /// `<nav class="toc">…</nav>` when the article asks for one.
    pub toc_html: Option<String>,
    /// Localized reading time, e.g. "7 min read" ([`crate::i18n`]'s
    /// `reading_time`, which picks the plural).
    pub reading_time: String,
    pub share: ShareView,
    pub author_boxes: Vec<AuthorBoxView>,
    /// Localized heading, e.g. "More from Labor".
    pub more_from_section_title: String,
    pub more_from_section: Vec<CardView>,
    pub most_recent: Vec<CardView>,
    /// The publication's custom fields this article has a value for, in
    /// their order.
    pub custom_fields: Vec<CustomFieldView>,
}

/// One custom field on the article page: the label as the publication
/// defined it and the value, plain text (escaped by the template).
#[derive(Debug, Clone, Serialize)]
pub struct CustomFieldView {
    pub label: String,
    /// `text`, `url`, `date` or `choice` (a class for themes).
    pub kind: &'static str,
    pub value: String,
    /// An absolute http(s) URL to link the value to (URL fields only).
    pub url: Option<String>,
    /// `YYYY-MM-DD` for a `<time datetime>` (date fields only).
    pub date_iso: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionBlockView {
    pub name: String,
    pub url: String,
    pub cards: Vec<CardView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    /// The first pin, or else the newest article.
    pub lead: Option<CardView>,
    /// The other pins, in the editors' order.
    pub featured: Vec<CardView>,
    /// The newest articles after the lead, pinned ones left out.
    pub most_recent: Vec<CardView>,
    pub sections: Vec<SectionBlockView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PagerView {
    pub page: u32,
    pub pages: u32,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// Localized "Page 2 of 5".
    pub label: String,
}

/// Section, author and tag pages.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    /// `section`, `author` or `tag`.
    pub kind: &'static str,
    /// The page's h1, e.g. "Latin America", "Ana Ribeiro", "Labor".
    pub heading: String,
    /// Localized kicker above the heading, e.g. "Section", "Articles tagged".
    pub kicker: String,
    pub description: Option<String>,
    /// The author's box (bio, avatar, social links) on author pages.
    pub author: Option<AuthorBoxView>,
    pub cards: Vec<CardView>,
    pub pager: Option<PagerView>,
}

/// A whole page: the site, its metadata, the locale's strings and the body.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a, T: Serialize> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    /// Every string of the locale, by key, for `{{ t.most_recent }}`.
    pub t: &'a std::collections::BTreeMap<String, String>,
    pub page: T,
}

/// The page that asks a reader for their Mastodon server before sharing.
#[derive(Debug, Clone, Serialize)]
pub struct MastodonShareView {
    /// The text to share (headline and URL), carried in a hidden field.
    pub text: String,
    /// The server name given was not a valid host name.
    pub error: bool,
    /// A valid server was given: the page names it and links on to it
    /// instead of showing the form.
    pub confirm: Option<MastodonConfirmView>,
}

/// The way on to the reader's server, shown once they have named it.
#[derive(Debug, Clone, Serialize)]
pub struct MastodonConfirmView {
    /// "Share this on {instance}:", filled in.
    pub question: String,
    /// "Continue to {instance}", filled in: the link's text.
    pub continue_label: String,
    /// That server's own share page with the text filled in.
    pub share_url: String,
    /// The form again, with the same text, to pick another server.
    pub back_url: String,
}

/// The search page: the form (holding what was asked) and, when something
/// was asked, the results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// The query as typed (escaped by the template).
    pub query: String,
    /// `relevance` or `newest`.
    pub sort: &'static str,
    /// "12 results for …" or the no-results sentence; `None` before a query.
    pub summary: Option<String>,
    pub results: Vec<SearchResultView>,
    pub pager: Option<PagerView>,
    /// The same query ordered the other way, for the sort links.
    pub relevance_url: String,
    pub newest_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResultView {
    pub card: CardView,
    /// The passage of the body around the matched words, already escaped
    /// with `<mark>` around the matches; `None` to show the standfirst.
    pub snippet_html: Option<String>,
    /// Whether the body goes on before / after the snippet (an ellipsis).
    pub cut_before: bool,
    pub cut_after: bool,
}

/// A page's links into the other publications of the network, beside its
/// own view model (see [`WithNetwork`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NetworkView {
    /// The article in other languages ("Also in: Deutsch · Français").
    pub also_in: Vec<LanguageLinkView>,
    /// On an author page: the author's pages in the other publications
    /// ("Also writes for"), each named by its publication.
    pub also_writes_for: Vec<LanguageLinkView>,
    /// "From our sister sites": the latest articles of the other
    /// publications; empty when the block is off.
    pub sister: Vec<SisterCardView>,
}

/// A link to a page in another language: `lang` for the link's `lang` and
/// `hreflang` attributes, `name` the text shown (the language named in
/// itself, or a publication's name).
#[derive(Debug, Clone, Serialize)]
pub struct LanguageLinkView {
    pub lang: String,
    pub name: String,
    /// Absolute, on that publication's own base URL.
    pub url: String,
}

/// A card of another publication, marked with its language.
#[derive(Debug, Clone, Serialize)]
pub struct SisterCardView {
    pub lang: String,
    /// The language named in itself ("Deutsch").
    pub language_name: String,
    /// The publication's name.
    pub publication: String,
    /// Its links are absolute, on that publication's base URL.
    pub card: CardView,
}

/// A page's own view model with its network links, which templates read as
/// `page.network` beside the page's own fields.
#[derive(Debug, Clone, Serialize)]
pub struct WithNetwork<T: Serialize> {
    #[serde(flatten)]
    pub page: T,
    pub network: NetworkView,
}
