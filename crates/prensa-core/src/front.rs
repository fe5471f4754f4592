//! The curated front page: editors pin published articles to the home
//! page — the first pin is the lead, the next ones are featured — each
//! until an optional expiry time; the rest of the home page follows by
//! date, without repeating a pinned article.

use serde::{Deserialize, Serialize};

use crate::Id;

/// The front page's rows as a store snapshot carries them (`prensa
/// migrate-store`, `backup`, `export json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontRows {
    pub pins: Vec<FrontPinRow>,
    pub brands: Vec<BrandRow>,
}

/// One pin as stored: `position` 0 is the lead; times are UTC Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontPinRow {
    pub article_id: Id,
    pub publication_id: Id,
    pub position: i64,
    pub expires_at: Option<i64>,
    pub pinned_at: i64,
}

/// A publication's logo and favicon, as media keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandRow {
    pub publication_id: Id,
    pub logo_key: Option<String>,
    pub favicon_key: Option<String>,
}

/// Pins a front page holds at most: the lead and four featured articles.
pub const MAX_PINS: usize = 5;

/// Where a new pin goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// First: the lead story (the former lead becomes the first featured).
    Lead,
    /// After the pins already there.
    Featured,
}

impl Slot {
    pub fn parse(text: &str) -> Option<Slot> {
        match text {
            "lead" => Some(Slot::Lead),
            "featured" => Some(Slot::Featured),
            _ => None,
        }
    }
}

/// The home page's order: the live pins in their order, then `latest`
/// (newest first) without the pinned ones (`id` tells each item's
/// article). The first of the result is the lead.
pub fn front_order<T>(pins: Vec<T>, latest: Vec<T>, id: impl Fn(&T) -> crate::Id) -> Vec<T> {
    let pinned: Vec<crate::Id> = pins.iter().map(&id).collect();
    pins.into_iter().chain(latest.into_iter().filter(|x| !pinned.contains(&id(x)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_come_first_and_are_not_repeated() {
        let order = front_order(vec![7, 3], vec![9, 7, 8, 3, 1], |x| *x);
        assert_eq!(order, vec![7, 3, 9, 8, 1]);
        assert_eq!(front_order(Vec::new(), vec![2, 1], |x| *x), vec![2, 1]);
    }

    #[test]
    fn slots_parse() {
        assert_eq!(Slot::parse("lead"), Some(Slot::Lead));
        assert_eq!(Slot::parse("featured"), Some(Slot::Featured));
        assert_eq!(Slot::parse("other"), None);
    }
}
