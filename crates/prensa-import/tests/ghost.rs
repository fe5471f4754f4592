//! The Ghost export reader on the fixtures of `tests/fixtures/ghost`: what
//! a real-shaped Ghost 5 export becomes (no store involved; the end-to-end
//! test in `crates/prensa/tests/import_ghost.rs` writes and serves it).

use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use prensa_core::foreign::{LegacyTarget, SourceKind, SourceLink};
use prensa_core::{NewArticle, NewPublication, Status};
use prensa_import::ghost::{self, Converted, Export, Options};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ghost")
}

fn read(name: &str) -> Result<Export, ghost::ParseError> {
    let file = File::open(fixtures().join(name)).expect("fixture");
    ghost::parse(BufReader::new(file))
}

fn convert(export: &Export, known: &[SourceLink]) -> Converted {
    convert_beside(export, known, &HashSet::new())
}

/// Into a publication whose own articles already use the slugs `occupied`.
fn convert_beside(export: &Export, known: &[SourceLink], occupied: &HashSet<String>) -> Converted {
    let publication: NewPublication = export.publication(&export.default_slug(), "https://puerto.example");
    let media = fixtures().join("content/images");
    let opts = Options {
        publication,
        media: Some(&media),
        known,
        occupied,
        now: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("date"),
    };
    ghost::convert(export, &opts, &|_, _| {})
}

fn article<'c>(c: &'c Converted, slug: &str) -> &'c NewArticle {
    c.import.network.sets[0].articles.iter().find(|a| a.slug == slug).unwrap_or_else(|| panic!("no article {slug}"))
}

#[test]
fn a_ghost_5_export_becomes_a_publication() {
    let export = read("site.json").expect("site.json reads");
    assert_eq!(export.version.as_deref(), Some("5.80.0"));
    let c = convert(&export, &[]);
    let set = &c.import.network.sets[0];
    assert_eq!(set.publication.slug, "el-puerto");
    assert_eq!(set.publication.name, "El Puerto");
    assert_eq!(set.publication.timezone, "America/Santiago");
    assert_eq!(set.articles.len(), 8);

    // Byline order from posts_authors, primary tag as section, internal tag left out.
    let budget = article(&c, "council-votes-budget");
    assert_eq!(budget.authors, ["tomas", "marta"]);
    assert_eq!(budget.section, "city-hall");
    assert_eq!(budget.tags, ["City Hall", "Politics"]);
    assert_eq!(budget.standfirst, "Seven votes to four, after a night of debate.");
    assert_eq!(budget.status, Status::Published);
    let hero = budget.image.as_ref().expect("hero image");
    assert!(hero.key.ends_with(".webp"), "{}", hero.key);
    assert_eq!(hero.alt, "Crowd outside city hall");
    assert_eq!(hero.caption.as_deref(), Some("Photo by Ana Ruiz / City Desk"));
    // kg cards: figure with caption and credit, gallery, embed line, bookmark link.
    let body = &budget.body;
    assert!(body.contains("See [the markets story](/night-markets/)."), "{body}");
    assert!(body.contains(")\nProtesters gathered early.\n— Photo: Ana Ruiz"), "{body}");
    assert!(body.contains("![The square before the vote](/media/"), "{body}");
    assert!(body.contains("![Left bench](/media/") && body.contains("\n![Right bench](/media/"), "{body}");
    assert!(body.contains("<https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed>\n\nThe full session"), "{body}");
    assert!(body.contains("[Budget 2024 in numbers](https://budget.example.org/2024): Every line item, searchable."));
    assert!(!body.contains("__GHOST_URL__"), "{body}");

    // Lexical fallback, with its markdown card and an unknown card counted.
    let markets = article(&c, "night-markets");
    assert!(
        markets.body.starts_with("After three years, the **night markets** are back on Calle Larga."),
        "{}",
        markets.body
    );
    assert!(markets.body.contains("- [A permit fee](/council-votes-budget/)"), "{}", markets.body);
    assert!(markets
        .body
        .contains("Vendors told us *why* it matters:\n\n> We waited long enough.\n\n![A fruit stall](/media/"));
    assert_eq!(c.unknown.get("lexical callout card"), Some(&1));
    assert_eq!(markets.section, "culture");
    // Mobiledoc fallback.
    let archive = article(&c, "from-the-archive");
    assert!(archive
        .body
        .starts_with("This piece first ran in *1999*. [The scan](https://archive.example.org/1999)\\\nis online."));
    assert!(archive.body.contains(
        "The **original** notes, kept as written.\n\n## Then\n\n1. first\n2. second\n\n![The old square](/media/"
    ));

    // Pages, drafts, scheduled, members-only and emailed posts.
    assert_eq!(article(&c, "about").section, ghost::PAGES_SECTION);
    assert_eq!(article(&c, "draft-in-progress").status, Status::Draft);
    assert_eq!(article(&c, "draft-in-progress").section, ghost::DEFAULT_SECTION);
    let scheduled = article(&c, "election-night-plans");
    assert_eq!(scheduled.status, Status::Published);
    assert_eq!(scheduled.published_at.timestamp(), 4_097_592_000);
    assert_eq!(article(&c, "members-ledger").status, Status::Draft);
    assert_eq!(article(&c, "newsletter-only").status, Status::Draft);
    assert!(c.notes.iter().any(|n| n.starts_with("1 post(s) for members only")), "{:?}", c.notes);

    // Authors who wrote something, with avatar; the staff member who did not is left out.
    let authors: Vec<&str> = set.authors.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(authors, ["marta", "tomas"]);
    assert!(set.authors[0].avatar.is_some());
    assert_eq!(set.authors[0].bio, "Covers city hall since 2015.");
    // One image file per distinct content; the missing one reported with its URL.
    assert_eq!(c.files.len(), set.media.len());
    assert_eq!(c.missing_media.len(), 1, "{:?}", c.missing_media);
    assert!(c.missing_media[0].starts_with("__GHOST_URL__/content/images/2024/03/missing.jpg"));

    // Old addresses only where Prensa's differ: the tag whose name gives another slug.
    assert_eq!(c.import.legacy.len(), 1, "{:?}", c.import.legacy);
    assert_eq!(c.import.legacy[0].path, "/tag/technology/");
    assert_eq!(c.import.legacy[0].target, LegacyTarget::Tag("tech".into()));
    // Source ids for every article, author and section.
    let count = |k| c.import.sources.iter().filter(|s| s.kind == k).count();
    assert_eq!((count(SourceKind::Article), count(SourceKind::Author), count(SourceKind::Section)), (8, 2, 3));
}

#[test]
fn a_rerun_keeps_the_slugs_it_gave() {
    let export = read("site.json").expect("site.json reads");
    let first = convert(&export, &[]);
    // Ghost renamed a post meanwhile; the remembered id keeps the article's slug.
    let text = std::fs::read_to_string(fixtures().join("site.json")).expect("read");
    let renamed = text.replace("\"slug\": \"night-markets\"", "\"slug\": \"night-markets-are-back\"");
    assert_ne!(text, renamed);
    let export = ghost::parse(renamed.as_bytes()).expect("reads");
    let second = convert(&export, &first.import.sources);
    assert!(second.import.network.sets[0].articles.iter().any(|a| a.slug == "night-markets"));
    assert!(!second.import.network.sets[0].articles.iter().any(|a| a.slug == "night-markets-are-back"));
    let old = second.import.legacy.iter().find(|l| l.path == "/night-markets-are-back/").expect("old address");
    assert_eq!(old.target, LegacyTarget::Article("night-markets".into()));
}

#[test]
fn a_slug_the_publication_uses_is_never_taken() {
    let export = read("site.json").expect("site.json reads");
    let occupied: HashSet<String> = ["night-markets".to_owned()].into();
    let c = convert_beside(&export, &[], &occupied);
    let set = &c.import.network.sets[0];
    assert!(!set.articles.iter().any(|a| a.slug == "night-markets"), "the hand-written article keeps its slug");
    let moved = article(&c, "night-markets-2");
    let link = c.import.sources.iter().find(|l| l.kind == SourceKind::Article && l.slug == "night-markets-2");
    assert!(link.is_some(), "the source id remembers the new slug");
    let old = c.import.legacy.iter().find(|l| l.path == "/night-markets/");
    assert!(old.is_none(), "Ghost's old address is the hand-written article's now: {old:?}");
    assert!(!moved.body.is_empty());
}

#[test]
fn hostile_exports_are_refused_with_where() {
    for (name, says) in [
        ("truncated.json", "ends too early"),
        ("wrong-types.json", "not a Ghost export: invalid type: map, expected a string"),
        ("deep.json", "not a Ghost export: invalid type: sequence"),
    ] {
        let err = read(name).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(says) && err.contains(" line ") && err.contains(" column "), "{name}: {err}");
    }
}

#[test]
fn script_in_html_is_dropped() {
    let export = read("script.json").expect("script.json reads");
    let c = convert(&export, &[]);
    let a = &c.import.network.sets[0].articles[0];
    // The script, its handler and the javascript: link are gone; a relative image stays.
    assert_eq!(a.body, "Hello![](x)\n\nclick\n");
    // Titles and excerpts are text: the renderer escapes them.
    assert_eq!(a.headline, "Hi <script>alert(5)</script>");
}
