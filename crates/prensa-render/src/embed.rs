//! Embeds: a URL of a known provider alone in its paragraph.
//!
//! A writer pastes `https://www.youtube.com/watch?v=…` on a line of its own;
//! the stored Markdown is that URL, which any other renderer shows as text
//! or a link. Prensa renders it as a card ([`crate::markdown`]) that links
//! to the provider. Recognition is strict URL parsing, never a pattern over
//! HTML: the URL is parsed (WHATWG, the `url` crate behind ammonia), its
//! scheme must be http(s), its host must be one of the provider's (or, for
//! the federated ones — PeerTube, Mastodon — any host, with a path of the
//! provider's exact shape), and every id is checked character by character.
//! The card's link is then *rebuilt* from the validated parts, so nothing
//! of the original string but those ids reaches the page. Anything else
//! stays an ordinary paragraph.
//!
//! # Why a link and not a player
//!
//! The public site's CSP is `default-src 'self'; script-src 'none'` with no
//! `frame-src`, so a third-party `<iframe>` is refused outright, and without
//! script nothing can create one when the reader clicks (an iframe inside a
//! closed `<details>` is still fetched by browsers). Loading a player or its
//! thumbnail before the reader acts would tell the provider who read the
//! page. So the card is a plain link to the provider's own page: no request
//! leaves for another origin until the reader follows it, and it is the
//! fallback a feed reader or a text browser shows as well.

use ammonia::Url;

/// A recognized embed: who provides it and the link the card points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub provider: Provider,
    /// Rebuilt from the validated parts: `https://`, the host, the path.
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    YouTube,
    Vimeo,
    PeerTube,
    Mastodon,
    Bluesky,
    X,
    SoundCloud,
    Spotify,
    Bandcamp,
}

impl Provider {
    /// The provider's name, shown on the card.
    pub fn name(self) -> &'static str {
        match self {
            Provider::YouTube => "YouTube",
            Provider::Vimeo => "Vimeo",
            Provider::PeerTube => "PeerTube",
            Provider::Mastodon => "Mastodon",
            Provider::Bluesky => "Bluesky",
            Provider::X => "X",
            Provider::SoundCloud => "SoundCloud",
            Provider::Spotify => "Spotify",
            Provider::Bandcamp => "Bandcamp",
        }
    }
}

/// Longest URL considered at all.
const MAX_URL: usize = 2048;

/// The embed `text` names, if it is exactly one URL of a known provider.
pub fn recognize(text: &str) -> Option<Embed> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_URL || text.contains(char::is_whitespace) {
        return None;
    }
    // Only what was written as an absolute http(s) URL: `Url::parse` would
    // also accept `HTTPS:www…` spellings a reader would not see as one.
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let url = Url::parse(text).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    if url.port().is_some() {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host).to_owned();
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let query = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());

    let bare = host.strip_prefix("www.").unwrap_or(&host);
    let (provider, url) = match bare {
        "youtube.com" | "m.youtube.com" | "music.youtube.com" | "youtube-nocookie.com" => {
            let id = match segments.as_slice() {
                ["watch"] => query("v")?,
                ["shorts" | "embed" | "live", id] => (*id).to_owned(),
                _ => return None,
            };
            youtube_id(&id)?;
            (Provider::YouTube, format!("https://www.youtube.com/watch?v={id}"))
        }
        "youtu.be" => match segments.as_slice() {
            [id] if youtube_id(id).is_some() => (Provider::YouTube, format!("https://www.youtube.com/watch?v={id}")),
            _ => return None,
        },
        "vimeo.com" => match segments.as_slice() {
            [id] if digits(id, 12) => (Provider::Vimeo, format!("https://vimeo.com/{id}")),
            _ => return None,
        },
        "player.vimeo.com" => match segments.as_slice() {
            ["video", id] if digits(id, 12) => (Provider::Vimeo, format!("https://vimeo.com/{id}")),
            _ => return None,
        },
        "x.com" | "twitter.com" | "mobile.twitter.com" | "mobile.x.com" => match segments.as_slice() {
            [user, "status", id] if x_user(user) && digits(id, 20) => {
                (Provider::X, format!("https://x.com/{user}/status/{id}"))
            }
            _ => return None,
        },
        "bsky.app" => match segments.as_slice() {
            ["profile", handle, "post", rkey] if bluesky_handle(handle) && token(rkey, 64) => {
                (Provider::Bluesky, format!("https://bsky.app/profile/{handle}/post/{rkey}"))
            }
            _ => return None,
        },
        "soundcloud.com" | "m.soundcloud.com" => match segments.as_slice() {
            [user, track] if slug(user) && slug(track) && !RESERVED_SOUNDCLOUD.contains(user) => {
                (Provider::SoundCloud, format!("https://soundcloud.com/{user}/{track}"))
            }
            [user, "sets", set] if slug(user) && slug(set) => {
                (Provider::SoundCloud, format!("https://soundcloud.com/{user}/sets/{set}"))
            }
            _ => return None,
        },
        "open.spotify.com" => {
            // An optional locale segment first: `/intl-de/track/…`.
            let rest = match segments.as_slice() {
                [locale, rest @ ..] if locale.starts_with("intl-") => rest,
                rest => rest,
            };
            match rest {
                [kind @ ("track" | "album" | "playlist" | "episode" | "show" | "artist"), id]
                    if id.len() == 22 && id.bytes().all(|b| b.is_ascii_alphanumeric()) =>
                {
                    (Provider::Spotify, format!("https://open.spotify.com/{kind}/{id}"))
                }
                _ => return None,
            }
        }
        _ => {
            if let Some(artist) = host.strip_suffix(".bandcamp.com") {
                match segments.as_slice() {
                    [kind @ ("track" | "album"), name] if slug(artist) && slug(name) => {
                        (Provider::Bandcamp, format!("https://{artist}.bandcamp.com/{kind}/{name}"))
                    }
                    _ => return None,
                }
            } else {
                // Federated: any host, with the exact path of a video or a post.
                if !hostname(&host) {
                    return None;
                }
                match segments.as_slice() {
                    ["w", id] if short_uuid(id) => (Provider::PeerTube, format!("https://{host}/w/{id}")),
                    ["videos", "watch", id] if uuid(id) => {
                        (Provider::PeerTube, format!("https://{host}/videos/watch/{id}"))
                    }
                    [user, id] if mastodon_user(user) && digits(id, 20) => {
                        (Provider::Mastodon, format!("https://{host}/{user}/{id}"))
                    }
                    _ => return None,
                }
            }
        }
    };
    Some(Embed { provider, url })
}

/// SoundCloud paths that are pages of the site, not a user's track.
const RESERVED_SOUNDCLOUD: [&str; 6] = ["discover", "search", "you", "stream", "upload", "pages"];

fn youtube_id(id: &str) -> Option<()> {
    (id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')).then_some(())
}

fn digits(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
}

fn token(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn slug(s: &str) -> bool {
    !s.is_empty() && s.len() <= 100 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn x_user(s: &str) -> bool {
    !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `@user` or `@user@domain`.
fn mastodon_user(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('@') else {
        return false;
    };
    let (user, domain) = rest.split_once('@').unwrap_or((rest, ""));
    !user.is_empty()
        && user.len() <= 64
        && user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && (domain.is_empty() || hostname(domain))
}

/// A handle (a host name) or a `did:plc:`/`did:web:` identifier.
fn bluesky_handle(s: &str) -> bool {
    if let Some(id) = s.strip_prefix("did:plc:") {
        return token(id, 64);
    }
    if let Some(host) = s.strip_prefix("did:web:") {
        return hostname(host);
    }
    hostname(s)
}

/// A DNS name of at least two labels, letters, digits and inner dashes.
fn hostname(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// PeerTube's short video ids: 22 base58 characters.
fn short_uuid(s: &str) -> bool {
    s.len() == 22 && s.bytes().all(|b| b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l'))
}

fn uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Option<(Provider, String)> {
        recognize(text).map(|e| (e.provider, e.url))
    }

    #[test]
    fn every_provider_is_recognized_and_canonical() {
        let cases = [
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
                Provider::YouTube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            ),
            ("https://youtu.be/dQw4w9WgXcQ?si=abc", Provider::YouTube, "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
            (
                "http://m.youtube.com/shorts/dQw4w9WgXcQ",
                Provider::YouTube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            ),
            ("https://vimeo.com/76979871", Provider::Vimeo, "https://vimeo.com/76979871"),
            ("https://player.vimeo.com/video/76979871", Provider::Vimeo, "https://vimeo.com/76979871"),
            (
                "https://framatube.org/w/9c9de5e8Rjg2kbNhBqWeHs",
                Provider::PeerTube,
                "https://framatube.org/w/9c9de5e8Rjg2kbNhBqWeHs",
            ),
            (
                "https://tube.example.org/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d",
                Provider::PeerTube,
                "https://tube.example.org/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            ),
            (
                "https://mastodon.social/@Gargron/109372348196123456",
                Provider::Mastodon,
                "https://mastodon.social/@Gargron/109372348196123456",
            ),
            (
                "https://bsky.app/profile/jay.bsky.team/post/3kfdpoyfbvb2a",
                Provider::Bluesky,
                "https://bsky.app/profile/jay.bsky.team/post/3kfdpoyfbvb2a",
            ),
            ("https://twitter.com/jack/status/20", Provider::X, "https://x.com/jack/status/20"),
            ("https://x.com/jack/status/20?s=21", Provider::X, "https://x.com/jack/status/20"),
            (
                "https://soundcloud.com/artist-name/track-name",
                Provider::SoundCloud,
                "https://soundcloud.com/artist-name/track-name",
            ),
            (
                "https://open.spotify.com/intl-de/track/4cOdK2wGLETKBW3PvgPWqT",
                Provider::Spotify,
                "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT",
            ),
            (
                "https://artist.bandcamp.com/album/some-album",
                Provider::Bandcamp,
                "https://artist.bandcamp.com/album/some-album",
            ),
        ];
        for (input, provider, canonical) in cases {
            assert_eq!(url(input), Some((provider, canonical.to_owned())), "{input}");
        }
    }

    #[test]
    fn anything_else_is_no_embed() {
        for input in [
            "",
            "see https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "javascript:alert(1)//www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXc\"onload=x",
            "https://www.youtube.com/watch?v=<script>abc",
            "https://evil.example/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://user:pw@www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
            "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "//www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://vimeo.com/channels/staff",
            "https://x.com/jack",
            "https://x.com/this_name_is_far_too_long/status/1",
            "https://open.spotify.com/track/short",
            "https://example.org/@user/not-a-number",
            "https://localhost/@user/1",
            "https://evil.bandcamp.com/track/x\"y",
            "https://soundcloud.com/discover/sets",
        ] {
            assert_eq!(url(input), None, "{input}");
        }
    }
}
