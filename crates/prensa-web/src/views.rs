//! From the content model to the theme's view model: URLs, localized
//! dates and words, share links, and the `<head>` metadata (OpenGraph,
//! JSON-LD, hreflang) every page carries.

use chrono::{DateTime, FixedOffset};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use prensa_core::{
    Article, ArticleExtras, ArticleSummary, Author, CustomField, CustomValues, FieldKind, HeroImage, Image,
    SisterArticle, SocialLinks,
};
use prensa_render::feed::FeedFormat;
use prensa_render::markdown;
use prensa_render::view::{
    AlternateView, ArticleView, AuthorBoxView, CardView, CustomFieldView, FeedLinkView, ImageView, LanguageLinkView,
    LinkView, MetaView, ShareView, SisterCardView, SocialView,
};
use serde_json::json;

use crate::route::FeedOf;
use crate::state::{Site, Sites};

pub fn article_path(slug: &str) -> String {
    format!("/{slug}/")
}

fn list_path(kind: &str, slug: &str, page: u32) -> String {
    if page <= 1 {
        format!("/{kind}/{slug}/")
    } else {
        format!("/{kind}/{slug}/page/{page}/")
    }
}

pub fn section_path(slug: &str, page: u32) -> String {
    list_path("section", slug, page)
}

pub fn author_path(slug: &str, page: u32) -> String {
    list_path("author", slug, page)
}

pub fn tag_path(slug: &str, page: u32) -> String {
    list_path("tag", slug, page)
}

/// `/feed/`, `/section/labor/feed/atom.xml`, `/tag/x/feed/feed.json` …
pub fn feed_path(of: &FeedOf, format: FeedFormat) -> String {
    let list = match of {
        FeedOf::Publication => String::new(),
        FeedOf::Section(slug) => format!("/section/{slug}"),
        FeedOf::Author(slug) => format!("/author/{slug}"),
        FeedOf::Tag(slug) => format!("/tag/{slug}"),
    };
    format!("{list}/feed/{}", format.file())
}

/// A page's `<link rel="alternate">` to its feeds in the three formats,
/// titled in the publication's language after `title` (the feed's title).
pub fn feed_links(site: &Site, of: &FeedOf, title: &str) -> Vec<FeedLinkView> {
    FeedFormat::ALL
        .into_iter()
        .map(|format| FeedLinkView {
            media_type: format.media_type(),
            title: site.locale.t_with(format.message(), &[("title", title)]),
            url: site.publication.absolute(&feed_path(of, format)),
        })
        .collect()
}

/// Query-component encoding: everything but unreserved characters.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

pub fn encode_query(s: &str) -> String {
    utf8_percent_encode(s, QUERY).to_string()
}

pub fn social(links: &SocialLinks) -> Vec<SocialView> {
    links
        .iter()
        // The importer already refuses other URLs; checking again here keeps
        // a bad row from ever reaching an href.
        .filter(|l| prensa_core::social::is_safe_profile_url(&l.url))
        .map(|l| SocialView { kind: l.kind.key(), label: l.kind.label(), url: l.url.clone() })
        .collect()
}

fn iso(dt: &DateTime<FixedOffset>) -> String {
    dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `at` on the publication's clock. An article's "updated" time is written
/// by the server (admin saves, scheduled changes) in UTC, where its publish
/// date carries the publication's offset; read in the zone, both print the
/// dates the publication's readers live by. Unchanged if the zone's name
/// is unknown.
pub(crate) fn in_zone(site: &Site, at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    match site.publication.timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).fixed_offset(),
        Err(_) => at,
    }
}

/// Variants a card offers: cards are at most 24rem wide, so one WebP at
/// 640 px covers them at 1x (and phones at 2x and more take the original).
/// Every candidate costs page weight (~12 bytes brotli), so no more.
pub const CARD_WIDTHS: &[u32] = &[640];
/// Variants the lead image of an article offers (42rem wide at most).
pub const HERO_WIDTHS: &[u32] = &[640, 1024, 1600];

/// The `srcset` of a library image: a WebP variant at each of `widths`
/// narrower than the image (made at upload, or on first request for
/// imported images; see `assets::media`), then the original.
pub fn srcset(site: &Site, image: &Image, widths: &[u32]) -> String {
    let Some((hash, _)) = image.key.split_once('.') else { return String::new() };
    let root = site.root();
    let mut out = String::new();
    for w in widths.iter().filter(|w| **w < image.width) {
        out.push_str(&format!("{root}/media/{hash}-{w}.webp {w}w,"));
    }
    if out.is_empty() {
        return out;
    }
    out.push_str(&format!("{root}{} {}w", image.url(), image.width));
    out
}

/// The widths variants are made at: the media pipeline's defaults.
pub static VARIANT_WIDTHS: std::sync::LazyLock<Vec<u32>> =
    std::sync::LazyLock::new(|| prensa_media::Limits::default().widths);

pub fn image(site: &Site, hero: &HeroImage, widths: &[u32]) -> ImageView {
    ImageView {
        url: site.path(&hero.image.url()),
        width: hero.image.width,
        height: hero.image.height,
        srcset: srcset(site, &hero.image, widths),
        alt: hero.alt.clone(),
        caption: hero.caption.clone(),
    }
}

pub fn card(site: &Site, a: &ArticleSummary) -> CardView {
    let names: Vec<&str> = a.authors.iter().map(|x| x.name.as_str()).collect();
    CardView {
        url: site.path(&article_path(&a.slug)),
        headline: a.headline.clone(),
        standfirst: a.standfirst.clone(),
        authors: a
            .authors
            .iter()
            .map(|x| LinkView { name: x.name.clone(), url: site.path(&author_path(&x.slug, 1)) })
            .collect(),
        byline_text: site.locale.join_names(&names),
        section: LinkView { name: a.section.name.clone(), url: site.path(&section_path(&a.section.slug, 1)) },
        date_iso: iso(&a.published_at),
        date_text: site.locale.format_date(&a.published_at),
        image: a.image.as_ref().map(|i| image(site, i, CARD_WIDTHS)),
    }
}

pub fn author_box(site: &Site, a: &Author) -> AuthorBoxView {
    let bio = markdown::render(&a.bio, &markdown::Options { locale: site.locale, ..Default::default() });
    AuthorBoxView {
        name: a.name.clone(),
        url: site.path(&author_path(&a.slug, 1)),
        avatar: a.avatar.as_ref().map(|img| ImageView {
            url: site.path(&img.url()),
            width: img.width,
            height: img.height,
            // Avatars show at 4rem: the smallest variant is plenty, and the
            // original is usually small already.
            srcset: String::new(),
            alt: a.name.clone(),
            caption: None,
        }),
        bio_html: bio.html,
        social: social(&a.social),
    }
}

/// Share links for the page at `url` (absolute) of `site`.
pub fn share(site: &Site, url: &str, headline: &str) -> ShareView {
    let u = encode_query(url);
    let text = encode_query(headline);
    ShareView {
        facebook: format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
        x: format!("https://x.com/intent/post?url={u}&text={text}"),
        // Mastodon has no central share URL: our own page asks which
        // instance the reader is on and sends them there.
        mastodon: site.path(&format!("/share/mastodon/?text={}", encode_query(&format!("{headline} {url}")))),
        email: format!("mailto:?subject={text}&body={}", encode_query(&format!("{headline}\n\n{url}"))),
        link: url.to_owned(),
    }
}

/// Serializes JSON-LD so it can sit inside a `<script>` data block: `<`,
/// `>` and `&` are escaped as JSON unicode escapes, so no `</script>` can
/// end the block early.
pub fn json_ld(value: &serde_json::Value) -> String {
    let raw = value.to_string();
    let mut out = String::with_capacity(raw.len() + 16);
    for ch in raw.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Metadata for a non-article page.
pub fn meta(site: &Site, title: &str, description: &str, path: &str) -> MetaView {
    let canonical = site.publication.absolute(path);
    let full_title =
        if title.is_empty() { site.publication.name.clone() } else { format!("{title} — {}", site.publication.name) };
    MetaView {
        title: full_title,
        description: description.to_owned(),
        og_title: None,
        og_description: None,
        alternates: vec![AlternateView { lang: site.publication.language.clone(), url: canonical.clone() }],
        canonical,
        og_type: "website",
        og_image: None,
        og_image_alt: None,
        json_ld: None,
        prev: None,
        next: None,
        published_iso: None,
        modified_iso: None,
        section: None,
        tags: Vec::new(),
        noindex: false,
        feeds: Vec::new(),
    }
}

pub struct ArticleLists {
    pub more_from_section: Vec<ArticleSummary>,
    pub most_recent: Vec<ArticleSummary>,
    /// The media library images the body shows, by key ([`body_media`]).
    pub body_media: markdown::MediaMap,
}

/// Sizes and `srcset`s of the media library images `rows` (an article
/// body's, read in one query by `Store::media_many`): what the body's
/// figures need to be written like the hero image.
pub fn body_media(site: &Site, rows: &[prensa_core::MediaAsset]) -> markdown::MediaMap {
    rows.iter()
        .map(|m| {
            let image = Image { key: m.key.clone(), width: m.width, height: m.height };
            let info =
                markdown::MediaInfo { width: m.width, height: m.height, srcset: srcset(site, &image, HERO_WIDTHS) };
            (m.key.clone(), info)
        })
        .collect()
}

/// The article page's view model and metadata.
pub fn article(site: &Site, a: &Article, lists: &ArticleLists) -> (MetaView, ArticleView) {
    article_with(site, a, lists, &ArticleExtras::default(), &[])
}

/// [`article`] with the article's SEO fields and custom field values
/// (`fields`: the publication's definitions, in order): each SEO field
/// overrides its fallback (title: the headline; description: the
/// standfirst; social title and description: the meta ones; social image:
/// the hero; canonical: the article's own URL) only when set.
pub fn article_with(
    site: &Site,
    a: &Article,
    lists: &ArticleLists,
    extras: &ArticleExtras,
    fields: &[CustomField],
) -> (MetaView, ArticleView) {
    let seo = &extras.seo;
    let path = article_path(&a.slug);
    // A canonical URL override was checked as absolute http(s) when saved;
    // checked again here so a row written otherwise cannot put anything
    // else into the page.
    let canonical = Some(seo.canonical_url.as_str())
        .filter(|u| !u.is_empty() && prensa_core::fields::check_url(u).is_ok())
        .map_or_else(|| site.publication.absolute(&path), str::to_owned);
    // Readers share this page, whatever its canonical says.
    let own_url = site.publication.absolute(&path);
    let rendered = markdown::render_with_media(
        &a.body,
        &markdown::Options { toc: a.toc, locale: site.locale, ..Default::default() },
        &lists.body_media,
    );
    let toc_html = (a.toc && !rendered.toc.is_empty()).then(|| markdown::toc_html_in(&rendered.toc, site.locale));
    let updated = (a.updated_at > a.published_at).then(|| in_zone(site, a.updated_at));
    let modified = updated.unwrap_or(a.published_at);
    let view = ArticleView {
        headline: a.headline.clone(),
        standfirst: a.standfirst.clone(),
        authors: a
            .authors
            .iter()
            .map(|x| LinkView { name: x.name.clone(), url: site.path(&author_path(&x.slug, 1)) })
            .collect(),
        date_iso: iso(&a.published_at),
        date_text: site.locale.format_date(&a.published_at),
        updated_iso: updated.as_ref().map(iso),
        updated_text: updated.as_ref().map(|d| site.locale.format_date(d)),
        section: LinkView { name: a.section.name.clone(), url: site.path(&section_path(&a.section.slug, 1)) },
        tags: a.tags.iter().map(|t| LinkView { name: t.name.clone(), url: site.path(&tag_path(&t.slug, 1)) }).collect(),
        image: a.image.as_ref().map(|i| image(site, i, HERO_WIDTHS)),
        body_html: rendered.html,
        figures_css: rendered.figures.then(|| site.path(prensa_render::theme::figures_css_url())),
        toc_html,
        // 230 words a minute, at least one; the message picks the plural.
        reading_time: site.locale.t_with("reading_time", &[("n", &rendered.words.div_ceil(230).max(1).to_string())]),
        share: share(site, &own_url, &a.headline),
        author_boxes: a.authors.iter().map(|x| author_box(site, x)).collect(),
        more_from_section_title: site.locale.t_with("more_from_section", &[("section", &a.section.name)]),
        more_from_section: lists.more_from_section.iter().map(|s| card(site, s)).collect(),
        most_recent: lists.most_recent.iter().map(|s| card(site, s)).collect(),
        custom_fields: custom_field_views(site, fields, &extras.custom),
    };

    let nonempty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let title = nonempty(&seo.meta_title).unwrap_or_else(|| format!("{} — {}", a.headline, site.publication.name));
    let description = nonempty(&seo.meta_description).unwrap_or_else(|| a.standfirst.clone());
    let social_image = Some(seo.social_image.as_str())
        .filter(|k| !k.is_empty())
        .map(|key| site.publication.absolute(&Image { key: key.to_owned(), width: 0, height: 0 }.url()));
    let og_image = social_image.clone().or_else(|| a.image.as_ref().map(|h| site.publication.absolute(&h.image.url())));
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.headline,
        "description": description,
        "mainEntityOfPage": canonical,
        "url": canonical,
        "datePublished": view.date_iso,
        "dateModified": iso(&modified),
        "inLanguage": site.publication.language,
        "articleSection": a.section.name,
        "keywords": a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "wordCount": rendered.words,
        "image": og_image.iter().collect::<Vec<_>>(),
        "author": a.authors.iter().map(|x| json!({
            "@type": "Person",
            "name": x.name,
            "url": site.publication.absolute(&author_path(&x.slug, 1)),
        })).collect::<Vec<_>>(),
        "publisher": {
            "@type": "Organization",
            "name": site.publication.name,
            "url": site.publication.absolute("/"),
        },
    });
    let meta = MetaView {
        og_title: nonempty(&seo.social_title),
        og_description: nonempty(&seo.social_description),
        title,
        description,
        alternates: article_alternates(site, a),
        canonical,
        og_type: "article",
        // The hero's alt text describes the hero, not another image.
        og_image_alt: if social_image.is_some() { None } else { a.image.as_ref().map(|h| h.alt.clone()) },
        og_image,
        json_ld: Some(json_ld(&ld)),
        prev: None,
        next: None,
        published_iso: Some(view.date_iso.clone()),
        modified_iso: Some(iso(&modified)),
        section: Some(a.section.name.clone()),
        tags: a.tags.iter().map(|t| t.name.clone()).collect(),
        noindex: false,
        feeds: Vec::new(),
    };
    (meta, view)
}

/// The custom fields the article has a value for, in the publication's
/// order. A URL is linked only if it is (still) absolute http(s); a date
/// is written in the publication's language.
pub fn custom_field_views(site: &Site, fields: &[CustomField], values: &CustomValues) -> Vec<CustomFieldView> {
    fields
        .iter()
        .filter_map(|f| {
            let value = values.get(&f.key).filter(|v| !v.trim().is_empty())?;
            let mut view = CustomFieldView {
                label: f.label.clone(),
                kind: f.kind.as_str(),
                value: value.clone(),
                url: None,
                date_iso: None,
            };
            match f.kind {
                FieldKind::Url => view.url = prensa_core::fields::check_url(value).is_ok().then(|| value.clone()),
                FieldKind::Date => {
                    if let Ok(d) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                        view.value = site.locale.format_date(&d);
                        view.date_iso = Some(value.clone());
                    }
                }
                FieldKind::Text | FieldKind::Choice => {}
            }
            Some(view)
        })
        .collect()
}

// --- the network: links between sister publications ------------------------

/// The language named in itself ("Deutsch", "Español") when the theme ships
/// that language, else its tag: a name in the wrong language would be
/// worse than the plain code.
pub fn language_name(lang: &str) -> String {
    let locale = prensa_render::i18n::locale(lang);
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    if locale.lang().eq_ignore_ascii_case(lang) || locale.lang().eq_ignore_ascii_case(primary) {
        locale.name().to_owned()
    } else {
        lang.to_owned()
    }
}

/// An absolute URL on another publication's base URL.
fn absolute_on(base_url: &str, path: &str) -> String {
    format!("{}{path}", base_url.trim_end_matches('/'))
}

/// The article's visible translations, for "Also in", in language order.
pub fn also_in(a: &Article) -> Vec<LanguageLinkView> {
    a.translations
        .iter()
        .map(|t| LanguageLinkView {
            lang: t.language.clone(),
            name: language_name(&t.language),
            url: absolute_on(&t.base_url, &article_path(&t.slug)),
        })
        .collect()
}

/// `hreflang` alternates of an article page: itself and each visible
/// translation, with absolute URLs on each publication's base URL. The
/// first is the `x-default` the theme prints: the group's original when
/// readers can see it, else this page.
pub fn article_alternates(site: &Site, a: &Article) -> Vec<AlternateView> {
    let own = AlternateView {
        lang: site.publication.language.clone(),
        url: site.publication.absolute(&article_path(&a.slug)),
    };
    let mut others: Vec<(bool, AlternateView)> = a
        .translations
        .iter()
        .map(|t| {
            (
                t.original,
                AlternateView { lang: t.language.clone(), url: absolute_on(&t.base_url, &article_path(&t.slug)) },
            )
        })
        .collect();
    // The original first, then the rest in the store's (language) order.
    others.sort_by_key(|(original, _)| !original);
    match others.first() {
        Some((true, _)) => {
            let mut out: Vec<AlternateView> = others.into_iter().map(|(_, v)| v).collect();
            out.insert(1, own);
            out
        }
        _ => std::iter::once(own).chain(others.into_iter().map(|(_, v)| v)).collect(),
    }
}

/// `hreflang` alternates of a home, section or author page: this page
/// first (its `x-default`), then the same page of each publication in
/// `others`, at `path` on that publication.
pub fn counterpart_alternates<'a>(
    site: &Site,
    path: &str,
    others: impl IntoIterator<Item = &'a Site>,
) -> Vec<AlternateView> {
    let own = AlternateView { lang: site.publication.language.clone(), url: site.publication.absolute(path) };
    std::iter::once(own)
        .chain(
            others
                .into_iter()
                .filter(|o| o.publication.id != site.publication.id)
                .map(|o| AlternateView { lang: o.publication.language.clone(), url: o.publication.absolute(path) }),
        )
        .collect()
}

/// "From our sister sites": each card in its own publication's language
/// (dates included) with absolute links to it. Articles of a publication
/// this node no longer knows are left out.
pub fn sister_cards(sites: &Sites, list: &[SisterArticle]) -> Vec<SisterCardView> {
    list.iter()
        .filter_map(|s| {
            let other = sites.by_id(s.publication)?;
            let p = &other.publication;
            let mut card = card(other, &s.summary);
            // The card's links already carry the other publication's path
            // prefix, which its base URL carries too: made absolute on the
            // base URL from the unprefixed path (else `/de/de/…`).
            let absolute = |url: &str| p.absolute(url.strip_prefix(other.root()).unwrap_or(url));
            card.url = absolute(&card.url);
            card.section.url = absolute(&card.section.url);
            for author in &mut card.authors {
                author.url = absolute(&author.url);
            }
            Some(SisterCardView {
                lang: p.language.clone(),
                language_name: language_name(&p.language),
                publication: p.name.clone(),
                card,
            })
        })
        .collect()
}

/// The author's pages in the other publications they write for, each
/// named by its publication ("Also writes for").
pub fn also_writes_for<'a>(
    site: &Site,
    slug: &str,
    others: impl IntoIterator<Item = &'a Site>,
) -> Vec<LanguageLinkView> {
    others
        .into_iter()
        .filter(|o| o.publication.id != site.publication.id)
        .map(|o| LanguageLinkView {
            lang: o.publication.language.clone(),
            name: o.publication.name.clone(),
            url: o.publication.absolute(&author_path(slug, 1)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script() {
        let v = json!({"headline": "</script><script>alert(1)</script> & more"});
        let out = json_ld(&v);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn paths() {
        assert_eq!(section_path("labor", 1), "/section/labor/");
        assert_eq!(author_path("ana", 3), "/author/ana/page/3/");
        assert_eq!(tag_path("x", 0), "/tag/x/");
        assert_eq!(article_path("a-b"), "/a-b/");
        assert_eq!(feed_path(&FeedOf::Publication, FeedFormat::Rss), "/feed/");
        assert_eq!(feed_path(&FeedOf::Section("labor".into()), FeedFormat::Atom), "/section/labor/feed/atom.xml");
        assert_eq!(feed_path(&FeedOf::Tag("x".into()), FeedFormat::Json), "/tag/x/feed/feed.json");
        assert_eq!(encode_query("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
