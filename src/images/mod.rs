//! Images in bodies (`![alt](path)`) and actors' portraits (`image = "…"`):
//! where each one's file is, checked at build time, made responsive
//! (`responsive.rs`), and the address pages give it.
//!
//! - `/images/x.png` names `static/images/x.png`.
//! - `x.png` or `../sources/x.png` names a file beside the note, relative
//!   to the note's file (`content/statements/x.png`), copied into the
//!   output at its place under `content/` (`statements/x.png`).
//!
//! Either way a page links to the image relative to itself (`../../statements/x.png`),
//! so the site works under any sub-path. A missing file is an error at
//! the image's position; an image without alt text is a warning. URLs with
//! a scheme (`https:`, `data:`) are left as written.

use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, Diagnostics, LineIndex, Position};
use crate::write::Asset;

pub mod responsive;

pub use responsive::{ImageCount, ImageTable, Responsive};

/// Where an image written in a body is, in the site and in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    /// The file, relative to the site root (`static/x.png`, `content/statements/x.png`).
    pub source: PathBuf,
    /// Its path in the output, `/`-separated (`x.png`, `statements/x.png`).
    pub output: String,
}

/// The file `dest`, written in the body of the note at `note_path`
/// (relative to the site root), names; `None` for a URL with a scheme, a
/// protocol-relative one, a bare fragment or a path that leaves the site.
pub fn image_file(dest: &str, note_path: &Path) -> Option<ImageFile> {
    let path = dest.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() || dest.contains(':') || dest.starts_with("//") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if let Some(rooted) = decoded.strip_prefix('/') {
        let parts = normalized(Path::new(rooted))?;
        return Some(ImageFile { source: Path::new("static").join(parts.join("/")), output: parts.join("/") });
    }
    let parts = normalized(&note_path.parent().unwrap_or(Path::new("")).join(decoded.as_ref()))?;
    (parts.len() > 1 && parts[0] == "content")
        .then(|| ImageFile { source: PathBuf::from(parts.join("/")), output: parts[1..].join("/") })
}

/// The address a page at `root` (`""`, `"../../"`) gives the image `dest`
/// written in the note at `note_path`, when it is the site's own; `None`
/// leaves it as written.
pub fn page_src(dest: &str, note_path: &Path, root: &str) -> Option<String> {
    let file = image_file(dest, note_path)?;
    let rest = &dest[dest.find(['?', '#']).unwrap_or(dest.len())..];
    Some(format!("{root}{}{rest}", file.output))
}

/// The `sizes` of a body's image: the width of the text column (see
/// `main img` in style.css), or the screen's when narrower.
pub const BODY_SIZES: &str = "(max-width: 44rem) 100vw, 42rem";

/// The `sizes` of an actor's portrait on their page (see `.portrait` in style.css).
pub const PORTRAIT_SIZES: &str = "(max-width: 40rem) 40vw, 14rem";

/// The `<img>` of a sized image for a page at `root`: its size (so the
/// page does not shift as it loads), its copies by width, and lazy,
/// asynchronous loading.
pub fn img_tag(image: &Responsive, root: &str, alt: &str, title: &str) -> String {
    use pulldown_cmark_escape::{escape_href, escape_html};
    let mut out = String::from("<img src=\"");
    let _ = escape_href(&mut out, &format!("{root}{}", image.original));
    out.push_str("\" alt=\"");
    let _ = escape_html(&mut out, alt);
    out.push('"');
    if !title.is_empty() {
        out.push_str(" title=\"");
        let _ = escape_html(&mut out, title);
        out.push('"');
    }
    if let Some((width, height)) = image.size {
        out.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    }
    if let Some(srcset) = image.srcset(root) {
        out.push_str(" srcset=\"");
        let _ = escape_html(&mut out, &srcset);
        out.push_str("\" sizes=\"");
        out.push_str(BODY_SIZES);
        out.push('"');
    }
    out.push_str(" loading=\"lazy\" decoding=\"async\">");
    out
}

/// `path`'s parts with `.` and `..` worked out; `None` if it leaves its start.
fn normalized(path: &Path) -> Option<Vec<String>> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(c) => parts.push(c.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// An image a page shows, and where it is written.
struct Shown<'a> {
    file: ImageFile,
    /// As written (`scan.png`).
    dest: String,
    note: &'a Path,
    text: &'a str,
    pos: Position,
}

impl Shown<'_> {
    fn error(&self, message: String) -> Diagnostic {
        Diagnostic::error(self.note, Some(self.text), self.pos, message)
    }
}

/// Checks every image in the body at `body_offset` of `text` (the file
/// `path`, relative to the site `root`): a missing file is an error, an
/// empty alt text a warning. Returns the images found.
fn check_body<'a>(
    root: &Path,
    path: &'a Path,
    text: &'a str,
    body_offset: usize,
    diags: &mut Diagnostics,
) -> Vec<Shown<'a>> {
    let body = &text[body_offset..];
    let mut found = Vec::new();
    if !body.contains("![") {
        return found;
    }
    let lines = LineIndex::new(text);
    // The image being read: its place, address and whether its alt text has any words.
    let mut open: Option<(usize, String, bool)> = None;
    for (event, range) in Parser::new_ext(body, crate::parse::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => open = Some((range.start, dest_url.into_string(), false)),
            Event::Text(t) | Event::Code(t) if !t.trim().is_empty() => {
                if let Some(image) = open.as_mut() {
                    image.2 = true;
                }
            }
            Event::End(TagEnd::Image) => {
                let Some((start, dest, has_alt)) = open.take() else { continue };
                let pos = lines.position(body_offset + start);
                if let Some(shown) = checked(root, path, text, pos, &dest, "image", diags) {
                    found.push(shown);
                }
                if !has_alt {
                    diags.push(
                        Diagnostic::error(path, Some(text), pos, format!("image `{dest}` has no alt text"))
                            .with_help("say what it shows between the brackets, `![what it shows](…)`, for readers who cannot see it")
                            .warning(),
                    );
                }
            }
            _ => {}
        }
    }
    found
}

/// The image `dest` written at `pos` of the note `path` (`what`: `image`
/// or `portrait`), if it is the site's own and its file is there; an
/// error if it leaves the site or its file is missing.
fn checked<'a>(
    root: &Path,
    path: &'a Path,
    text: &'a str,
    pos: Position,
    dest: &str,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Shown<'a>> {
    let Some(file) = image_file(dest, path) else {
        if !dest.contains(':') && !dest.starts_with("//") {
            diags.push(
                Diagnostic::error(path, Some(text), pos, format!("{what} `{dest}` is outside the site"))
                    .with_help("put the file in static/ and write `/NAME`, or beside the note and write `NAME`"),
            );
        }
        return None;
    };
    if !root.join(&file.source).is_file() {
        let help = if file.source.starts_with("static") {
            format!("put the file at {}, or beside the note and write its name without `/`", file.source.display())
        } else {
            format!(
                "put the file at {} (beside the note), or in static/ and write `/` and its path there",
                file.source.display()
            )
        };
        diags.push(Diagnostic::error(path, Some(text), pos, format!("{what} `{dest}` not found")).with_help(help));
        return None;
    }
    Some(Shown { file, dest: dest.to_string(), note: path, text, pos })
}

/// The notes that may show an image: a portrait, or `![` in the body
/// (found when the note was parsed: this runs on every rebuild).
fn notes_with_images(site: &crate::model::Site) -> Vec<&crate::note::Note> {
    let portrait = |note: &crate::note::Note| {
        matches!(&note.meta, crate::note::Meta::Actor(crate::note::ActorMeta { image: Some(_), .. }))
    };
    site.notes.iter().filter(|note| note.may_show_images || portrait(note)).map(|note| &**note).collect()
}

/// Checks the images of every body of `site` (at `root`) and every
/// actor's portrait, makes them responsive, and adds the files they need
/// (files beside notes, resized copies) to `assets` (kept sorted by output
/// path). Returns what pages need of each image, and how many copies were
/// encoded.
pub fn check_site(
    root: &Path,
    site: &crate::model::Site,
    assets: &mut Vec<(String, Asset)>,
    diags: &mut Diagnostics,
) -> (ImageTable, ImageCount) {
    let mut shown = Vec::new();
    if let Some(home) = &site.home {
        shown.extend(check_body(root, &home.path, &home.text, home.body_offset, diags));
    }
    for note in notes_with_images(site) {
        shown.extend(check_body(root, &note.path, &note.text, note.body_offset, diags));
        if let crate::note::Meta::Actor(crate::note::ActorMeta { image: Some(image), .. }) = &note.meta {
            shown.extend(checked(root, &note.path, &note.text, image.pos, &image.value, "portrait", diags));
        }
    }
    let count = ImageCount::default();
    if shown.is_empty() {
        return (ImageTable::new(), count);
    }
    // Each file once, at the first place that shows it.
    let mut first: std::collections::BTreeMap<&str, &Shown> = std::collections::BTreeMap::new();
    for s in &shown {
        first.entry(s.file.output.as_str()).or_insert(s);
    }
    let made: Vec<(&Shown, Result<Option<responsive::Made>, String>)> = {
        use rayon::prelude::*;
        let list: Vec<&Shown> = first.into_values().collect();
        list.into_par_iter().map(|s| (s, responsive::make(root, &s.file, &count))).collect()
    };
    let mut table = ImageTable::new();
    for (s, result) in made {
        if s.file.source.starts_with("content") {
            assets.push((s.file.output.clone(), Asset::Copy(root.join(&s.file.source))));
        }
        match result {
            Ok(Some(made)) => {
                assets.extend(made.assets);
                table.insert(s.file.output.clone(), std::sync::Arc::new(made.image));
            }
            Ok(None) => {}
            Err(why) => diags.push(
                s.error(format!("image `{}` {why}", s.dest))
                    .with_help("save it again as a PNG, JPEG, WebP, GIF or SVG file that opens in an image viewer"),
            ),
        }
    }
    assets.sort_by(|a, b| a.0.cmp(&b.0));
    assets.dedup_by(|a, b| a.0 == b.0);
    (table, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_static_or_the_notes_folder() {
        let note = Path::new("content/statements/a.md");
        let c = image_file("/img/x.png", note);
        assert_eq!(c, Some(ImageFile { source: "static/img/x.png".into(), output: "img/x.png".into() }));
        let c = image_file("../sources/scan%201.png", note);
        assert_eq!(
            c,
            Some(ImageFile { source: "content/sources/scan 1.png".into(), output: "sources/scan 1.png".into() })
        );
        assert_eq!(image_file("https://example.org/x.png", note), None);
        assert_eq!(image_file("data:image/png;base64,AAAA", note), None);
        assert_eq!(image_file("../../../x.png", note), None);
        assert_eq!(page_src("x.png?v=2", note, "../../").as_deref(), Some("../../statements/x.png?v=2"));
    }

    #[test]
    fn a_missing_image_is_an_error_at_its_place_and_no_alt_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/here.png"), "png").unwrap();
        let text = "+++\ntitle = \"A\"\n+++\n\nSee ![a map](/here.png) and ![](gone.png).\n";
        let mut diags = Diagnostics::default();
        let path = Path::new("content/events/a.md");
        let found = check_body(dir.path(), path, text, 20, &mut diags);
        assert_eq!(found.iter().map(|s| s.dest.as_str()).collect::<Vec<_>>(), ["/here.png"]);
        let found: Vec<String> = diags.iter().map(|d| format!("{} {}", d.location(), d.is_error())).collect();
        assert_eq!(found, ["content/events/a.md:5:29 true", "content/events/a.md:5:29 false"]);
    }
}
