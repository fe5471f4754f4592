//! Several content directories read as one run (`prensa import dir ./en ./de
//! ./es`): each is read on its own, then the `translation_of` links between
//! them are resolved, so the directories may come in any order.
//!
//! A link names the original by the language of its publication and its
//! slug. When that language belongs to a directory of the run, the article
//! must be there, and a link to a translation is followed to its original
//! (a group is one original plus its translations, stored as links to the
//! original). A language no directory of the run has is left to the store,
//! which looks in the publications it already holds (importing `en` today
//! and `de` tomorrow works) and reports what it cannot find with the same
//! `file:line`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use prensa_core::{NetworkImport, NewTranslation};

use crate::problem::{Problem, Problems};
use crate::{MediaFile, Prepared, Step};

/// The directories of one run, validated and linked.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Every set, in the order the directories were given, and the links.
    pub import: NetworkImport,
    /// The media files of every directory, one per key, sorted by key.
    pub files: Vec<MediaFile>,
}

/// Reads every directory of `dirs` and resolves the links between them.
/// Problems name files as `DIR/articles/x.md`, `DIR` as given.
pub fn load_dirs(dirs: &[PathBuf], progress: &dyn Fn(&Path, Step)) -> Result<Network, Problems> {
    load_dirs_into(dirs, progress, None)
}

/// [`load_dirs`], moving every article's body into `spool` as it is read
/// (the `i`-th directory's as set `i`): the run's memory then holds only
/// front matter, whatever the length of its articles. Apply the result with
/// the spool as the store's body source.
pub fn load_dirs_spooled(
    dirs: &[PathBuf],
    progress: &dyn Fn(&Path, Step),
    spool: &mut crate::Spool,
) -> Result<Network, Problems> {
    load_dirs_into(dirs, progress, Some(spool))
}

fn load_dirs_into(
    dirs: &[PathBuf],
    progress: &dyn Fn(&Path, Step),
    mut spool: Option<&mut crate::Spool>,
) -> Result<Network, Problems> {
    let mut problems = Vec::new();
    let mut read = Vec::new();
    // Set numbers follow `dirs`: on any problem nothing is returned, so
    // the sets of a returned run are exactly the directories, in order.
    for (i, dir) in dirs.iter().enumerate() {
        match crate::load::load(dir, &|step| progress(dir, step), spool.as_deref_mut().map(|s| (s, i))) {
            Ok(prepared) => read.push((dir.clone(), prepared)),
            Err(found) => problems.extend(found.0.into_iter().map(|p| in_dir(dir, p))),
        }
    }
    if !problems.is_empty() {
        return Err(Problems::sorted(problems));
    }
    let translations = link(&read).map_err(Problems::sorted)?;
    let mut files: BTreeMap<String, MediaFile> = BTreeMap::new();
    let mut sets = Vec::with_capacity(read.len());
    for (_, prepared) in read {
        for f in prepared.files {
            files.entry(f.key.clone()).or_insert(f);
        }
        sets.push(prepared.set);
    }
    Ok(Network { import: NetworkImport { sets, translations }, files: files.into_values().collect() })
}

fn in_dir(dir: &Path, p: Problem) -> Problem {
    let file = if p.file.as_os_str().is_empty() { dir.to_path_buf() } else { dir.join(&p.file) };
    Problem { file, ..p }
}

/// An article of the run: which directory, which slug.
type Node = (usize, String);

/// Where a link leads once followed as far as the run allows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Root {
    /// An article of the run with no link of its own: the original.
    Run(Node),
    /// An article in a language no directory of the run has: the store
    /// resolves it (and follows it further if it is a translation).
    Elsewhere { language: String, slug: String },
}

/// Checks every link of the run and turns it into a link to its group's
/// original.
fn link(read: &[(PathBuf, Prepared)]) -> Result<Vec<NewTranslation>, Vec<Problem>> {
    let mut problems = Vec::new();
    let place = |i: usize, file: &Path, line: usize| (read[i].0.join(file), line);
    let language = |i: usize| read[i].1.set.publication.language.to_ascii_lowercase();

    let mut by_slug: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_language: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, prepared)) in read.iter().enumerate() {
        by_slug.entry(prepared.set.publication.slug.as_str()).or_default().push(i);
        by_language.entry(language(i)).or_default().push(i);
    }
    for (slug, dirs) in by_slug.iter().filter(|(_, dirs)| dirs.len() > 1) {
        let names: Vec<String> = dirs.iter().map(|&i| read[i].0.display().to_string()).collect();
        for &i in dirs {
            let message =
                format!("publication `{slug}` is in more than one directory of this run: {}", names.join(", "));
            problems.push(Problem::new(read[i].0.join("publication.toml"), 0, message));
        }
    }

    // Each link's first step: to an article of the run, or out of it.
    let mut next: HashMap<Node, (Root, PathBuf, usize)> = HashMap::new();
    for (i, (_, prepared)) in read.iter().enumerate() {
        for l in &prepared.links {
            let (file, line) = place(i, &l.file, l.line);
            let target = format!("{}:{}", l.language, l.slug);
            let wanted = l.language.to_ascii_lowercase();
            if wanted == language(i) {
                let message = if l.slug == l.article {
                    format!("`translation_of` names `{target}`: the article itself; it names the original in a sister publication")
                } else {
                    format!(
                        "`translation_of` names `{target}`, in the article's own language (`{}`); the original is in a \
                         sister publication of another language",
                        read[i].1.set.publication.language
                    )
                };
                problems.push(Problem::new(file, line, message));
                continue;
            }
            let root = match by_language.get(&wanted).map(Vec::as_slice) {
                None => Root::Elsewhere { language: l.language.clone(), slug: l.slug.clone() },
                Some(&[j]) => {
                    if !read[j].1.set.articles.iter().any(|a| a.slug == l.slug) {
                        let message = format!(
                            "`translation_of` names `{target}`, but `{}` (publication `{}`) has no article `{}`",
                            read[j].0.display(),
                            read[j].1.set.publication.slug,
                            l.slug
                        );
                        problems.push(Problem::new(file, line, message));
                        continue;
                    }
                    Root::Run((j, l.slug.clone()))
                }
                Some(several) => {
                    let names: Vec<&str> = several.iter().map(|&j| read[j].1.set.publication.slug.as_str()).collect();
                    let message = format!(
                        "`translation_of` names `{target}`, but several publications of this run are in `{}` ({}): \
                         a language must name one publication",
                        l.language,
                        names.join(", ")
                    );
                    problems.push(Problem::new(file, line, message));
                    continue;
                }
            };
            next.insert((i, l.article.clone()), (root, file, line));
        }
    }

    // Follow each link to the group's original.
    let mut out = Vec::new();
    let mut groups: BTreeMap<String, Vec<(String, PathBuf, usize, String)>> = BTreeMap::new();
    let mut starts: Vec<&Node> = next.keys().collect();
    starts.sort();
    for start in starts {
        let (_, file, line) = &next[start];
        let mut seen = vec![start.clone()];
        let mut root = next[start].0.clone();
        let cycle = loop {
            let Root::Run(node) = &root else { break false };
            if seen.contains(node) {
                break true;
            }
            match next.get(node) {
                Some((further, _, _)) => {
                    seen.push(node.clone());
                    root = further.clone();
                }
                None => break false,
            }
        };
        if cycle {
            let names: Vec<String> =
                seen.iter().map(|(i, slug)| format!("{}:{slug}", read[*i].1.set.publication.language)).collect();
            let message = format!(
                "`translation_of` links go round in a circle ({}): one article must be the original",
                names.join(" → ")
            );
            problems.push(Problem::new(file, *line, message));
            continue;
        }
        let (original_language, original_slug) = match &root {
            Root::Run((j, slug)) => (read[*j].1.set.publication.language.clone(), slug.clone()),
            Root::Elsewhere { language, slug } => (language.clone(), slug.clone()),
        };
        let (i, article) = start;
        if let Root::Run(original) = &root {
            if original == start {
                continue;
            }
            // The original's own language is taken in its group.
            groups.entry(format!("{}:{original_slug}", original_language.to_ascii_lowercase())).or_default().push((
                language(original.0),
                read[original.0].0.join("articles").join(format!("{}.md", original.1)),
                0,
                original.1.clone(),
            ));
        }
        groups.entry(format!("{}:{original_slug}", original_language.to_ascii_lowercase())).or_default().push((
            language(*i),
            file.clone(),
            *line,
            article.clone(),
        ));
        out.push(NewTranslation {
            publication: read[*i].1.set.publication.slug.clone(),
            article: article.clone(),
            original_language,
            original_slug,
            source: format!("{}:{line}", file.display()),
        });
    }

    // At most one article per language in a group.
    for (original, members) in &mut groups {
        members.sort();
        members.dedup();
        let mut by_language: BTreeMap<&str, Vec<&(String, PathBuf, usize, String)>> = BTreeMap::new();
        for m in members.iter() {
            by_language.entry(m.0.as_str()).or_default().push(m);
        }
        if let Some((original_language, _)) = original.split_once(':') {
            if let Some(list) = by_language.get(original_language) {
                // A translation in the original's language (through a chain).
                for m in list.iter().filter(|m| m.2 > 0) {
                    let message = format!(
                        "`translation_of` leads to `{original}`, the original of this group, which is in the article's own \
                         language: a group has one article per language"
                    );
                    problems.push(Problem::new(m.1.clone(), m.2, message));
                }
            }
        }
        for (lang, list) in by_language.iter().filter(|(_, list)| list.len() > 1) {
            let linked: Vec<_> = list.iter().filter(|m| m.2 > 0).collect();
            if linked.len() < 2 {
                continue;
            }
            for m in &linked {
                let others: Vec<String> =
                    linked.iter().filter(|o| o.1 != m.1).map(|o| format!("{}:{}", o.1.display(), o.2)).collect();
                let message = format!(
                    "two articles in `{lang}` in the translation group of `{original}` (also {}): a group has one article per language",
                    others.join(", ")
                );
                problems.push(Problem::new(m.1.clone(), m.2, message));
            }
        }
    }
    if problems.is_empty() {
        out.sort_by(|a, b| (&a.publication, &a.article).cmp(&(&b.publication, &b.article)));
        Ok(out)
    } else {
        Err(problems)
    }
}
