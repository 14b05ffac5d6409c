//! Slugs: the names of notes, taken from file stems.

/// `Ok` when `slug` is lowercase ASCII letters, digits and single `-`
/// between them; otherwise `Err` with the slug it should probably be.
pub fn check_slug_syntax(slug: &str) -> Result<(), String> {
    let valid = !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if valid { Ok(()) } else { Err(suggest_slug(slug)) }
}

/// The slug a name should have: transliterated, lowercased, dashed.
pub fn suggest_slug(name: &str) -> String {
    let s = ::slug::slugify(name);
    if s.is_empty() { "note".to_string() } else { s }
}

/// The id of a heading with this text.
pub fn heading_id(text: &str) -> String {
    let s = ::slug::slugify(text);
    if s.is_empty() { "section".to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_slugs_pass() {
        assert!(check_slug_syntax("marco-rubio").is_ok());
        assert!(check_slug_syntax("un-security-council-2").is_ok());
    }

    #[test]
    fn invalid_slugs_get_a_suggestion() {
        assert_eq!(check_slug_syntax("Marco Rubio"), Err("marco-rubio".into()));
        assert_eq!(check_slug_syntax("marco_rubio"), Err("marco-rubio".into()));
        assert_eq!(check_slug_syntax("Jaishankar–post"), Err("jaishankar-post".into()));
        assert!(check_slug_syntax("-a").is_err());
        assert!(check_slug_syntax("").is_err());
    }

    #[test]
    fn heading_ids_are_stable() {
        assert_eq!(heading_id("What each leaves out"), "what-each-leaves-out");
        assert_eq!(heading_id("!!!"), "section");
    }
}
