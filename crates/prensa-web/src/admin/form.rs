//! Reading `application/x-www-form-urlencoded` bodies.
//!
//! Parsed by hand over `form_urlencoded` rather than through serde because
//! admin forms repeat fields (one `author` per byline position) and every
//! field needs a field-specific error message, not a deserializer's.

use std::collections::HashMap;

/// A decoded form: every value of every field, in order.
#[derive(Debug, Default, Clone)]
pub struct FormData {
    fields: HashMap<String, Vec<String>>,
}

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            fields.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        FormData { fields }
    }

    /// The first value of `name`, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).and_then(|v| v.first()).map_or("", String::as_str)
    }

    /// Every value of `name` in the order sent.
    pub fn all(&self, name: &str) -> &[String] {
        self.fields.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// Builds a form from pairs (tests, and multipart uploads' text fields).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> FormData {
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            fields.entry(k.to_owned()).or_default().push(v.to_owned());
        }
        FormData { fields }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_keep_their_order() {
        let f = FormData::parse(b"author=3&author=1&headline=A+%26+B&empty=");
        assert_eq!(f.all("author"), ["3", "1"]);
        assert_eq!(f.get("headline"), "A & B");
        assert_eq!(f.get("missing"), "");
        assert!(f.has("empty") && !f.has("missing"));
    }
}
