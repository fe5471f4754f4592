//! Social profile links of publications and authors.

use serde::{Deserialize, Serialize};

/// The networks a profile link may point to. The order of the variants is the
/// order in which links are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SocialKind {
    Website,
    Facebook,
    Instagram,
    X,
    Youtube,
    Mastodon,
    Bluesky,
    Tiktok,
    Telegram,
    Rss,
}

impl SocialKind {
    pub const ALL: [SocialKind; 10] = [
        SocialKind::Website,
        SocialKind::Facebook,
        SocialKind::Instagram,
        SocialKind::X,
        SocialKind::Youtube,
        SocialKind::Mastodon,
        SocialKind::Bluesky,
        SocialKind::Tiktok,
        SocialKind::Telegram,
        SocialKind::Rss,
    ];

    /// The key used in content files and the store (`twitter` is accepted as `x`).
    pub fn key(self) -> &'static str {
        match self {
            SocialKind::Website => "website",
            SocialKind::Facebook => "facebook",
            SocialKind::Instagram => "instagram",
            SocialKind::X => "x",
            SocialKind::Youtube => "youtube",
            SocialKind::Mastodon => "mastodon",
            SocialKind::Bluesky => "bluesky",
            SocialKind::Tiktok => "tiktok",
            SocialKind::Telegram => "telegram",
            SocialKind::Rss => "rss",
        }
    }

    /// The network's own name, which is not translated.
    pub fn label(self) -> &'static str {
        match self {
            SocialKind::Website => "Website",
            SocialKind::Facebook => "Facebook",
            SocialKind::Instagram => "Instagram",
            SocialKind::X => "X",
            SocialKind::Youtube => "YouTube",
            SocialKind::Mastodon => "Mastodon",
            SocialKind::Bluesky => "Bluesky",
            SocialKind::Tiktok => "TikTok",
            SocialKind::Telegram => "Telegram",
            SocialKind::Rss => "RSS",
        }
    }

    pub fn from_key(key: &str) -> Option<SocialKind> {
        let key = key.trim().to_ascii_lowercase();
        if key == "twitter" {
            return Some(SocialKind::X);
        }
        SocialKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// One profile link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialLink {
    pub kind: SocialKind,
    pub url: String,
}

/// A set of profile links, at most one per network, kept in display order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SocialLinks(Vec<SocialLink>);

impl SocialLinks {
    /// Adds or replaces the link for `kind`, keeping display order.
    pub fn set(&mut self, kind: SocialKind, url: String) {
        self.0.retain(|l| l.kind != kind);
        self.0.push(SocialLink { kind, url });
        self.0.sort_by_key(|l| l.kind);
    }

    pub fn iter(&self) -> impl Iterator<Item = &SocialLink> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Whether a profile or media URL is one we are willing to print in an
/// `href`: absolute http(s) only, so no `javascript:` can slip in through a
/// social link.
pub fn is_safe_profile_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_twitter_is_x() {
        for k in SocialKind::ALL {
            assert_eq!(SocialKind::from_key(k.key()), Some(k));
        }
        assert_eq!(SocialKind::from_key("Twitter"), Some(SocialKind::X));
        assert_eq!(SocialKind::from_key("myspace"), None);
    }

    #[test]
    fn links_are_ordered_and_unique() {
        let mut links = SocialLinks::default();
        links.set(SocialKind::Rss, "https://e.example/feed".into());
        links.set(SocialKind::Facebook, "https://fb.example/a".into());
        links.set(SocialKind::Facebook, "https://fb.example/b".into());
        let kinds: Vec<_> = links.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [SocialKind::Facebook, SocialKind::Rss]);
        assert_eq!(links.iter().next().map(|l| l.url.as_str()), Some("https://fb.example/b"));
    }

    #[test]
    fn only_http_urls_are_safe() {
        assert!(is_safe_profile_url("https://mastodon.example/@a"));
        assert!(!is_safe_profile_url("javascript:alert(1)"));
        assert!(!is_safe_profile_url("https://x.example/\"onmouseover=1"));
        assert!(!is_safe_profile_url("data:text/html,hi"));
    }
}
