//! `prensa_import::wordpress` on hand-written WXR files: a small real-shaped
//! site (posts, pages, drafts, a scheduled post, authors, categories, tags,
//! featured images, captions, galleries, embeds, Gutenberg blocks, an
//! unknown shortcode, a Polylang English/German pair) read and built into
//! an import; and hostile files (billion laughs, external entities, a
//! truncated file, deep nesting, a huge attribute) refused quickly.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use prensa_core::foreign::{LegacyTarget, SourceKind};
use prensa_core::{BodySource, NewPublication, Status};
use prensa_import::wordpress::build::{build, build_spooled, Plan, Target};
use prensa_import::wordpress::{self, Export, ReadError};
use prensa_import::Spool;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordpress").join(name)
}

fn read(name: &str) -> Result<Export, ReadError> {
    wordpress::read(&fixture(name), &|_| {})
}

fn publication(slug: &str, language: &str) -> NewPublication {
    NewPublication {
        slug: slug.into(),
        name: slug.into(),
        tagline: String::new(),
        language: language.into(),
        base_url: format!("https://{slug}.example"),
        timezone: "UTC".into(),
        social: Default::default(),
        settings: Default::default(),
        api_cors_origins: Vec::new(),
    }
}

fn plan(known: HashMap<(SourceKind, String), String>) -> Plan {
    let mut sisters = BTreeMap::new();
    sisters.insert(
        "de".to_owned(),
        Target { publication: publication("harbour-de", "de"), known: HashMap::new(), occupied: HashSet::new() },
    );
    Plan {
        main: Target { publication: publication("harbour", "en"), known, occupied: HashSet::new() },
        main_language: "en".into(),
        sisters,
    }
}

/// Read and built through a spool (what `prensa import wordpress` does),
/// the import is the one built in memory, its bodies in the spool instead.
#[test]
fn a_spooled_build_is_the_same_import() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).single().expect("date");
    let in_memory = build(read("site.xml").expect("reads"), &plan(HashMap::new()), Some(&fixture("uploads")), now);
    let mut spool = Spool::new().expect("spool");
    let export = wordpress::read_spooled(&fixture("site.xml"), &|_| {}, &mut spool).expect("reads");
    assert!(export.posts.iter().all(|p| p.body.markdown.is_empty() && p.spooled.is_some()));
    let spooled =
        build_spooled(export, &plan(HashMap::new()), Some(&fixture("uploads")), now, &mut spool).expect("builds");
    assert!(!spool.is_empty());
    let sets = &in_memory.import.network.sets;
    assert_eq!(spooled.import.network.sets.len(), sets.len());
    for (i, (memory, disk)) in sets.iter().zip(&spooled.import.network.sets).enumerate() {
        assert_eq!(memory.articles.len(), disk.articles.len());
        for (m, d) in memory.articles.iter().zip(&disk.articles) {
            assert!(d.body.is_empty(), "{}: the body waits in the spool", d.slug);
            assert_eq!(spool.body(i, d).expect("reads back"), m.body, "{}", m.slug);
            let mut d = d.clone();
            d.body = m.body.clone();
            assert_eq!(&d, m, "the rest is the same");
        }
    }
    assert!(sets[0].articles.iter().any(|a| a.body.contains("/media/")), "images rewritten in both");
    assert_eq!(spooled.import.sources, in_memory.import.sources);
    assert_eq!(spooled.import.legacy, in_memory.import.legacy);
}

#[test]
fn the_site_reads_and_builds() {
    let export = read("site.xml").expect("reads");
    assert_eq!(export.channel.title, "Harbour Notes");
    assert_eq!(export.channel.description, "News & culture from the old port");
    assert_eq!(export.authors.len(), 2);
    assert_eq!(export.authors[0].description, "Ana covers the port and its workers.");
    assert_eq!(export.attachments.by_id.len(), 3);
    assert_eq!(export.posts.len(), 9, "{:?}", export.posts.iter().map(|p| p.id).collect::<Vec<_>>());
    assert!(export.skipped.iter().any(|s| s.starts_with("post 27: status trash")), "{:?}", export.skipped);
    assert!(export.skipped.iter().any(|s| s.starts_with("nav_menu_item 40")), "{:?}", export.skipped);
    // The comment's fields never leak into the post's.
    let strike = export.posts.iter().find(|p| p.id == 20).expect("post 20");
    assert_eq!(strike.title, "The strike begins");
    assert!(!strike.body.markdown.contains("Solidarity"));

    let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).single().expect("date");
    let built = build(export, &plan(HashMap::new()), Some(&fixture("uploads")), now);
    let sets = &built.import.network.sets;
    assert_eq!(sets.len(), 2);
    let en = &sets[0];
    let de = &sets[1];
    assert_eq!(en.articles.len(), 8);
    assert_eq!(de.articles.len(), 1);
    let article = |slug: &str| en.articles.iter().find(|a| a.slug == slug).unwrap_or_else(|| panic!("{slug}"));

    let a = article("the-strike-begins");
    assert_eq!(a.section, "labour", "Yoast's primary category");
    assert_eq!(a.tags, ["News", "Strike", "Dockers"]);
    assert_eq!(a.standfirst, "Work stopped at six & the port went quiet.");
    assert_eq!(a.status, Status::Published);
    assert_eq!(a.published_at.to_rfc3339(), "2019-09-11T08:30:00+00:00");
    let hero = a.image.as_ref().expect("featured image");
    assert_eq!(hero.alt, "A crowd fills the harbour square");
    assert_eq!(hero.caption.as_deref(), Some("The square at dawn. Photo: Ana Ribeiro"));
    // wpautop: a single newline is a break; the caption shortcode a figure
    // (the 640px size resolved to the original file); the embed a URL paragraph.
    assert!(a.body.starts_with("The dockers stopped work at six.\\\nNobody expected it.\n\n"), "{}", a.body);
    let figure = format!(
        "![A crowd fills the harbour square](/media/{})\nThe square at dawn.\n— Photo: Ana Ribeiro\n",
        hero.key
    );
    assert!(a.body.contains(&figure), "{}", a.body);
    assert!(a.body.contains("\n\n<https://www.youtube.com/watch?v=dQw4w9WgXcQ>\n\n"), "{}", a.body);
    assert!(a.body.contains("\\[contact-form-7 id=\"54\" title=\"Tips\"\\]"), "kept visible: {}", a.body);
    assert!(a.body.contains("## What they want\n\n- Safer cranes\n- Fair shifts"), "{}", a.body);

    let f = article("festival-on-the-water");
    assert_eq!(f.section, "culture");
    assert_eq!(f.authors, ["ben-k"]);
    assert!(f.body.contains("Boats at the quay.\n— Ben Kowalski"), "{}", f.body);
    assert!(f.body.contains("\n\n<https://vimeo.com/76979871>\n\n"), "{}", f.body);
    assert!(f.body.contains("> The sea is the same, the boats change."), "{}", f.body);
    let gallery_lines = f.body.lines().skip_while(|l| !l.starts_with("![Crowd]")).take(3).collect::<Vec<_>>();
    assert!(
        gallery_lines[1].starts_with("![Boats](/media/") && gallery_lines[2] == "The day in pictures",
        "{gallery_lines:?}"
    );

    let draft = en.articles.iter().find(|a| a.headline == "Notes for a later piece").expect("draft");
    assert_eq!(draft.status, Status::Draft);
    assert_eq!(draft.slug, "notes-for-a-later-piece");
    assert_eq!(
        draft.published_at.to_rfc3339(),
        "2019-11-02T08:00:00+00:00",
        "a draft without a GMT date: its local date"
    );
    assert_eq!(article("the-port-in-2099").status, Status::Published, "future posts are scheduled");
    assert_eq!(article("staff-only").status, Status::Draft, "private");
    assert_eq!(article("waiting-for-review").status, Status::Draft, "pending");
    let locked = article("members-gallery");
    assert_eq!(locked.status, Status::Draft, "password-protected");
    assert!(locked.body.contains("![](/media/") || locked.body.contains("/media/"), "{}", locked.body);
    assert_eq!(article("about").section, "pages");

    // Missing files are reported by URL, unknown things by name.
    assert_eq!(built.missing_media, ["https://harbour.example/wp-content/uploads/2019/09/lost.jpg"]);
    assert_eq!(built.unknown.get("[contact-form-7]"), Some(&1));
    assert_eq!(built.unknown.get("block:jetpack/map"), Some(&1));
    assert_eq!(en.media.len(), 2);
    assert_eq!(built.files.len(), 2);

    // Old addresses.
    let legacy: HashMap<&str, &LegacyTarget> = built
        .import
        .legacy
        .iter()
        .filter(|l| l.publication == "harbour")
        .map(|l| (l.path.as_str(), &l.target))
        .collect();
    let to_article = |slug: &str| LegacyTarget::Article(slug.to_owned());
    assert_eq!(legacy.get("/2019/09/11/the-strike-begins/"), Some(&&to_article("the-strike-begins")));
    assert_eq!(legacy.get("/2019/09/the-strike-begins/"), Some(&&to_article("the-strike-begins")));
    assert_eq!(legacy.get("/?p=20"), Some(&&to_article("the-strike-begins")));
    assert_eq!(legacy.get("/?page_id=30"), Some(&&to_article("about")));
    assert_eq!(legacy.get("/category/news/labour/"), Some(&&LegacyTarget::Section("labour".into())));
    assert_eq!(
        legacy.get("/category/news/"),
        Some(&&LegacyTarget::Section("news".into())),
        "the scheduled post's section"
    );
    assert_eq!(legacy.get("/category/culture/"), Some(&&LegacyTarget::Section("culture".into())));
    // Addresses Prensa answers itself are not redirected (no loops).
    assert!(
        !legacy.contains_key("/tag/strike/")
            && !legacy.contains_key("/author/ben-k/")
            && !legacy.contains_key("/about/")
    );
    assert!(!legacy.contains_key("/?p=22"), "drafts had no public address");
    assert!(built
        .import
        .legacy
        .iter()
        .any(|l| l.publication == "harbour-de" && l.path == "/de/2019/09/11/der-streik-beginnt/"));

    // Polylang: the German post translates the English one.
    assert_eq!(built.import.network.translations.len(), 1);
    let t = &built.import.network.translations[0];
    assert_eq!((t.publication.as_str(), t.article.as_str()), ("harbour-de", "der-streik-beginnt"));
    assert_eq!((t.original_language.as_str(), t.original_slug.as_str()), ("en", "the-strike-begins"));
    assert_eq!(de.sections[0].slug, "nachrichten");

    // Source ids for the next run.
    assert!(built
        .import
        .sources
        .iter()
        .any(|s| s.kind == SourceKind::Article && s.source_id == "20" && s.slug == "the-strike-begins"));
    assert!(built
        .import
        .sources
        .iter()
        .any(|s| s.kind == SourceKind::Section && s.source_id == "5" && s.slug == "labour"));
    assert!(built
        .import
        .sources
        .iter()
        .any(|s| s.kind == SourceKind::Author && s.source_id == "3" && s.slug == "ben-k"));
}

#[test]
fn a_second_run_keeps_the_slugs_of_the_first() {
    let now = Utc::now();
    let mut known = HashMap::new();
    known.insert((SourceKind::Article, "20".to_owned()), "strike-day-one".to_owned());
    // Another post (not in this export) holds the slug post 21 would get.
    known.insert((SourceKind::Article, "999".to_owned()), "festival-on-the-water".to_owned());
    let built = build(read("site.xml").expect("reads"), &plan(known), None, now);
    let slugs: Vec<&str> = built.import.network.sets[0].articles.iter().map(|a| a.slug.as_str()).collect();
    assert!(slugs.contains(&"strike-day-one"));
    assert!(slugs.contains(&"festival-on-the-water-2"), "{slugs:?}");
    // Without --media every image is reported, none fatal.
    assert!(built.missing_media.len() >= 3, "{:?}", built.missing_media);
}

fn refused(name: &str, expect: &str) {
    let started = Instant::now();
    let err = read(name).expect_err(name);
    assert!(started.elapsed() < Duration::from_secs(1), "{name} took {:?}", started.elapsed());
    assert!(err.message.contains(expect), "{name}: {err}");
}

#[test]
fn hostile_files_are_refused_quickly() {
    refused("billion_laughs.xml", "DOCTYPE");
    refused("xxe.xml", "DOCTYPE");
    refused("undeclared_entity.xml", "&secret; is not defined");
    refused("truncated.xml", "truncated");
    refused("deeply_nested.xml", "nested deeper");
}

/// Reads a generated document twice (the reader's two passes).
fn read_generated(make: &dyn Fn() -> Box<dyn std::io::Read>) -> Result<Export, ReadError> {
    wordpress::read_from(&|| Ok(make()), &|_| {})
}

#[test]
fn huge_markup_is_refused_without_holding_it() {
    use std::io::Read;
    let head = "<?xml version=\"1.0\"?><rss><channel><title>x</title><item><category domain=\"post_tag\" nicename=\"";
    let started = Instant::now();
    let err = read_generated(&|| {
        Box::new(
            head.as_bytes()
                .chain(std::io::repeat(b'a').take(200 << 20))
                .chain(&b"\">t</category></item></channel></rss>"[..]),
        )
    })
    .expect_err("a 200 MB attribute");
    assert!(err.message.contains("larger than"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    // Not XML at all, and text after the root.
    assert!(read_generated(&|| Box::new(&b"{\"posts\": []}"[..])).is_err());
    assert!(read_generated(&|| Box::new(&b"<html><body></body></html>"[..]))
        .expect_err("html")
        .message
        .contains("not <rss>"));
    assert!(read_generated(&|| Box::new(&b""[..])).is_err());
}

#[test]
fn wxr_1_1_reads_too() {
    let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.1/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Old &amp; Small</title><link>http://old.example/blog</link><language>de-DE</language><wp:wxr_version>1.1</wp:wxr_version>
<item><title>Hallo Welt</title><link>http://old.example/blog/?p=1</link><dc:creator>admin</dc:creator>
<content:encoded><![CDATA[Willkommen &#8211; erste Zeile.]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date>2012-03-04 05:06:07</wp:post_date><wp:post_date_gmt>2012-03-04 04:06:07</wp:post_date_gmt>
<wp:post_name>hallo-welt</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="allgemein">Allgemein</category></item>
</channel></rss>"#;
    let export = read_generated(&|| Box::new(std::io::Cursor::new(doc.as_bytes().to_vec()))).expect("reads");
    assert_eq!(export.channel.title, "Old & Small");
    assert_eq!(export.posts.len(), 1);
    assert_eq!(export.posts[0].body.markdown, "Willkommen – erste Zeile.\n");
    let plan = Plan {
        main: Target { publication: publication("old", "de"), known: HashMap::new(), occupied: HashSet::new() },
        main_language: "de".into(),
        sisters: BTreeMap::new(),
    };
    let built = build(export, &plan, None, Utc::now());
    let paths: Vec<&str> = built.import.legacy.iter().map(|l| l.path.as_str()).collect();
    // A blog under /blog: its addresses keep the prefix.
    assert!(paths.contains(&"/blog/?p=1") && paths.contains(&"/blog/2012/03/04/hallo-welt/"), "{paths:?}");
    assert!(paths.contains(&"/blog/category/allgemein/"), "{paths:?}");
}
