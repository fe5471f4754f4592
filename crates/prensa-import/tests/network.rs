//! Several content directories read as one run: `translation_of` links
//! resolved across them, in any order, and every broken link reported at
//! its `file:line`.

use std::path::{Path, PathBuf};

use prensa_core::NewTranslation;
use prensa_import::{load_dirs, Network, Problems};

/// Three sister publications (en, de, es) in one temporary folder, each
/// with author `ana`, section `labor` and no articles until a test writes
/// them.
struct Sisters {
    tmp: tempfile::TempDir,
}

impl Sisters {
    fn new() -> Sisters {
        let s = Sisters { tmp: tempfile::tempdir().expect("tempdir") };
        for (dir, slug, lang) in [("en", "meridian", "en"), ("de", "meridian-de", "de"), ("es", "meridiano", "es")] {
            s.write(
                dir,
                "publication.toml",
                &format!(
                    "slug = \"{slug}\"\nname = \"{slug}\"\ntagline = \"t\"\nlanguage = \"{lang}\"\nbase_url = \"https://{slug}.example\"\n"
                ),
            );
            s.write(dir, "authors/ana.md", &format!("+++\nname = \"Ana\"\n+++\nAna in {lang}.\n"));
            s.write(dir, "sections/labor.toml", "name = \"Labor\"\n");
        }
        s
    }

    fn dir(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn write(&self, dir: &str, rel: &str, text: &str) {
        let path = self.dir(dir).join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// An article whose line 8 is `extra` (the front matter's last line).
    fn article(&self, dir: &str, slug: &str, extra: &str) {
        self.write(
            dir,
            &format!("articles/{slug}.md"),
            &format!(
                "+++\ntitle = \"{slug}\"\nstandfirst = \"S\"\nauthors = [\"ana\"]\nsection = \"labor\"\n\
                 date = \"2025-03-14T09:30:00+01:00\"\nstatus = \"published\"\n{extra}\n+++\nBody\n"
            ),
        );
    }

    fn load(&self, order: &[&str]) -> Result<Network, Problems> {
        let dirs: Vec<PathBuf> = order.iter().map(|d| self.dir(d)).collect();
        load_dirs(&dirs, &|_, _| {})
    }

    fn ok(&self, order: &[&str]) -> Network {
        match self.load(order) {
            Ok(n) => n,
            Err(p) => panic!("expected no problems, got:\n{p}"),
        }
    }

    /// The problems as `file:line: message`, with the temporary folder cut
    /// off the front.
    fn problems(&self, order: &[&str]) -> Vec<String> {
        let root = format!("{}/", self.tmp.path().display());
        match self.load(order) {
            Ok(_) => panic!("expected problems, got none"),
            Err(p) => p.iter().map(|p| p.to_string().replace(&root, "")).collect(),
        }
    }
}

fn link(publication: &str, article: &str, original: &str, source: &str) -> NewTranslation {
    let (language, slug) = original.split_once(':').expect("LANG:SLUG");
    NewTranslation {
        publication: publication.into(),
        article: article.into(),
        original_language: language.into(),
        original_slug: slug.into(),
        source: source.into(),
    }
}

fn sources_relative(n: &Network, root: &Path) -> Vec<NewTranslation> {
    let root = format!("{}/", root.display());
    n.import.translations.iter().map(|t| NewTranslation { source: t.source.replace(&root, ""), ..t.clone() }).collect()
}

#[test]
fn links_resolve_in_any_order_and_a_link_to_a_translation_reaches_its_original() {
    let s = Sisters::new();
    s.article("en", "chile", "");
    s.article("de", "chile-de", "translation_of = \"en:chile\"");
    // Names the German translation: stored as a link to the English original.
    s.article("es", "chile-es", "translation_of = \"de:chile-de\"");
    let expected = vec![
        link("meridian-de", "chile-de", "en:chile", "de/articles/chile-de.md:8"),
        link("meridiano", "chile-es", "en:chile", "es/articles/chile-es.md:8"),
    ];
    for order in [["en", "de", "es"], ["es", "de", "en"], ["de", "es", "en"]] {
        let n = s.ok(&order);
        assert_eq!(sources_relative(&n, s.tmp.path()), expected, "order {order:?}");
        let slugs: Vec<&str> = n.import.sets.iter().map(|set| set.publication.slug.as_str()).collect();
        assert_eq!(slugs.len(), 3);
        assert_eq!(n.import.sets[0].publication.language, order[0], "sets keep the order given");
    }
}

#[test]
fn a_language_not_in_the_run_is_left_for_the_store() {
    let s = Sisters::new();
    s.article("de", "chile-de", "translation_of = \"fr:chili\"");
    let n = s.ok(&["de"]);
    assert_eq!(
        sources_relative(&n, s.tmp.path()),
        vec![link("meridian-de", "chile-de", "fr:chili", "de/articles/chile-de.md:8")]
    );
}

#[test]
fn a_link_to_a_missing_article_names_file_and_line() {
    let s = Sisters::new();
    s.article("en", "chile", "");
    s.article("de", "chile-de", "translation_of = \"en:nope\"");
    let problems = s.problems(&["en", "de"]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("de/articles/chile-de.md:8: `translation_of` names `en:nope`"), "{problems:?}");
    assert!(problems[0].contains("has no article `nope`"), "{problems:?}");
}

#[test]
fn a_link_to_its_own_language_or_itself_is_refused() {
    let s = Sisters::new();
    s.article("en", "chile", "");
    s.article("en", "other", "translation_of = \"en:chile\"");
    s.article("en", "selfish", "translation_of = \"en:selfish\"");
    let problems = s.problems(&["en"]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0]
            .starts_with("en/articles/other.md:8: `translation_of` names `en:chile`, in the article's own language"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("en/articles/selfish.md:8: `translation_of` names `en:selfish`: the article itself"),
        "{problems:?}"
    );
}

#[test]
fn two_articles_of_one_language_in_a_group_are_both_reported() {
    let s = Sisters::new();
    s.article("en", "chile", "");
    s.article("de", "chile-de", "translation_of = \"en:chile\"");
    // Through the German one: still the English article's group.
    s.article("es", "chile-es", "translation_of = \"en:chile\"");
    s.article("es", "chile-es-2", "translation_of = \"de:chile-de\"");
    let problems = s.problems(&["en", "de", "es"]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0]
            .starts_with("es/articles/chile-es-2.md:8: two articles in `es` in the translation group of `en:chile`"),
        "{problems:?}"
    );
    assert!(problems[0].contains("es/articles/chile-es.md:8"), "{problems:?}");
    assert!(problems[1].starts_with("es/articles/chile-es.md:8: two articles in `es`"), "{problems:?}");
}

#[test]
fn a_chain_back_into_the_originals_language_is_refused() {
    let s = Sisters::new();
    s.article("en", "chile", "");
    s.article("de", "chile-de", "translation_of = \"en:chile\"");
    s.article("en", "chile-again", "translation_of = \"de:chile-de\"");
    let problems = s.problems(&["en", "de"]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("en/articles/chile-again.md:8: `translation_of` leads to `en:chile`"),
        "{problems:?}"
    );
}

#[test]
fn links_in_a_circle_are_refused() {
    let s = Sisters::new();
    s.article("de", "a", "translation_of = \"es:b\"");
    s.article("es", "b", "translation_of = \"de:a\"");
    let problems = s.problems(&["de", "es"]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("de/articles/a.md:8: `translation_of` links go round in a circle"), "{problems:?}");
    assert!(problems[1].starts_with("es/articles/b.md:8: `translation_of` links go round in a circle"), "{problems:?}");
}

#[test]
fn malformed_values_are_refused_at_their_line() {
    let s = Sisters::new();
    s.article("de", "a", "translation_of = \"chile\"");
    s.article("de", "b", "translation_of = \"english:chile\"");
    s.article("de", "c", "translation_of = \"en:Not A Slug\"");
    s.article("de", "d", "translation_of = 3");
    let problems = s.problems(&["de"]);
    assert_eq!(problems.len(), 4, "{problems:?}");
    for (i, file) in ["a", "b", "c"].iter().enumerate() {
        assert!(
            problems[i].starts_with(&format!("de/articles/{file}.md:8: `translation_of` must be \"LANG:SLUG\"")),
            "{problems:?}"
        );
    }
    assert!(problems[3].starts_with("de/articles/d.md:8:"), "{problems:?}");
}

#[test]
fn one_language_for_two_publications_of_the_run_is_ambiguous() {
    let s = Sisters::new();
    s.write(
        "es",
        "publication.toml",
        "slug = \"meridiano\"\nname = \"M\"\ntagline = \"t\"\nlanguage = \"de\"\nbase_url = \"https://m.example\"\n",
    );
    s.article("en", "a", "translation_of = \"de:x\"");
    let problems = s.problems(&["en", "de", "es"]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "en/articles/a.md:8: `translation_of` names `de:x`, but several publications of this run are in `de`"
        ),
        "{problems:?}"
    );
}

#[test]
fn problems_of_each_directory_carry_its_name() {
    let s = Sisters::new();
    s.write("de", "articles/broken.md", "+++\ntitle = \"x\"\n+++\n");
    s.write("es", "sections/labor.toml", "name = 3\n");
    let problems = s.problems(&["en", "de", "es"]);
    assert!(problems.iter().any(|p| p.starts_with("de/articles/broken.md:")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("es/sections/labor.toml:1:")), "{problems:?}");
}

#[test]
fn the_sister_sites_setting_is_read_and_bounded() {
    let s = Sisters::new();
    let publication =
        "slug = \"meridian\"\nname = \"M\"\ntagline = \"t\"\nlanguage = \"en\"\nbase_url = \"https://m.example\"\n";
    s.write("en", "publication.toml", &format!("{publication}[settings]\nfrom_sister_sites = 3\n"));
    assert_eq!(s.ok(&["en"]).import.sets[0].publication.settings.from_sister_sites, 3);
    s.write("en", "publication.toml", &format!("{publication}[settings]\nfrom_sister_sites = 101\n"));
    assert_eq!(s.problems(&["en"]), vec!["en/publication.toml:7: settings.from_sister_sites must be at most 100"]);
    s.write("en", "publication.toml", publication);
    assert_eq!(s.ok(&["en"]).import.sets[0].publication.settings.from_sister_sites, 0, "off unless asked for");
}
