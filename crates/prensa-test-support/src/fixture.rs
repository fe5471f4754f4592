//! The small publication many tests import, and its articles. A test that
//! needs something different changes the returned value (struct update
//! syntax or a field assignment), so what differs stays visible in it.

use chrono::DateTime;
use prensa_core::{
    ImportSet, NewArticle, NewAuthor, NewPublication, NewSection, PublicationSettings, SocialLinks, Status,
};

/// The Meridian: slug `meridian`, English, tagline "Tag", at
/// `http://localhost:8080` in UTC; one author, `ana` ("Ana", bio "Bio");
/// one section, `labor` ("Labor", "Work"); no media; and `articles`.
pub fn meridian(articles: Vec<NewArticle>) -> ImportSet {
    ImportSet {
        publication: NewPublication {
            slug: "meridian".into(),
            name: "The Meridian".into(),
            tagline: "Tag".into(),
            language: "en".into(),
            base_url: "http://localhost:8080".into(),
            timezone: "UTC".into(),
            social: SocialLinks::default(),
            settings: PublicationSettings::default(),
            api_cors_origins: Vec::new(),
        },
        media: vec![],
        authors: vec![NewAuthor {
            slug: "ana".into(),
            name: "Ana".into(),
            bio: "Bio".into(),
            avatar: None,
            social: SocialLinks::default(),
        }],
        sections: vec![NewSection { slug: "labor".into(), name: "Labor".into(), description: "Work".into() }],
        articles,
    }
}

/// An article of [`meridian`]: by `ana` in `labor`, tagged "Ports",
/// published 2026-01-02 10:00 (+01:00), with headline "Headline SLUG",
/// standfirst "Standfirst SLUG" and body "Body of SLUG.".
pub fn article(slug: &str) -> NewArticle {
    NewArticle {
        slug: slug.into(),
        headline: format!("Headline {slug}"),
        standfirst: format!("Standfirst {slug}"),
        body: format!("Body of {slug}."),
        toc: false,
        authors: vec!["ana".into()],
        section: "labor".into(),
        tags: vec!["Ports".into()],
        image: None,
        status: Status::Published,
        published_at: DateTime::parse_from_rfc3339("2026-01-02T10:00:00+01:00").expect("valid test date"),
        updated_at: None,
        translation_group: None,
    }
}
