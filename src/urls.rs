//! Page addresses: the one place that makes a page's URL, the file it is
//! written to, its absolute address, and a link from one page to another.
//!
//! A URL here is a page's path from the site's root without a leading
//! slash: `""` (home), `actors/` (a list), `actors/marco-rubio/` (a note's
//! page), `atom.xml` (a file). Pages link to each other relatively, so a
//! site works at a domain's root and under any sub-path alike; nothing
//! outside this module writes `../` or joins a segment and a slug.

use crate::note::Kind;

/// The first segment of the URL of every page of notes of `kind`.
pub fn segment(kind: Kind) -> &'static str {
    match kind {
        Kind::Comparison => "compare",
        other => other.folder(),
    }
}

/// The URL of the page of the note `slug` of `kind`: `actors/marco-rubio/`.
pub fn note_url(kind: Kind, slug: &str) -> String {
    let mut url = String::with_capacity(segment(kind).len() + slug.len() + 2);
    push_note_url("", kind, slug, &mut url);
    url
}

/// Appends `root` and the URL of the note `slug` of `kind` to `out`.
pub fn push_note_url(root: &str, kind: Kind, slug: &str, out: &mut String) {
    for part in [root, segment(kind), "/", slug, "/"] {
        out.push_str(part);
    }
}

/// The note a URL is the page of, as its kind and slug: the inverse of
/// [`note_url`] (`None` for any other URL).
pub fn note_of(url: &str) -> Option<(Kind, &str)> {
    let (first, rest) = url.split_once('/')?;
    let slug = rest.strip_suffix('/')?;
    let kind = Kind::ALL.into_iter().find(|&k| segment(k) == first)?;
    (!slug.is_empty() && !slug.contains('/')).then_some((kind, slug))
}

/// A file some notes have besides their page: its social card, the page
/// another site embeds, and that page's oEmbed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteFile {
    /// `compare/x/card.png`.
    Card,
    /// `embed/compare/x/`.
    Embed,
    /// `compare/x/oembed.json`.
    OEmbed,
}

impl NoteFile {
    const ALL: [NoteFile; 3] = [NoteFile::Card, NoteFile::Embed, NoteFile::OEmbed];
}

/// The first segment of every embed page's URL.
const EMBED: &str = "embed/";

/// The URL of a note's `file`, from the URL of the note's page.
pub fn note_file_url(file: NoteFile, note_url: &str) -> String {
    match file {
        NoteFile::Card => format!("{note_url}{}", crate::cards::FILE),
        NoteFile::Embed => format!("{EMBED}{note_url}"),
        NoteFile::OEmbed => format!("{note_url}oembed.json"),
    }
}

/// The note file a URL is, with its note's kind and slug: the inverse of
/// [`note_file_url`] over [`note_url`].
pub fn note_file_of(url: &str) -> Option<(NoteFile, Kind, &str)> {
    NoteFile::ALL.into_iter().find_map(|file| {
        let page = match file {
            NoteFile::Card => url.strip_suffix(crate::cards::FILE)?,
            NoteFile::Embed => url.strip_prefix(EMBED)?,
            NoteFile::OEmbed => url.strip_suffix("oembed.json")?,
        };
        note_of(page).map(|(kind, slug)| (file, kind, slug))
    })
}

/// The relative prefix from the page at `url` to the site's root:
/// `../../` from `actors/marco-rubio/`, `""` from home.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// The file of the page at `url` in the output folder: a URL ending in
/// `/` (or home's, `""`) is a folder with an `index.html`.
pub fn output_path(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') { format!("{url}index.html") } else { url.to_string() }
}

/// The output path (and URL from the root) of an image's copy `width`
/// pixels wide: `_images/map-3f9c…-480.png` for `img/map.png`, named by
/// the hash of the original's bytes so that a changed image gets new names.
pub fn image_variant(original: &str, hash: &str, width: u32, ext: &str) -> String {
    let file = original.rsplit('/').next().unwrap_or(original);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let stem: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("_images/{stem}-{hash}-{width}.{ext}")
}

/// The URL whose page is written to the output file `path`: the inverse
/// of [`output_path`].
pub fn url_of_output(path: &str) -> &str {
    match path.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => folder,
        _ => path,
    }
}

/// The absolute address of the page at `url`, from the site's base URL
/// (which ends in `/`).
pub fn absolute(base_url: &str, url: &str) -> String {
    format!("{base_url}{url}")
}

/// The path part of a base URL: `https://example.org/x/` → `/x/`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = if base_url.contains("://") {
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    if path.starts_with('/') { path.to_string() } else { format!("/{path}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_follows_depth() {
        assert_eq!(root_of(""), "");
        assert_eq!(root_of("actors/"), "../");
        assert_eq!(root_of("actors/marco-rubio/"), "../../");
    }

    #[test]
    fn note_urls_round_trip() {
        for kind in Kind::ALL {
            let url = note_url(kind, "some-slug");
            assert_eq!(note_of(&url), Some((kind, "some-slug")), "{url}");
            assert_eq!(url_of_output(&output_path(&url)), url);
        }
        assert_eq!(note_url(Kind::Comparison, "a"), "compare/a/");
        for not_a_note in ["", "actors/", "actors/a/b/", "comparisons/a/", "atom.xml", "actors/a"] {
            assert_eq!(note_of(not_a_note), None, "{not_a_note}");
        }
    }

    #[test]
    fn note_file_urls_round_trip() {
        for file in NoteFile::ALL {
            let url = note_file_url(file, &note_url(Kind::Comparison, "a-b"));
            assert_eq!(note_file_of(&url), Some((file, Kind::Comparison, "a-b")), "{url}");
        }
        assert_eq!(note_file_url(NoteFile::Embed, "compare/a/"), "embed/compare/a/");
        assert_eq!(note_file_of("compare/a/"), None);
    }

    #[test]
    fn output_paths_of_urls() {
        assert_eq!(output_path(""), "index.html");
        assert_eq!(output_path("actors/"), "actors/index.html");
        assert_eq!(output_path("atom.xml"), "atom.xml");
        assert_eq!(url_of_output("index.html"), "");
        assert_eq!(url_of_output("404.html"), "404.html");
        assert_eq!(url_of_output("actors/index.html"), "actors/");
    }

    #[test]
    fn base_path_of_urls() {
        assert_eq!(base_path("https://example.org/explainers/pahalgam/"), "/explainers/pahalgam/");
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(base_path("/"), "/");
    }
}
