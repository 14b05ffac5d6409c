//! Embeds: the page another site puts in an `<iframe>` (a comparison's two
//! statements side by side, or one statement), the code a comparison's
//! page offers to copy, and the oEmbed answer (JSON, type `rich`, oEmbed
//! 1.0) that lets a site ask for that code by the page's address.

use tera::{Context, Value};

use super::context::map;
use super::reads::PageReads;
use crate::model::NoteId;
use crate::note::Meta;
use crate::urls::{self, NoteFile};

/// The height the embed code gives the frame before its page says how tall it is.
const HEIGHT: u32 = 480;
/// The width oEmbed is told (the frame is as wide as its column, up to this).
const WIDTH: u32 = 720;

/// The script a page that embeds readout's frames runs once: it sets each
/// frame's height to what the frame's page says (by `postMessage`) it needs.
const RESIZE: &str = "<script>addEventListener(\"message\",function(e){var d=e.data;if(!d||d.readout!==\"height\")\
return;document.querySelectorAll(\"iframe[data-readout-embed]\").forEach(function(f){if(f.contentWindow===e.source)\
f.style.height=Math.ceil(d.height)+\"px\"})})</script>";

/// The `<iframe>` code that embeds note `id`'s embed page (with the script
/// that resizes it).
pub(super) fn code(reads: &PageReads, id: NoteId) -> String {
    let name = reads.name(id);
    let src = urls::absolute(&reads.config().base_url, &urls::note_file_url(NoteFile::Embed, name.url));
    let title = format!("{} ({})", name.title, reads.config().title);
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{HEIGHT}\" loading=\"lazy\" \
         style=\"border:0;max-width:{WIDTH}px\" data-readout-embed></iframe>\n{RESIZE}",
        attr(&src),
        attr(&title)
    )
}

/// Text for an HTML attribute in double quotes.
fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    super::markdown::escape_into(&mut out, text);
    out
}

/// What every embed page gets: the site's title, the full page's absolute
/// address, its title.
fn base(reads: &PageReads, id: NoteId) -> Context {
    let mut c = Context::new();
    let name = reads.name(id);
    c.insert_value("site", reads.shared().site.clone());
    c.insert_value(
        "page",
        map([
            ("title", name.title.into()),
            ("full", urls::absolute(&reads.config().base_url, name.url).into()),
            ("kind", name.kind.name().into()),
        ]),
    );
    c
}

/// One statement as an embed shows it: speaker, when, colour, its own
/// words (each passage) or, for a paraphrase, its context.
fn side(reads: &PageReads, id: NoteId) -> Value {
    let head = reads.head(id);
    let Meta::Statement(s) = head.meta() else { return Value::none() };
    let speaker = reads.find(&s.speaker.value).map_or(s.speaker.value.as_str(), |a| reads.name(a).title);
    let when = [head.date_display(), Some(s.medium.label().to_string())].into_iter().flatten();
    let words = super::describe::shown_passages(reads, id);
    let (words, quoted): (Vec<String>, bool) = if words.is_empty() {
        (vec![super::describe::context_text(reads, id)], false)
    } else {
        (words.into_iter().map(str::to_string).collect(), true)
    };
    let colour = reads.shared().colour(reads.name(id).group).map_or_else(Value::none, Value::from);
    map([
        ("title", head.title().into()),
        ("speaker", speaker.into()),
        ("when", when.collect::<Vec<_>>().join(" · ").into()),
        ("colour", colour),
        ("words", Value::from(words)),
        ("quoted", quoted.into()),
    ])
}

/// A comparison's embed page: its two statements side by side.
pub(super) fn comparison(reads: &PageReads, id: NoteId) -> Context {
    let mut c = base(reads, id);
    let mut sides = Vec::new();
    if let Meta::Comparison(cmp) = reads.head(id).meta() {
        for slug in [&cmp.left.value, &cmp.right.value] {
            sides.extend(reads.find(slug).map(|sid| side(reads, sid)));
        }
    }
    c.insert_value("sides", Value::from(sides));
    c
}

/// A statement's embed page: the statement alone.
pub(super) fn statement(reads: &PageReads, id: NoteId) -> Context {
    let mut c = base(reads, id);
    c.insert_value("sides", Value::from(vec![side(reads, id)]));
    c
}

/// The oEmbed answer for note `id`'s page: type `rich`, its embed code,
/// and its card as the thumbnail when the site draws one.
pub(super) fn oembed(reads: &PageReads, id: NoteId) -> String {
    let config = reads.config();
    let name = reads.name(id);
    let mut answer = serde_json::json!({
        "version": "1.0",
        "type": "rich",
        "title": name.title,
        "provider_name": config.title,
        "provider_url": config.base_url,
        "html": code(reads, id),
        "width": WIDTH,
        "height": HEIGHT,
    });
    if let Meta::Statement(s) = reads.head(id).meta()
        && let Some(speaker) = reads.find(&s.speaker.value)
    {
        let speaker = reads.name(speaker);
        answer["author_name"] = speaker.title.into();
        answer["author_url"] = urls::absolute(&config.base_url, speaker.url).into();
    }
    if let Some(card) = crate::cards::card_url(config, name.url) {
        answer["thumbnail_url"] = urls::absolute(&config.base_url, &card).into();
        answer["thumbnail_width"] = crate::cards::WIDTH.into();
        answer["thumbnail_height"] = crate::cards::HEIGHT.into();
    }
    let mut text = serde_json::to_string_pretty(&answer).expect("JSON of strings and numbers");
    text.push('\n');
    text
}
