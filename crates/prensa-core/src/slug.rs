//! Slugs: the URL-safe names of articles, sections, authors and tags.

/// Makes a slug from free text: lowercase, ASCII letters and digits kept,
/// common Latin accents folded, every other run of characters becomes one `-`.
///
/// Hand-rolled rather than pulling a transliteration crate: slugs only need
/// the Latin scripts our first publications write in, and a deterministic,
/// dependency-free rule is easier to keep stable (a changed slug is a broken URL).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        let folded = fold(ch);
        match folded {
            Some(s) => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push_str(s);
            }
            None if ch.is_ascii_alphanumeric() => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(ch);
            }
            None => dash = true,
        }
    }
    out
}

/// Whether `s` is already a well-formed slug (what `slugify` could produce).
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// First path segments the site uses for its own pages. An article is
/// served at `/{slug}/`, so it may not take one of these.
pub const RESERVED_ARTICLE_SLUGS: &[&str] = &[
    "admin", "api", "assets", "author", "feed", "healthz", "media", "metrics", "page", "preview", "readyz", "rss",
    "search", "section", "share", "sitemap", "tag",
];

pub fn is_reserved_article_slug(s: &str) -> bool {
    RESERVED_ARTICLE_SLUGS.contains(&s)
}

fn fold(ch: char) -> Option<&'static str> {
    Some(match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugifies_headlines() {
        assert_eq!(slugify("Latin America"), "latin-america");
        assert_eq!(slugify("  São Paulo's Dockers — on Strike!  "), "sao-paulo-s-dockers-on-strike");
        assert_eq!(slugify("Straße & Größe"), "strasse-grosse");
        assert_eq!(slugify("2024: A Year"), "2024-a-year");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn site_paths_are_reserved() {
        assert!(is_reserved_article_slug("section"));
        assert!(is_reserved_article_slug("media"));
        assert!(!is_reserved_article_slug("sections-of-society"));
    }

    #[test]
    fn validates_slugs() {
        assert!(is_valid_slug("latin-america"));
        assert!(is_valid_slug("a1"));
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "a/b", "ü"] {
            assert!(!is_valid_slug(bad), "{bad:?} should be invalid");
        }
        for text in ["Hello World", "Ñandú 2", "x"] {
            assert!(is_valid_slug(&slugify(text)));
        }
    }
}
