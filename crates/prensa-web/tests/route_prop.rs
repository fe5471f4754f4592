//! Property tests of the public URL parser: any path and query — random,
//! hostile, not even a path — parses to a route without a panic, and every
//! redirect it answers leads to a page, not to another redirect.

use prensa_core::slug::is_valid_slug;
use prensa_web::route::{parse, FeedOf, Route};
use proptest::prelude::*;

/// Path and query pieces the parser gives meaning to, and junk.
const PIECES: [&str; 27] = [
    "/",
    "//",
    "section",
    "author",
    "tag",
    "page",
    "1",
    "2",
    "02",
    "0",
    "4294967296",
    "a-b",
    "-",
    "A",
    "..",
    "%2F",
    "?",
    "&",
    "page=",
    "=",
    "é",
    "\u{0}",
    " ",
    "search",
    "feed",
    "atom.xml",
    "feed.json",
];

fn check(path: &str, query: Option<&str>) -> Result<(), TestCaseError> {
    match parse(path, query) {
        Route::Redirect(target) => {
            prop_assert!(target.starts_with('/') && !target.starts_with("//"), "{path:?} → {target:?}");
            let (target_path, target_query) = match target.split_once('?') {
                Some((p, q)) => (p, Some(q)),
                None => (target.as_str(), None),
            };
            let again = parse(target_path, target_query);
            prop_assert!(!matches!(again, Route::Redirect(_) | Route::NotFound), "{path:?} → {target:?} → {again:?}");
        }
        Route::Article(slug) | Route::Section(slug, _) | Route::Author(slug, _) | Route::Tag(slug, _) => {
            prop_assert!(is_valid_slug(&slug), "{path:?} gave slug {slug:?}");
        }
        Route::Feed(FeedOf::Section(slug) | FeedOf::Author(slug) | FeedOf::Tag(slug), _) => {
            prop_assert!(is_valid_slug(&slug), "{path:?} gave slug {slug:?}");
        }
        Route::Home | Route::NotFound | Route::Feed(FeedOf::Publication, _) => {}
    }
    if let Route::Section(_, page) | Route::Author(_, page) | Route::Tag(_, page) = parse(path, query) {
        prop_assert!(page >= 1);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_text_parses(path in any::<String>(), query in prop::option::of(any::<String>())) {
        check(&path, query.as_deref())?;
        check(&format!("/{path}"), query.as_deref())?;
    }

    #[test]
    fn any_mix_of_url_pieces_parses(
        path in prop::collection::vec(prop::sample::select(&PIECES[..]), 0..16),
        query in prop::option::of(prop::collection::vec(prop::sample::select(&PIECES[..]), 0..8)),
    ) {
        let query = query.map(|q| q.concat());
        check(&format!("/{}", path.concat()), query.as_deref())?;
    }

    /// Long paths: many slashes, long segments, many `page=`.
    #[test]
    fn long_runs_parse(runs in prop::collection::vec((prop::sample::select(&PIECES[..]), 1..5_000usize), 1..5)) {
        let text: String = runs.iter().map(|(piece, times)| piece.repeat(*times)).collect();
        check(&format!("/{text}"), Some(&text))?;
    }
}
