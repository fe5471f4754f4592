//! Hostile Markdown must never produce markup that can run script.
//!
//! Each input is rendered (with and without a trailing line of raw HTML, so
//! both the fast path and the sanitizer path see it) and the output's markup
//! is checked the way a browser would read it: tag names, attribute names,
//! and attribute values after entity decoding. Text content is not checked
//! for words like "javascript:": escaped text cannot run, and a link whose
//! destination was refused still shows what the author typed.

use prensa_render::markdown::{render, Options};

const CORPUS: &[&str] = &[
    // Script tags in every casing and shape.
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<script\n>alert(1)</script\n>",
    "Inline <script>alert(1)</script> in a paragraph.",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<!--<script>alert(1)</script>-->",
    "<!-- --!><script>alert(1)</script> -->",
    // Event handlers.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror=\"alert(1)\"//>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<video><source onerror=alert(1)></video>",
    "<x onclick=alert(1)>custom element</x>",
    "<p onmouseover\n=alert(1)>x</p>",
    // javascript: in Markdown links, images, reference links and autolinks.
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#x20;javascript:alert(1))",
    "[click](&#0000106avascript:alert(1))",
    "[click](javascript:alert&#40;1&#41;)",
    "[click](javascript://%0aalert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:text/html,<script>alert(1)</script>)",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: JAVASCRIPT:alert(1) \"title\"",
    "![pic][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<JavaScript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "[![img](javascript:alert(1))](javascript:alert(2))",
    "[x](https://ok.example \"title\\\" onmouseover=\\\"alert(1)\")",
    "![x](y.png \"\\\" onerror=\\\"alert(1)\")",
    // Raw anchors with obfuscated schemes.
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
    "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>",
    "<a href=\" &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav&Tab;ascript:alert(1)\">x</a>",
    "<a href=\"java\nscript:alert(1)\">x</a>",
    "<a href=\"javas&#99;ript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=javascript:alert(1)>unquoted</a>",
    // Embedding and document-level elements.
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<iframe src=javascript:alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<object type=\"text/html\" data=\"//evil.example\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"behavior:url(x.htc); width:expression(alert(1))\">x</p>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<form><button formaction=javascript:alert(1)>X</button></form>",
    "<isindex action=javascript:alert(1) type=image>",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<img srcset=\"javascript:alert(1)\">",
    "<img src=\"data:text/html,<script>alert(1)</script>\">",
    // mXSS through foreign content and parser confusion.
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<table><td><svg><foreignObject><img src=x onerror=alert(1)>",
    "<div><p>unclosed <b><i>nesting <img src=x onerror=alert(1)",
    "</p><script>alert(1)</script><p>",
    // Markdown features carrying payloads.
    "# Heading {onclick=alert(1)}",
    "# Heading {#x onmouseover=alert(1) .y}",
    "## Heading {#\"><script>alert(1)</script>}",
    "```js\"><script>alert(1)</script>\ncode\n```",
    "```\n</code><script>alert(1)</script>\n```",
    "Note[^1]\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1))",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "> <script>alert(1)</script>\n>\n> — <img src=x onerror=alert(1)> [n](javascript:alert(1))",
    "- [x](javascript:alert(1))\n- <a href=javascript:alert(1)>y</a>",
    "`<script>alert(1)</script>`",
    // Figures, galleries and embeds: hostile alt, caption, credit and URLs.
    "![\" onerror=\"alert(1)](/media/ab12.jpg)\n<script>alert(1)</script> caption\n— <img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))\n![y](/media/ab12.jpg \"\\\" onload=\\\"alert(1)\")\nCaption [c](javascript:alert(1))",
    "![x](data:text/html,<script>alert(1)</script>)\n— [credit](javascript:alert(1))",
    "![a](/media/ab12.jpg)\n![b](//evil.example/x.png)\n— Photo: <a href=javascript:alert(1)>x</a>",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ\"onload=\"alert(1)",
    "<javascript:alert(1)//www.youtube.com/watch?v=dQw4w9WgXcQ>",
    "https://www.youtube.com/watch?v=<script>alert(1)</script>",
    "[https://youtu.be/dQw4w9WgXcQ](javascript:alert(1))",
    "<https://x.com/jack/status/20>",
    "<figure class=\"embed\" onclick=\"alert(1)\"><img src=x srcset=\"javascript:alert(1) 1x\"></figure>",
];

#[test]
fn corpus_is_big_enough() {
    assert!(CORPUS.len() >= 50, "only {} hostile inputs", CORPUS.len());
}

#[test]
fn hostile_inputs_render_harmless() {
    let options = Options { toc: true, ..Options::default() };
    let mut failures = Vec::new();
    for input in CORPUS {
        // The trailing comment forces the sanitizer path; without it, inputs
        // that are pure Markdown take the fast path.
        for variant in [input.to_string(), format!("{input}\n\n<!-- raw -->\n")] {
            let html = render(&variant, &options).html;
            if let Err(problem) = check_markup(&html) {
                failures.push(format!("input {variant:?}\n  output {html:?}\n  {problem}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Self-test of the checker, so a broken scanner cannot pass everything.
#[test]
fn checker_catches_dangerous_markup() {
    for bad in [
        "<script>x</script>",
        "<p><SCRIPT>x</SCRIPT></p>",
        "<img src=x onerror=alert(1)>",
        "<a href=x OnClick='y'>",
        "<a href=\"javascript:alert(1)\">",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">",
        "<a href=\"&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58;x\">",
        "<a href=\"java&Tab;script:x\">",
        "<a href='vbscript:x'>",
        "<a href=data:text/html,x>",
        "<iframe>",
        "<style>",
        "<meta http-equiv=refresh>",
        "<div style=\"background:url(x)\">",
        "<td style=\"text-align: center\">1</td>",
    ] {
        assert!(check_markup(bad).is_err(), "checker missed {bad:?}");
    }
    for good in [
        "<p>javascript: is just a word here, and so is onclick=</p>",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<a href=\"https://example.com/?q=javascript\" title=\"onerror=x\">ok</a>",
        "<td class=\"align-center\">1</td>",
    ] {
        assert_eq!(check_markup(good), Ok(()), "checker rejected {good:?}");
    }
}

/// Elements that must never appear in output.
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "meta", "base", "link", "form",
    "input", "button", "textarea", "select", "isindex", "svg", "math", "template", "noscript",
];

/// Attributes that load or run something, beyond `on*` handlers.
const FORBIDDEN_ATTRIBUTES: &[&str] =
    &["srcdoc", "formaction", "action", "http-equiv", "xlink:href", "srcset", "data", "background", "dynsrc", "lowsrc"];

const FORBIDDEN_URLS: &[&str] = &["javascript:", "vbscript:", "data:text/html", "data:"];

/// Scans the markup (not the text) of `html` like a forgiving HTML tokenizer.
fn check_markup(html: &str) -> Result<(), String> {
    if html.to_ascii_lowercase().contains("<script") {
        return Err("contains <script".into());
    }
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'!') {
            // Comments survive only as escaped text; a real one is suspicious.
            return Err("contains a comment or doctype".into());
        }
        if bytes.get(i) == Some(&b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        if FORBIDDEN_TAGS.contains(&name.as_str()) {
            return Err(format!("contains <{name}>"));
        }
        // Attributes until the closing '>'.
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let attr_start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = "";
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let start = i + 1;
                        let end = html[start..].find(quote as char).map_or(html.len(), |n| start + n);
                        value = &html[start..end];
                        i = end + 1;
                    }
                    _ => {
                        let start = i;
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                            i += 1;
                        }
                        value = &html[start..i];
                    }
                }
            }
            if attr.starts_with("on") {
                return Err(format!("event handler attribute {attr} on <{name}>"));
            }
            if FORBIDDEN_ATTRIBUTES.contains(&attr.as_str()) {
                return Err(format!("attribute {attr} on <{name}>"));
            }
            let decoded: String = decode_entities(value)
                .chars()
                .filter(|c| !c.is_ascii_control() && *c != ' ')
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(scheme) = FORBIDDEN_URLS.iter().find(|scheme| decoded.contains(*scheme)) {
                return Err(format!("{attr}={value:?} on <{name}> holds {scheme}"));
            }
            // The site's CSP blocks inline styles, so none may be emitted.
            if attr == "style" {
                return Err(format!("style {value:?} on <{name}>"));
            }
        }
    }
    Ok(())
}

/// Decodes character references the way a browser does in attribute values:
/// numeric ones with or without the semicolon, and the named ones useful for
/// hiding a scheme.
fn decode_entities(value: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("colon;", ':'),
        ("tab;", '\t'),
        ("newline;", '\n'),
        ("lpar;", '('),
        ("rpar;", ')'),
        ("sol;", '/'),
        ("period;", '.'),
        ("excl;", '!'),
        ("quot;", '"'),
        ("apos;", '\''),
        ("lt;", '<'),
        ("gt;", '>'),
        ("amp;", '&'),
        ("amp", '&'),
    ];
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(numeric) = rest.strip_prefix('#') {
            let (radix, digits_from) = match numeric.strip_prefix(['x', 'X']) {
                Some(hex) => (16, hex),
                None => (10, numeric),
            };
            let len = digits_from.chars().take_while(|c| c.is_digit(radix)).count();
            if len > 0 {
                let code = u32::from_str_radix(&digits_from[..len], radix).unwrap_or(0xFFFD);
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                rest = &digits_from[len..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        }
        let lower = rest.to_ascii_lowercase();
        if let Some((name, c)) = NAMED.iter().find(|(name, _)| lower.starts_with(name)) {
            out.push(*c);
            rest = &rest[name.len()..];
        } else {
            out.push('&');
        }
    }
    out.push_str(rest);
    out
}
