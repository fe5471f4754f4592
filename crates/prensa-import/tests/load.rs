//! Loading content directories built in temporary folders.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use prensa_core::{MediaAsset, NewHeroImage, SocialKind, Status};
use prensa_import::{load_dir, load_dir_with_progress, Prepared, Problems, Step};
use xxhash_rust::xxh3::xxh3_64;

/// A valid 1x1 RGB PNG.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
/// Real 2x3 greyscale JPEG, 4x1 GIF and 3x2 lossless WebP.
const JPEG_2X3: &[u8] = include_bytes!("fixtures/2x3.jpg");
const GIF_4X1: &[u8] = include_bytes!("fixtures/4x1.gif");
const WEBP_3X2: &[u8] = include_bytes!("fixtures/3x2.webp");

const PUBLICATION: &str = r#"slug = "meridian"
name = "The Meridian Review"
tagline = "Reported from below."
language = "en"
base_url = "https://meridian.example"
"#;

/// Lines 1–8 are front matter; line 4 is `authors`, line 5 `section`.
const ARTICLE: &str = r#"+++
title = "A"
standfirst = "S"
authors = ["ana"]
section = "labor"
date = "2025-03-14T09:30:00+01:00"
status = "published"
+++
Body
"#;

/// A content directory in a temporary folder, valid until a test breaks it.
struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Fixture {
    /// One publication, author `ana`, section `labor`, article `a`.
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("pub");
        std::fs::create_dir(&root).expect("root");
        let f = Fixture { _tmp: tmp, root };
        f.write("publication.toml", PUBLICATION);
        f.write("authors/ana.md", "+++\nname = \"Ana\"\n+++\nAna writes.\n");
        f.write("sections/labor.toml", "name = \"Labour\"\n");
        f.write("articles/a.md", ARTICLE);
        f
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }

    /// Writes an article whose front matter is `lines` (without fences).
    fn article(&self, rel: &str, lines: &str) {
        self.write(rel, format!("+++\n{lines}\n+++\nBody\n"));
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).expect("remove");
    }

    fn load(&self) -> Result<Prepared, Problems> {
        load_dir(&self.root)
    }

    fn ok(&self) -> Prepared {
        match self.load() {
            Ok(p) => p,
            Err(problems) => panic!("expected no problems, got:\n{problems}"),
        }
    }

    /// The problems, one `file:line: message` string each.
    fn problems(&self) -> Vec<String> {
        match self.load() {
            Ok(_) => panic!("expected problems, got none"),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Article front matter with every required key, `authors` on line 4.
fn article_with(extra: &str) -> String {
    format!(
        "title = \"A\"\nstandfirst = \"S\"\nauthors = [\"ana\"]\nsection = \"labor\"\ndate = \"2025-03-14T09:30:00+01:00\"\nstatus = \"published\"\n{extra}"
    )
}

fn key_of(bytes: &[u8], ext: &str) -> String {
    format!("{:016x}.{ext}", xxh3_64(bytes))
}

#[test]
fn the_minimal_fixture_is_valid() {
    let p = Fixture::new().ok();
    assert_eq!(p.set.articles.len(), 1);
    assert_eq!(p.set.publication.timezone, "UTC");
    assert_eq!(p.set.publication.settings, prensa_core::PublicationSettings::default());
    assert!(p.set.media.is_empty() && p.files.is_empty());
}

#[test]
fn valid_directory_round_trip() {
    let f = Fixture::new();
    f.remove("authors/ana.md");
    f.remove("articles/a.md");
    f.write(
        "publication.toml",
        r#"slug = "meridian"
name = "The Meridian Review"
tagline = "Politics and ideas."
language = "pt-BR"
base_url = "https://meridian.example/"
timezone = "Europe/Lisbon"

[social]
twitter = "https://x.example/meridian"
facebook = "https://facebook.example/meridian"

[settings]
page_size = 20
most_recent = 6
feed_content = "summary"
"#,
    );
    f.write("media/ana.png", PNG_1X1);
    f.write("media/same-as-ana.png", PNG_1X1);
    f.write("media/photo.jpg", JPEG_2X3);
    f.write("media/anim.gif", GIF_4X1);
    f.write("media/pic.webp", WEBP_3X2);
    f.write("media/unused.txt", "not referenced, not read");
    f.write(
        "authors/ana-ribeiro.md",
        "+++\nname = \"Ana Ribeiro\"\navatar = \"media/ana.png\"\n\n[social]\nx = \"https://x.example/ana\"\nwebsite = \"https://ana.example\"\n+++\n\nAna *writes*.\n\nTwo paragraphs.\n",
    );
    f.write("authors/bo.md", "+++\nname = \"Bo\"\navatar = \"./media/anim.gif\"\n+++\n");
    f.write("sections/labor.toml", "name = \"Labour\"\ndescription = \"Work and wages.\"\n");
    f.write("sections/culture.toml", "name = \"Culture\"\n");
    f.write("articles/.DS_Store", "ignored");
    f.write(
        "articles/a-harbour.md",
        r#"+++
slug = "the-harbour"
title = "The Harbour That Forgot Its Ships"
standfirst = "One sentence."
authors = ["ana-ribeiro", "bo"]
section = "labor"
tags = ["Labor", " Ports ", "labor", "PORTS", "São Paulo"]
date = "2025-03-14T09:30:00+01:00"
updated = 2025-03-15T10:00:00Z
status = "published"
image = "media/photo.jpg"
image_alt = "Cranes over an empty quay"
image_caption = "The quay in March."
toc = true
translation_group = "harbour"
+++
Body of the *harbour*.
"#,
    );
    f.article(
        "articles/draft.md",
        "title = \"Draft\"\nstandfirst = \"Not yet.\"\nauthors = [\"bo\"]\nsection = \"culture\"\ndate = \"2024-01-01T00:00:00Z\"\nstatus = \"draft\"\nimage = \"media/pic.webp\"\nimage_alt = \"A picture\"",
    );
    // Published in the future: scheduled, which is fine here.
    f.article(
        "articles/zz-future.md",
        "title = \"Future\"\nstandfirst = \"Later.\"\nauthors = [\"ana-ribeiro\"]\nsection = \"labor\"\ndate = \"2099-01-01T08:00:00-03:00\"\nstatus = \"published\"\nimage = \"media/same-as-ana.png\"\nimage_alt = \"Same bytes as the avatar\"",
    );

    let p = f.ok();
    let set = &p.set;

    let pb = &set.publication;
    assert_eq!(pb.slug, "meridian");
    assert_eq!(pb.name, "The Meridian Review");
    assert_eq!(pb.tagline, "Politics and ideas.");
    assert_eq!(pb.language, "pt-BR");
    assert_eq!(pb.base_url, "https://meridian.example");
    assert_eq!(pb.timezone, "Europe/Lisbon");
    let social: Vec<_> = pb.social.iter().map(|l| (l.kind, l.url.as_str())).collect();
    assert_eq!(
        social,
        [(SocialKind::Facebook, "https://facebook.example/meridian"), (SocialKind::X, "https://x.example/meridian")]
    );
    assert_eq!((pb.settings.page_size, pb.settings.most_recent, pb.settings.more_from_section), (20, 6, 4));
    assert_eq!(pb.settings.feed_content, prensa_core::FeedContent::Summary);

    let png = key_of(PNG_1X1, "png");
    let jpg = key_of(JPEG_2X3, "jpg");
    let gif = key_of(GIF_4X1, "gif");
    let webp = key_of(WEBP_3X2, "webp");
    let mut expected_media = vec![
        MediaAsset {
            key: png.clone(),
            content_type: "image/png".into(),
            width: 1,
            height: 1,
            bytes: PNG_1X1.len() as u64,
        },
        MediaAsset {
            key: jpg.clone(),
            content_type: "image/jpeg".into(),
            width: 2,
            height: 3,
            bytes: JPEG_2X3.len() as u64,
        },
        MediaAsset {
            key: gif.clone(),
            content_type: "image/gif".into(),
            width: 4,
            height: 1,
            bytes: GIF_4X1.len() as u64,
        },
        MediaAsset {
            key: webp.clone(),
            content_type: "image/webp".into(),
            width: 3,
            height: 2,
            bytes: WEBP_3X2.len() as u64,
        },
    ];
    expected_media.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(set.media, expected_media);
    // One file per key, each with the right bytes.
    let file_keys: Vec<_> = p.files.iter().map(|f| f.key.as_str()).collect();
    let media_keys: Vec<_> = set.media.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(file_keys, media_keys);
    for file in &p.files {
        let bytes = std::fs::read(&file.source).expect("source exists");
        assert_eq!(format!("{:016x}", xxh3_64(&bytes)), file.key.split('.').next().unwrap_or(""));
        assert!(file.source.is_absolute());
    }

    assert_eq!(set.authors.len(), 2);
    let ana = &set.authors[0];
    assert_eq!(ana.slug, "ana-ribeiro");
    assert_eq!(ana.name, "Ana Ribeiro");
    assert_eq!(ana.bio, "Ana *writes*.\n\nTwo paragraphs.");
    assert_eq!(ana.avatar.as_deref(), Some(png.as_str()));
    let social: Vec<_> = ana.social.iter().map(|l| (l.kind, l.url.as_str())).collect();
    assert_eq!(social, [(SocialKind::Website, "https://ana.example"), (SocialKind::X, "https://x.example/ana")]);
    let bo = &set.authors[1];
    assert_eq!((bo.slug.as_str(), bo.name.as_str(), bo.bio.as_str()), ("bo", "Bo", ""));
    assert_eq!(bo.avatar.as_deref(), Some(gif.as_str()));
    assert!(bo.social.is_empty());

    let sections: Vec<_> =
        set.sections.iter().map(|s| (s.slug.as_str(), s.name.as_str(), s.description.as_str())).collect();
    assert_eq!(sections, [("culture", "Culture", ""), ("labor", "Labour", "Work and wages.")]);

    let slugs: Vec<_> = set.articles.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, ["draft", "the-harbour", "zz-future"]);

    let draft = &set.articles[0];
    assert_eq!(draft.headline, "Draft");
    assert_eq!(draft.status, Status::Draft);
    assert_eq!(draft.authors, ["bo"]);
    assert_eq!(draft.section, "culture");
    assert!(draft.tags.is_empty());
    assert!(!draft.toc);
    assert_eq!(draft.updated_at, None);
    assert_eq!(draft.translation_group, None);
    assert_eq!(draft.image, Some(NewHeroImage { key: webp.clone(), alt: "A picture".into(), caption: None }));

    let a = &set.articles[1];
    assert_eq!(a.headline, "The Harbour That Forgot Its Ships");
    assert_eq!(a.standfirst, "One sentence.");
    assert_eq!(a.body, "Body of the *harbour*.");
    assert!(a.toc);
    assert_eq!(a.authors, ["ana-ribeiro", "bo"]);
    assert_eq!(a.section, "labor");
    assert_eq!(a.tags, ["Labor", "Ports", "São Paulo"]);
    assert_eq!(
        a.image,
        Some(NewHeroImage {
            key: jpg.clone(),
            alt: "Cranes over an empty quay".into(),
            caption: Some("The quay in March.".into())
        })
    );
    assert_eq!(a.status, Status::Published);
    assert_eq!(a.published_at, DateTime::parse_from_rfc3339("2025-03-14T09:30:00+01:00").expect("date"));
    assert_eq!(a.published_at.offset().local_minus_utc(), 3600);
    assert_eq!(a.updated_at, Some(DateTime::parse_from_rfc3339("2025-03-15T10:00:00Z").expect("date")));
    assert_eq!(a.translation_group.as_deref(), Some("harbour"));

    let future = &set.articles[2];
    assert_eq!(future.status, Status::Published);
    assert_eq!(future.image.as_ref().map(|i| i.key.as_str()), Some(png.as_str()));
}

#[test]
fn unknown_author_is_reported_on_its_line() {
    let f = Fixture::new();
    f.write("articles/a.md", ARTICLE.replace("[\"ana\"]", "[\"zed\"]"));
    assert_eq!(f.problems(), ["articles/a.md:4: unknown author `zed`"]);
}

#[test]
fn every_problem_in_every_file_is_reported_together() {
    let f = Fixture::new();
    f.write("publication.toml", PUBLICATION.replace("\"en\"", "\"english\""));
    f.write("authors/bo.md", "+++\nbio = \"x\"\n+++\n");
    f.write("sections/culture.toml", "name = \"Culture\"\ncolour = \"red\"\n");
    f.write("articles/notes.txt", "todo");
    f.article(
        "articles/b.md",
        "title = \"\"\nstandfirst = \"S\"\nauthors = [\"ana\", \"zed\", \"ana\"]\nsection = \"sports\"\ndate = \"2025-03-14\"\nstatus = \"live\"\ntoc = \"yes\"",
    );
    f.write("articles/c.md", ARTICLE.replace("authors = [\"ana\"]\n", ""));
    let expected = [
        "articles/b.md:2: `title` must not be empty",
        "articles/b.md:4: unknown author `zed`",
        "articles/b.md:4: author `ana` is listed twice",
        "articles/b.md:5: unknown section `sports`",
        "articles/b.md:6: bad date `2025-03-14` in `date`: expected RFC 3339 with an offset, like \"2025-03-14T09:30:00+01:00\"",
        "articles/b.md:7: `status` must be \"published\" or \"draft\", not `live`",
        "articles/b.md:8: `toc` must be `true` or `false`, not a string",
        "articles/c.md: missing required key `authors`",
        "articles/notes.txt: unexpected file: only `*.md` files belong in `articles/` (dotfiles are ignored)",
        "authors/bo.md: missing required key `name`",
        "authors/bo.md:2: unknown key `bio` (expected one of: name, avatar, social)",
        "publication.toml:4: `language` must be a BCP 47 tag such as `en`, `pt-BR` or `de-CH`, not `english`",
        "sections/culture.toml:2: unknown key `colour` (expected one of: name, description, order)",
    ];
    assert_eq!(f.problems(), expected);
    // The error's Display is the same, one per line.
    let err = f.load().expect_err("problems");
    assert_eq!(err.to_string(), expected.join("\n"));
    let as_error: &dyn std::error::Error = &err;
    assert!(as_error.to_string().starts_with("articles/b.md:2: "));
}

#[test]
fn non_utf8_file_is_reported_at_the_bad_line() {
    let f = Fixture::new();
    let mut bytes = b"+++\ntitle = \"A\"\nstandfirst = \"Caf".to_vec();
    bytes.extend_from_slice(b"\xE9\"\n+++\n");
    f.write("articles/a.md", bytes);
    f.write("sections/labor.toml", b"name = \"Lab\xFFour\"\n");
    assert_eq!(
        f.problems(),
        [
            "articles/a.md:3: file is not valid UTF-8 (bad bytes at column 18); save it as UTF-8",
            "sections/labor.toml:1: file is not valid UTF-8 (bad bytes at column 12); save it as UTF-8",
        ]
    );
}

#[test]
fn image_paths_must_stay_inside_and_be_real_images() {
    let f = Fixture::new();
    std::fs::write(f.root.parent().expect("parent").join("outside.png"), PNG_1X1).expect("outside");
    let mut zero = PNG_1X1.to_vec();
    zero[16..20].copy_from_slice(&[0, 0, 0, 0]);
    f.write("media/zero.png", zero);
    f.write("media/text.png", "just text with a .png name");
    f.write("media/truncated.jpg", &JPEG_2X3[..40]);
    std::fs::create_dir_all(f.root.join("media/folder.jpg")).expect("folder");
    let cases = [
        ("b", "../outside.png"),
        ("c", "/etc/passwd"),
        ("d", "media/../media/zero.png"),
        ("e", "media/missing.jpg"),
        ("f", "media/text.png"),
        ("g", "media/zero.png"),
        ("h", "media/truncated.jpg"),
        ("i", "media/folder.jpg"),
        ("j", ""),
    ];
    for (slug, path) in cases {
        f.article(&format!("articles/{slug}.md"), &article_with(&format!("image = {path:?}\nimage_alt = \"x\"")));
    }
    f.write("authors/ana.md", "+++\nname = \"Ana\"\navatar = \"media/text.png\"\n+++\n");
    assert_eq!(
        f.problems(),
        [
            "articles/b.md:8: image `../outside.png` uses `..`; image paths must stay inside the publication directory",
            "articles/c.md:8: image `/etc/passwd` is an absolute path; write it relative to the publication directory (e.g. `media/photo.jpg`)",
            "articles/d.md:8: image `media/../media/zero.png` uses `..`; image paths must stay inside the publication directory",
            "articles/e.md:8: image `media/missing.jpg` does not exist",
            "articles/f.md:8: image `media/text.png` is not a JPEG, PNG, WebP or GIF image",
            "articles/g.md:8: image `media/zero.png` has a zero dimension (0x1)",
            "articles/h.md:8: image `media/truncated.jpg` is damaged: its dimensions cannot be read",
            "articles/i.md:8: image `media/folder.jpg` is not a file",
            "articles/j.md:8: image `` is empty",
            "authors/ana.md:3: avatar `media/text.png` is not a JPEG, PNG, WebP or GIF image",
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_may_not_lead_outside() {
    let f = Fixture::new();
    let outside = f.root.parent().expect("parent").join("outside.png");
    std::fs::write(&outside, PNG_1X1).expect("outside");
    std::fs::create_dir_all(f.root.join("media")).expect("media");
    std::os::unix::fs::symlink(&outside, f.root.join("media/escape.png")).expect("symlink");
    f.write("media/real.png", PNG_1X1);
    std::os::unix::fs::symlink(f.root.join("media/real.png"), f.root.join("media/inside.png")).expect("symlink");
    f.article("articles/b.md", &article_with("image = \"media/escape.png\"\nimage_alt = \"x\""));
    f.article("articles/c.md", &article_with("image = \"media/inside.png\"\nimage_alt = \"x\""));
    assert_eq!(
        f.problems(),
        ["articles/b.md:8: image `media/escape.png` leads (through a symbolic link) outside the publication directory"]
    );
    f.remove("articles/b.md");
    let p = f.ok();
    assert_eq!(p.set.media.len(), 1);
    assert_eq!(p.set.media[0].key, key_of(PNG_1X1, "png"));
}

#[test]
fn front_matter_must_be_fenced() {
    let f = Fixture::new();
    f.write("articles/a.md", "title = \"A\"\n");
    f.write("articles/b.md", "+++\ntitle = \"B\"\n\nBody without a closing fence\n");
    f.write("authors/ana.md", "");
    assert_eq!(
        f.problems(),
        [
            "articles/a.md:1: missing front matter: the file must start with a `+++` line, then TOML, then a closing `+++` line",
            "articles/b.md:1: unterminated front matter: the `+++` on line 1 has no closing `+++` line",
            "authors/ana.md:1: missing front matter: the file must start with a `+++` line, then TOML, then a closing `+++` line",
        ]
    );
}

#[test]
fn toml_syntax_errors_carry_the_file_line() {
    let f = Fixture::new();
    f.write("articles/a.md", ARTICLE.replace("section = \"labor\"", "section = \"labor"));
    f.write("sections/labor.toml", "name = \"Labour\"\nname = \"Again\"\n");
    f.write("publication.toml", format!("{PUBLICATION}timezone = \n"));
    assert_eq!(
        f.problems(),
        [
            "articles/a.md:5: TOML syntax error: invalid basic string, expected `\"`",
            "publication.toml:6: TOML syntax error: string values must be quoted, expected literal string",
            "sections/labor.toml:2: TOML syntax error: duplicate key `name`",
        ]
    );
}

#[test]
fn unknown_keys_wrong_types_and_missing_keys() {
    let f = Fixture::new();
    f.article(
        "articles/a.md",
        "titel = \"A\"\nstandfirst = 3\nauthors = \"ana\"\nsection = \"labor\"\ndate = \"2025-03-14T09:30:00+01:00\"\nstatus = \"published\"\ntags = [\"ok\", 2]",
    );
    assert_eq!(
        f.problems(),
        [
            "articles/a.md: missing required key `title`",
            "articles/a.md:2: unknown key `titel`; did you mean `title`?",
            "articles/a.md:3: `standfirst` must be a string, not an integer",
            "articles/a.md:4: `authors` must be an array of strings, not a string",
            "articles/a.md:8: `tags` entries must be strings, not an integer",
        ]
    );
}

#[test]
fn duplicate_slugs_are_reported_in_both_places() {
    let f = Fixture::new();
    f.article("articles/b.md", &article_with("slug = \"a\""));
    assert_eq!(
        f.problems(),
        [
            "articles/a.md: duplicate article slug `a`: also used by articles/b.md:8",
            "articles/b.md:8: duplicate article slug `a`: also used by articles/a.md",
        ]
    );
}

#[test]
fn invalid_slugs_get_a_hint() {
    let f = Fixture::new();
    f.write("articles/Hello World.md", ARTICLE);
    f.article("articles/ok-stem.md", &article_with("slug = \"Über Uns\""));
    f.article("articles/bad stem but good override.md", &article_with("slug = \"fine\""));
    f.write("sections/Labor_Pains.toml", "name = \"Labour pains\"\n");
    f.write("authors/--.md", "+++\nname = \"Dash\"\n+++\n");
    assert_eq!(
        f.problems(),
        [
            "articles/Hello World.md: invalid slug `Hello World` (file name); slugs use a-z, 0-9 and single hyphens: try `hello-world`",
            "articles/ok-stem.md:8: invalid slug `Über Uns` (`slug`); slugs use a-z, 0-9 and single hyphens: try `uber-uns`",
            "authors/--.md: invalid slug `--` (file name); slugs use a-z, 0-9 and single hyphens, at most 200 characters",
            "sections/Labor_Pains.toml: invalid slug `Labor_Pains` (file name); slugs use a-z, 0-9 and single hyphens: try `labor-pains`",
        ]
    );
}

#[test]
fn sections_follow_their_order_then_slug() {
    let f = Fixture::new();
    f.write("sections/zeta.toml", "name = \"Zeta\"\norder = 1\n");
    f.write("sections/alpha.toml", "name = \"Alpha\"\n");
    f.write("sections/mid.toml", "name = \"Mid\"\norder = 2\n");
    let prepared = f.ok();
    let slugs: Vec<&str> = prepared.set.sections.iter().map(|s| s.slug.as_str()).collect();
    let zeta = slugs.iter().position(|s| *s == "zeta").expect("zeta");
    let mid = slugs.iter().position(|s| *s == "mid").expect("mid");
    let alpha = slugs.iter().position(|s| *s == "alpha").expect("alpha");
    assert!(zeta < mid && mid < alpha, "{slugs:?}");
    f.write("sections/bad.toml", "name = \"Bad\"\norder = -3\n");
    assert_eq!(f.problems(), ["sections/bad.toml:2: `order` must be a whole number from 0 up, not -3"]);
}

#[test]
fn article_slugs_may_not_shadow_site_paths() {
    let f = Fixture::new();
    f.write("articles/section.md", ARTICLE);
    f.article("articles/fine-stem.md", &article_with("slug = \"media\""));
    assert_eq!(
        f.problems(),
        [
            "articles/fine-stem.md:8: slug `media` is reserved for the site's own URLs (/media/…); choose another",
            "articles/section.md: slug `section` is reserved for the site's own URLs (/section/…); choose another",
        ]
    );
}

#[test]
fn dates_and_status() {
    let f = Fixture::new();
    let base = "title = \"A\"\nstandfirst = \"S\"\nauthors = [\"ana\"]\nsection = \"labor\"\n";
    f.article("articles/b.md", &format!("{base}date = \"2025-03-14T09:30:00\"\nstatus = \"Published\""));
    f.article(
        "articles/c.md",
        &format!("{base}date = 2025-03-14T09:30:00\nstatus = \"draft\"\nupdated = \"yesterday\""),
    );
    f.article("articles/d.md", &format!("{base}date = 20250314\nstatus = 1"));
    // A bare TOML offset date-time is accepted.
    f.article("articles/e.md", &format!("{base}date = 2025-03-14T09:30:00-03:00\nstatus = \"draft\""));
    assert_eq!(
        f.problems(),
        [
            "articles/b.md:6: bad date `2025-03-14T09:30:00` in `date`: expected RFC 3339 with an offset, like \"2025-03-14T09:30:00+01:00\"",
            "articles/b.md:7: `status` must be \"published\" or \"draft\", not `Published`",
            "articles/c.md:6: bad date `2025-03-14T09:30:00` in `date`: expected RFC 3339 with an offset, like \"2025-03-14T09:30:00+01:00\"",
            "articles/c.md:8: bad date `yesterday` in `updated`: expected RFC 3339 with an offset, like \"2025-03-14T09:30:00+01:00\"",
            "articles/d.md:6: `date` must be a date string like \"2025-03-14T09:30:00+01:00\", not an integer",
            "articles/d.md:7: `status` must be a string, not an integer",
        ]
    );
    f.remove("articles/b.md");
    f.remove("articles/c.md");
    f.remove("articles/d.md");
    let p = f.ok();
    let e = p.set.articles.iter().find(|a| a.slug == "e").expect("e");
    assert_eq!(e.published_at, DateTime::parse_from_rfc3339("2025-03-14T09:30:00-03:00").expect("date"));
}

#[test]
fn publication_toml_must_exist() {
    let f = Fixture::new();
    f.remove("publication.toml");
    assert_eq!(
        f.problems(),
        ["publication.toml: missing: the directory needs a publication.toml (slug, name, tagline, language, base_url)"]
    );
}

#[test]
fn publication_fields_are_checked() {
    let f = Fixture::new();
    f.write(
        "publication.toml",
        r#"slug = "The Meridian"
name = "  "
language = "en_GB"
base_url = "meridian.example"
timezone = "GMT +1"

[social]
myspace = "https://myspace.example/m"
facebook = "javascript:alert(1)"
x = "https://x.example/m"
twitter = "https://twitter.example/m"
rss = 5

[settings]
page_size = 0
most_recent = -1
page_sise = 3
"#,
    );
    assert_eq!(
        f.problems(),
        [
            "publication.toml: missing required key `tagline`",
            "publication.toml:1: invalid slug `The Meridian` (`slug`); slugs use a-z, 0-9 and single hyphens: try `the-meridian`",
            "publication.toml:2: `name` must not be empty",
            "publication.toml:3: `language` must be a BCP 47 tag such as `en`, `pt-BR` or `de-CH`, not `en_GB`",
            "publication.toml:4: `base_url` must be an http:// or https:// URL such as `https://example.com`, not `meridian.example`",
            "publication.toml:5: `timezone` must be an IANA time zone name such as `Europe/Lisbon` or `UTC`, not `GMT +1`",
            "publication.toml:8: unknown social network `social.myspace` (known: website, facebook, instagram, x, youtube, mastodon, bluesky, tiktok, telegram, rss; `twitter` means `x`)",
            "publication.toml:9: `social.facebook` must be an http:// or https:// URL, not `javascript:alert(1)`",
            "publication.toml:11: `social.twitter` and `social.x` are the same network; keep one",
            "publication.toml:12: `social.rss` must be a URL string, not an integer",
            "publication.toml:15: settings.page_size must be at least 1",
            "publication.toml:16: `settings.most_recent` must be a whole number from 0 up, not -1",
            "publication.toml:17: unknown key `settings.page_sise`; did you mean `settings.page_size`?",
        ]
    );
}

#[test]
fn settings_are_validated_by_the_core_rules() {
    let f = Fixture::new();
    f.write("publication.toml", format!("{PUBLICATION}\n[settings]\nmore_from_section = 3\nmost_recent = 1000\n"));
    assert_eq!(f.problems(), ["publication.toml:9: settings.most_recent must be at most 100"]);
    f.write("publication.toml", format!("{PUBLICATION}\n[settings]\nfeed_content = \"everything\"\n"));
    assert_eq!(
        f.problems(),
        ["publication.toml:8: `settings.feed_content` must be \"full\" or \"summary\", not \"everything\""]
    );
    f.write("publication.toml", format!("{PUBLICATION}settings = 3\n"));
    assert_eq!(f.problems(), ["publication.toml:6: `settings` must be a table, not an integer"]);
}

#[test]
fn api_cors_origins_are_read_and_checked() {
    let f = Fixture::new();
    assert!(f.ok().set.publication.api_cors_origins.is_empty(), "none by default");
    f.write("publication.toml", format!("{PUBLICATION}\n[api]\ncors_origins = [\"https://App.example.org:443\", \"*\", \"https://app.example.org\"]\n"));
    assert_eq!(f.ok().set.publication.api_cors_origins, ["https://app.example.org", "*"], "normalized, once each");
    f.write(
        "publication.toml",
        format!("{PUBLICATION}\n[api]\ncors_origins = [\n  \"https://ok.example\",\n  \"https://app.example.org/api\",\n]\ncors_origin = 1\n"),
    );
    assert_eq!(
        f.problems(),
        [
            "publication.toml:10: `api.cors_origins`: `https://app.example.org/api` is not an origin (an origin has no path, not even a trailing slash); write it as https://host[:port] or *",
            "publication.toml:12: unknown key `api.cors_origin`; did you mean `api.cors_origins`?",
        ]
    );
    f.write("publication.toml", format!("{PUBLICATION}\n[api]\ncors_origins = [\"https://ok.example\", 3]\n"));
    let problems = f.problems();
    assert!(
        problems.len() == 1
            && problems[0].starts_with("publication.toml:8: `api.cors_origins` entries must be strings"),
        "{problems:?}"
    );
}

#[test]
fn images_need_alt_text() {
    let f = Fixture::new();
    f.write("media/p.png", PNG_1X1);
    f.article("articles/a.md", &article_with("image = \"media/p.png\""));
    f.article("articles/b.md", &article_with("image = \"media/p.png\"\nimage_alt = \" \""));
    f.article("articles/c.md", &article_with("image_alt = \"alt\"\nimage_caption = \"cap\""));
    assert_eq!(
        f.problems(),
        [
            "articles/a.md:8: `image` needs `image_alt`: describe the image for readers who cannot see it",
            "articles/b.md:9: `image_alt` must not be empty: describe the image for readers who cannot see it",
            "articles/c.md:8: `image_alt` is set but there is no `image`",
            "articles/c.md:9: `image_caption` is set but there is no `image`",
        ]
    );
}

#[test]
fn tags_are_trimmed_deduplicated_and_need_a_slug() {
    let f = Fixture::new();
    f.article("articles/a.md", &article_with("tags = [\" Labor \", \"LABOR\", \"Trade unions\", \"trade-unions\"]"));
    let p = f.ok();
    assert_eq!(p.set.articles[0].tags, ["Labor", "Trade unions"]);

    f.article("articles/a.md", &article_with("tags = [\n  \"ok\",\n  \"  \",\n  \"!!!\",\n]"));
    assert_eq!(
        f.problems(),
        [
            "articles/a.md:10: empty tag name in `tags`",
            "articles/a.md:11: tag `!!!` has no letters or digits to make a slug from",
        ]
    );
}

#[test]
fn stray_files_are_reported_and_dotfiles_ignored() {
    let f = Fixture::new();
    f.write("articles/.hidden.md", "not even front matter");
    f.write("articles/.DS_Store", "x");
    f.write("authors/.gitkeep", "");
    f.write("articles/notes.txt", "todo");
    f.write("sections/labor.md", "name = \"x\"");
    f.write("authors/ana.toml", "name = \"x\"");
    f.write("articles/drafts/x.md", ARTICLE);
    assert_eq!(
        f.problems(),
        [
            "articles/drafts: unexpected folder: only `*.md` files belong in `articles/`, and sub-folders are not read",
            "articles/notes.txt: unexpected file: only `*.md` files belong in `articles/` (dotfiles are ignored)",
            "authors/ana.toml: unexpected file: only `*.md` files belong in `authors/` (dotfiles are ignored)",
            "sections/labor.md: unexpected file: only `*.toml` files belong in `sections/` (dotfiles are ignored)",
        ]
    );
}

#[test]
fn names_and_titles_must_not_be_empty() {
    let f = Fixture::new();
    f.write("authors/ana.md", "+++\nname = \"\"\n+++\n");
    f.write("sections/labor.toml", "name = \" \"\n");
    f.write("articles/a.md", ARTICLE.replace("title = \"A\"", "title = \"\"\"\n\"\"\"").replace("\"S\"", "\"\""));
    assert_eq!(
        f.problems(),
        [
            "articles/a.md:2: `title` must not be empty",
            "articles/a.md:4: `standfirst` must not be empty",
            "authors/ana.md:2: `name` must not be empty",
            "sections/labor.toml:1: `name` must not be empty",
        ]
    );
}

#[test]
fn keys_below_social_are_explained() {
    let f = Fixture::new();
    f.write("authors/ana.md", "+++\n[social]\nx = \"https://x.example/ana\"\nname = \"Ana\"\n+++\n");
    assert_eq!(
        f.problems(),
        [
            "authors/ana.md: missing required key `name`",
            "authors/ana.md:4: unknown social network `social.name`: keys after `[social]` belong to it; move `name` above `[social]`",
        ]
    );
}

#[test]
fn authors_list_needs_someone() {
    let f = Fixture::new();
    f.write("articles/a.md", ARTICLE.replace("[\"ana\"]", "[]"));
    assert_eq!(f.problems(), ["articles/a.md:4: `authors` must name at least one author"]);
}

#[test]
fn broken_author_files_do_not_cascade_into_articles() {
    let f = Fixture::new();
    f.write("authors/ana.md", "+++\nname = \n+++\n");
    let problems = f.problems();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].starts_with("authors/ana.md:2: TOML syntax error"), "{problems:#?}");
}

#[test]
fn progress_counts_every_content_file() {
    let f = Fixture::new();
    f.article("articles/b.md", &article_with(""));
    let steps = RefCell::new(Vec::new());
    let result = load_dir_with_progress(&f.root, &|step: Step| steps.borrow_mut().push(step));
    assert!(result.is_ok());
    let steps = steps.into_inner();
    let seen: Vec<_> = steps.iter().map(|s| (s.done, s.total, s.file.clone())).collect();
    let p = |s: &str| PathBuf::from(s);
    assert_eq!(
        seen,
        [
            (1, 5, p("publication.toml")),
            (2, 5, p("authors/ana.md")),
            (3, 5, p("sections/labor.toml")),
            (4, 5, p("articles/a.md")),
            (5, 5, p("articles/b.md")),
        ]
    );
}

#[test]
fn not_a_directory() {
    let err = load_dir(Path::new("/definitely/not/here")).expect_err("problems");
    assert_eq!(err.to_string(), "`/definitely/not/here` is not a directory");
}

/// The demo publication shipped in the repository loads cleanly.
#[test]
fn demo_directory_loads_without_problems() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let prepared = match load_dir(&demo) {
        Ok(p) => p,
        Err(problems) => panic!("demo has problems:\n{problems}"),
    };
    let set = &prepared.set;
    assert!(set.articles.len() >= 40, "{} articles", set.articles.len());
    assert_eq!(set.authors.len(), 8);
    assert!(set.sections.len() >= 5, "{} sections", set.sections.len());
    assert_eq!(prepared.files.len(), set.media.len());
}
