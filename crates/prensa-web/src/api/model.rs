//! The JSON the Content API answers with, and how it is made from the
//! content model: absolute URLs everywhere (on the publication's own base
//! URL, prefix included), dates in RFC 3339 with the offset they were
//! written in, bodies and bios rendered and sanitized by the same renderer
//! as the pages, their relative links made absolute. These types are also
//! the OpenAPI description's schemas.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use prensa_core::{Article, Author, HeroImage, Section, Tag};
use prensa_render::markdown;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::{Site, Sites};
use crate::views;

/// An article. `id` and `slug` are always present; the other properties
/// are those `fields` chose (by default all but `body_html` in lists, all
/// of them for one article).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleJson {
    pub id: i64,
    pub slug: String,
    /// The article's page.
    #[schema(required = false, format = "uri")]
    pub url: String,
    /// Its publication's language (BCP 47).
    #[schema(required = false)]
    pub language: String,
    #[schema(required = false)]
    pub headline: String,
    #[schema(required = false)]
    pub standfirst: String,
    /// The body as sanitized HTML, links absolute.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = String)]
    pub body_html: Option<String>,
    /// RFC 3339, in the offset it was written in.
    #[schema(required = false, format = DateTime)]
    pub published_at: String,
    #[schema(required = false, format = DateTime)]
    pub updated_at: String,
    /// The section's slug (`include=section` adds the section itself).
    #[schema(required = false)]
    pub section: String,
    /// The authors' slugs in byline order (`include=authors`).
    #[schema(required = false)]
    pub authors: Vec<String>,
    /// The tags' slugs (`include=tags`).
    #[schema(required = false)]
    pub tags: Vec<String>,
    /// The hero image, or null.
    #[schema(required = false)]
    pub image: Option<ImageJson>,
    /// At 230 words a minute, at least 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = u32, minimum = 1)]
    pub reading_time_minutes: Option<u32>,
    /// The versions of this article in the network's other publications
    /// that readers can see.
    #[schema(required = false)]
    pub translations: Vec<TranslationJson>,
    /// What the article says to search engines and social networks where
    /// it overrides the headline, standfirst, hero image or its own URL.
    #[schema(required = false)]
    pub seo: SeoJson,
    /// The publication's custom fields this article has a value for, by
    /// key (text; URLs absolute, dates `YYYY-MM-DD`).
    #[schema(required = false)]
    pub custom_fields: std::collections::BTreeMap<String, String>,
}

/// An article's SEO and social overrides; null where the page falls back
/// to the article's own headline, standfirst, hero image or URL.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SeoJson {
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub social_title: Option<String>,
    pub social_description: Option<String>,
    /// Absolute URL of the social image.
    #[schema(format = "uri")]
    pub social_image: Option<String>,
    /// The canonical URL when it is not the article's own (a piece
    /// republished from elsewhere).
    #[schema(format = "uri")]
    pub canonical_url: Option<String>,
}

fn seo_json(site: &Site, seo: &prensa_core::ArticleSeo) -> SeoJson {
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    SeoJson {
        meta_title: some(&seo.meta_title),
        meta_description: some(&seo.meta_description),
        social_title: some(&seo.social_title),
        social_description: some(&seo.social_description),
        social_image: some(&seo.social_image).map(|key| site.publication.absolute(&format!("/media/{key}"))),
        canonical_url: some(&seo.canonical_url),
    }
}

/// An article's hero image.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImageJson {
    #[schema(format = "uri")]
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: Option<String>,
}

/// Another language's version of an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslationJson {
    pub language: String,
    #[schema(format = "uri")]
    pub url: String,
    /// Its publication's slug.
    pub publication: String,
    /// Whether it is the original the others translate.
    pub original: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorJson {
    pub slug: String,
    pub name: String,
    /// The author's page on this publication.
    #[schema(format = "uri")]
    pub url: String,
    /// The bio in the publication's language where there is one, as
    /// sanitized HTML.
    pub bio_html: String,
    pub avatar: Option<AvatarJson>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AvatarJson {
    #[schema(format = "uri")]
    pub url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionJson {
    pub slug: String,
    pub name: String,
    pub description: String,
    #[schema(format = "uri")]
    pub url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TagJson {
    pub slug: String,
    pub name: String,
    #[schema(format = "uri")]
    pub url: String,
    /// Published articles carrying it (in `tags/` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = u64)]
    pub article_count: Option<u64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicationJson {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// BCP 47.
    pub language: String,
    /// Its home page; its prefix included when it has one.
    #[schema(format = "uri")]
    pub base_url: String,
    /// Its Content API's root.
    #[schema(format = "uri")]
    pub api_url: String,
    /// IANA time zone.
    pub timezone: String,
}

/// What `include` asked for, once each, for all the articles of the answer.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Included {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = Vec<AuthorJson>)]
    pub authors: Option<Vec<AuthorJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = Vec<TagJson>)]
    pub tags: Option<Vec<TagJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = Vec<SectionJson>)]
    pub sections: Option<Vec<SectionJson>>,
}

/// A page of articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub data: Vec<ArticleJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = Included)]
    pub included: Option<Included>,
}

/// One article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleOne {
    pub data: ArticleJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, value_type = Included)]
    pub included: Option<Included>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorList {
    pub data: Vec<AuthorJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionList {
    pub data: Vec<SectionJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagList {
    pub data: Vec<TagJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationList {
    pub data: Vec<PublicationJson>,
}

/// One search result, best match first (or newest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitJson {
    pub id: i64,
    pub slug: String,
    #[schema(format = "uri")]
    pub url: String,
    pub headline: String,
    pub standfirst: String,
    #[schema(format = DateTime)]
    pub published_at: String,
    /// The section's slug.
    pub section: String,
    /// The authors' slugs.
    pub authors: Vec<String>,
    /// The passage that matched, plain text.
    pub snippet: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub data: Vec<SearchHitJson>,
    /// How many articles match in all.
    pub total: u64,
}

pub fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What building an article's JSON should compute: the body is rendered
/// only when its HTML or its reading time is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Compute {
    pub body_html: bool,
    pub reading_time: bool,
}

pub fn article(
    site: &Site,
    sites: &Sites,
    a: &Article,
    compute: Compute,
    extras: Option<&prensa_core::ArticleExtras>,
) -> ArticleJson {
    let p = &site.publication;
    let url = p.absolute(&views::article_path(&a.slug));
    let (body_html, reading_time_minutes) = if compute.body_html || compute.reading_time {
        let rendered =
            markdown::render(&a.body, &markdown::Options { toc: a.toc, locale: site.locale, ..Default::default() });
        let minutes = u32::try_from(rendered.words.div_ceil(230).max(1)).unwrap_or(u32::MAX);
        (
            compute.body_html.then(|| prensa_render::markdown::absolute_links(&rendered.html, &url)),
            compute.reading_time.then_some(minutes),
        )
    } else {
        (None, None)
    };
    ArticleJson {
        id: a.id,
        slug: a.slug.clone(),
        language: p.language.clone(),
        headline: a.headline.clone(),
        standfirst: a.standfirst.clone(),
        body_html,
        published_at: rfc3339(&a.published_at),
        updated_at: rfc3339(&a.updated_at),
        section: a.section.slug.clone(),
        authors: a.authors.iter().map(|x| x.slug.clone()).collect(),
        tags: a.tags.iter().map(|t| t.slug.clone()).collect(),
        image: a.image.as_ref().map(|h| image(site, h)),
        reading_time_minutes,
        translations: a
            .translations
            .iter()
            .map(|t| TranslationJson {
                language: t.language.clone(),
                url: format!("{}{}", t.base_url.trim_end_matches('/'), views::article_path(&t.slug)),
                publication: sites.by_id(t.publication).map(|s| s.publication.slug.clone()).unwrap_or_default(),
                original: t.original,
            })
            .collect(),
        url,
        seo: extras.map(|x| seo_json(site, &x.seo)).unwrap_or_default(),
        custom_fields: extras.map(|x| x.custom.clone()).unwrap_or_default(),
    }
}

fn image(site: &Site, h: &HeroImage) -> ImageJson {
    ImageJson {
        url: site.publication.absolute(&h.image.url()),
        width: h.image.width,
        height: h.image.height,
        alt: h.alt.clone(),
        caption: h.caption.clone(),
    }
}

pub fn author(site: &Site, a: &Author) -> AuthorJson {
    let url = site.publication.absolute(&views::author_path(&a.slug, 1));
    let bio = markdown::render(&a.bio, &markdown::Options { locale: site.locale, ..Default::default() }).html;
    AuthorJson {
        slug: a.slug.clone(),
        name: a.name.clone(),
        bio_html: prensa_render::markdown::absolute_links(&bio, &url),
        avatar: a.avatar.as_ref().map(|i| AvatarJson {
            url: site.publication.absolute(&i.url()),
            width: i.width,
            height: i.height,
        }),
        url,
    }
}

pub fn section(site: &Site, s: &Section) -> SectionJson {
    SectionJson {
        slug: s.slug.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        url: site.publication.absolute(&views::section_path(&s.slug, 1)),
    }
}

pub fn tag(site: &Site, t: &Tag, count: Option<u64>) -> TagJson {
    TagJson {
        slug: t.slug.clone(),
        name: t.name.clone(),
        url: site.publication.absolute(&views::tag_path(&t.slug, 1)),
        article_count: count,
    }
}

pub fn publication(site: &Site) -> PublicationJson {
    let p = &site.publication;
    PublicationJson {
        slug: p.slug.clone(),
        name: p.name.clone(),
        tagline: p.tagline.clone(),
        language: p.language.clone(),
        base_url: p.absolute("/"),
        api_url: p.absolute(super::ROOT_SLASH),
        timezone: p.timezone.clone(),
    }
}
