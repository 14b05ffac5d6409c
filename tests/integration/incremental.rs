//! Incremental rebuilds equal full builds: random sequences of edits,
//! renames, creations and deletions applied to a fixture site, and after
//! each step the pages a `Rebuilder` keeps and renders compared byte for
//! byte with a fresh full build.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use readout::{BuildOptions, Rebuilder, Rebuilt};

use crate::common::fixture;

/// One change to the site, with numbers that pick what it applies to.
#[derive(Debug, Clone)]
enum Step {
    AppendToBody(usize, usize),
    ReplaceBody(usize, usize),
    RenameActor(usize, usize),
    Retitle(usize, usize),
    NewStatement(usize, usize),
    NewActor(usize, usize),
    NewCountry(usize),
    Delete(usize),
    MoveFile(usize, usize),
    Redate(usize, usize),
    ToggleDraft(usize),
    NewSpeaker(usize, usize),
    LinkInPoint(usize),
    AddHeading(usize, usize),
    EditHome(usize),
    EditConfig(usize),
    /// Takes the themes out of `site.toml`, or puts them back: statements'
    /// bodies are then made at parse time, or rendered with their theme words marked.
    ToggleThemes,
    EditTemplate(usize),
    /// A template that shows what a card names of other notes (an event's
    /// actors' countries): renaming a country must reach the event's page.
    TemplateShowsCountries(usize),
    /// The template every page extends, or the one that defines the components.
    EditSharedTemplate(usize),
    /// A new template, included by the event page's (the set of templates changes).
    IncludePartial(usize),
    /// A comparison point's words, with a link or a quotation.
    EditPoint(usize, usize),
    /// A theme's words in `site.toml`.
    EditThemeWords(usize),
    /// A sentence that links two notes, then one of them renamed.
    LinkTwoThenRename(usize, usize, usize),
    EditStyle(usize),
    /// An image beside a note, shown in its body.
    ShowImage(usize),
    /// The images' files replaced with ones of another size (the notes unchanged).
    ReplaceImage(usize, usize),
    /// A portrait in `static/` given to an actor.
    ShowPortrait(usize),
    Nothing,
}

fn step() -> impl Strategy<Value = Step> {
    let n = || 0..64usize;
    prop_oneof![
        4 => (n(), n()).prop_map(|(a, b)| Step::AppendToBody(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Step::ReplaceBody(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Step::RenameActor(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Step::Retitle(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Step::NewStatement(a, b)),
        1 => (n(), n()).prop_map(|(a, b)| Step::NewActor(a, b)),
        1 => n().prop_map(Step::NewCountry),
        1 => n().prop_map(Step::Delete),
        1 => (n(), n()).prop_map(|(a, b)| Step::MoveFile(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Step::Redate(a, b)),
        1 => n().prop_map(Step::ToggleDraft),
        1 => (n(), n()).prop_map(|(a, b)| Step::NewSpeaker(a, b)),
        1 => n().prop_map(Step::LinkInPoint),
        1 => (n(), n()).prop_map(|(a, b)| Step::AddHeading(a, b)),
        1 => n().prop_map(Step::EditHome),
        1 => n().prop_map(Step::EditConfig),
        1 => Just(Step::ToggleThemes),
        1 => n().prop_map(Step::EditTemplate),
        1 => n().prop_map(Step::TemplateShowsCountries),
        1 => n().prop_map(Step::EditSharedTemplate),
        1 => n().prop_map(Step::IncludePartial),
        2 => (n(), n()).prop_map(|(a, b)| Step::EditPoint(a, b)),
        1 => n().prop_map(Step::EditThemeWords),
        3 => (n(), n(), n()).prop_map(|(a, b, c)| Step::LinkTwoThenRename(a, b, c)),
        1 => n().prop_map(Step::EditStyle),
        2 => n().prop_map(Step::ShowImage),
        3 => (n(), n()).prop_map(|(a, b)| Step::ReplaceImage(a, b)),
        1 => n().prop_map(Step::ShowPortrait),
        1 => Just(Step::Nothing),
    ]
}

/// The site's notes of one kind folder (or all), as paths relative to the root.
fn notes(root: &Path, folder: Option<&str>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("content")).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
        let name = entry.file_name().to_string_lossy();
        let in_folder = folder.is_none_or(|f| rel.starts_with(Path::new("content").join(f)));
        if entry.file_type().is_file()
            && name.ends_with(".md")
            && name != "_index.md"
            && !name.starts_with('.')
            && in_folder
        {
            found.push(rel);
        }
    }
    found
}

fn slug_of(rel: &Path) -> String {
    rel.file_stem().unwrap().to_string_lossy().into_owned()
}

fn pick<T: Clone>(list: &[T], i: usize) -> Option<T> {
    (!list.is_empty()).then(|| list[i % list.len()].clone())
}

/// Replaces the first line starting with `key` (TOML `key =` or YAML `key:`).
fn set_line(text: &str, key: &str, value: &str) -> String {
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let yaml = line.starts_with(&format!("{key}:"));
            if !done && (line.starts_with(&format!("{key} =")) || yaml) {
                done = true;
                if yaml { format!("{key}: {}", value.trim_matches('"')) } else { format!("{key} = {value}") }
            } else {
                line.to_string()
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

/// Applies `step` to the site at `root`; returns the paths it changed.
fn apply(root: &Path, step: &Step) -> Vec<PathBuf> {
    let all = notes(root, None);
    let actors = notes(root, Some("actors"));
    let statements = notes(root, Some("statements"));
    let write = |rel: &Path, text: &str| {
        fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
        fs::write(root.join(rel), text).unwrap();
        vec![rel.to_path_buf()]
    };
    let read = |rel: &Path| fs::read_to_string(root.join(rel)).unwrap();
    match *step {
        Step::AppendToBody(a, b) => {
            let Some(rel) = pick(&all, a) else { return Vec::new() };
            let target = pick(&all, b).map(|r| slug_of(&r)).unwrap_or_default();
            let other = pick(&all, a + b).map(|r| slug_of(&r)).unwrap_or_default();
            let addition = match b % 7 {
                0 => "\nMore words here.\n".to_string(),
                1 => format!("\nSee [[{target}]] for more.\n"),
                2 => "\n> the two sides must de-escalate tensions and keep the peace\n".to_string(),
                3 => "\nThey said \"brought to justice\" again.\n".to_string(),
                4 => "\nShe said \"words nobody ever said\" (not in the source).\n".to_string(),
                5 => format!("\nBoth [[{target}]] and [[{other}]] matter here.\n"),
                _ => format!("\nAs [[{target}|they]] put it, justice matters.\n"),
            };
            write(&rel, &(read(&rel) + &addition))
        }
        Step::ReplaceBody(a, b) => {
            // Keeps the front matter; the body loses its links, headings and quotations.
            let Some(rel) = pick(&all, a) else { return Vec::new() };
            let text = read(&rel);
            let delimiter = if text.trim_start_matches('\u{feff}').starts_with("---") { "---" } else { "+++" };
            let Some(end) = text.match_indices(delimiter).nth(1).map(|(i, _)| i + delimiter.len()) else {
                return Vec::new();
            };
            let body = match b % 3 {
                0 => "\nA new body.\n".to_string(),
                1 => format!("\n## Part {b}\n\nWith a heading.\n"),
                _ => String::from("\n"),
            };
            write(&rel, &format!("{}{body}", &text[..end]))
        }
        Step::RenameActor(a, b) => {
            let Some(rel) = pick(&actors, a) else { return Vec::new() };
            write(&rel, &set_line(&read(&rel), "name", &format!("\"Renamed {b}\"")))
        }
        Step::Retitle(a, b) => {
            let Some(rel) = pick(&all, a) else { return Vec::new() };
            write(&rel, &set_line(&read(&rel), "title", &format!("\"Title {b}\"")))
        }
        Step::NewStatement(a, b) => {
            let (Some(speaker), Some(to)) = (pick(&actors, b), pick(&actors, b + 1)) else { return Vec::new() };
            let text = format!(
                "+++\ntitle = \"Statement {a}\"\nspeaker = \"{}\"\ndate = 2025-05-{:02}\nmedium = \"post\"\naddressed_to = [\"{}\"]\nsource = \"wire-story\"\n+++\n\nA new statement about [[{}]].\n\n> keep the peace\n",
                slug_of(&speaker),
                1 + b % 28,
                slug_of(&to),
                slug_of(&to),
            );
            write(Path::new(&format!("content/statements/new-{a}.md")), &text)
        }
        Step::NewActor(a, b) => {
            let country = ["freedonia", "sylvania", ""][b % 3];
            let country = if country.is_empty() { String::new() } else { format!("country = \"{country}\"\n") };
            let text = format!("+++\nname = \"Person {a}\"\nkind = \"person\"\n{country}+++\n\nKnows [[alice]].\n");
            write(Path::new(&format!("content/actors/person-{a}.md")), &text)
        }
        Step::NewCountry(a) => {
            let text = format!("+++\nname = \"Land {a}\"\nkind = \"country\"\n+++\n\nA land.\n");
            write(Path::new(&format!("content/actors/land-{a}.md")), &text)
        }
        Step::Delete(a) => {
            let Some(rel) = pick(&all, a) else { return Vec::new() };
            fs::remove_file(root.join(&rel)).unwrap();
            vec![rel]
        }
        Step::MoveFile(a, b) => {
            let Some(rel) = pick(&all, a) else { return Vec::new() };
            let to = rel.with_file_name(format!("moved-{b}.md"));
            if to == rel {
                return Vec::new();
            }
            fs::rename(root.join(&rel), root.join(&to)).unwrap();
            vec![rel, to]
        }
        Step::Redate(a, b) => {
            let Some(rel) = pick(&statements, a) else { return Vec::new() };
            write(&rel, &set_line(&read(&rel), "date", &format!("2025-0{}-{:02}", 4 + b % 3, 1 + b % 28)))
        }
        Step::ToggleDraft(a) => {
            let Some(rel) = pick(&statements, a) else { return Vec::new() };
            let text = read(&rel);
            let toggled = match text.contains("draft = true\n") {
                true => text.replacen("draft = true\n", "", 1),
                false if text.starts_with("+++\n") => text.replacen("+++\n", "+++\ndraft = true\n", 1),
                false => return Vec::new(),
            };
            write(&rel, &toggled)
        }
        Step::NewSpeaker(a, b) => {
            let (Some(rel), Some(actor)) = (pick(&statements, a), pick(&actors, b)) else { return Vec::new() };
            write(&rel, &set_line(&read(&rel), "speaker", &format!("\"{}\"", slug_of(&actor))))
        }
        Step::LinkInPoint(a) => {
            let rel = PathBuf::from("content/comparisons/alpha-vs-beta.md");
            if !root.join(&rel).exists() {
                return Vec::new();
            }
            let target = pick(&all, a).map(|r| slug_of(&r)).unwrap_or_default();
            write(&rel, &set_line(&read(&rel), "topic", &format!("\"About [[{target}]]\"")))
        }
        Step::AddHeading(a, b) => {
            let Some(rel) = pick(&all, a) else { return Vec::new() };
            write(&rel, &(read(&rel) + &format!("\n## Part {b}\n\nMore.\n")))
        }
        Step::EditHome(a) => {
            let target = pick(&all, a).map(|r| slug_of(&r)).unwrap_or_default();
            write(
                Path::new("content/_index.md"),
                &format!("+++\ntitle = \"Home {a}\"\n+++\n\nStart with [[{target}]].\n"),
            )
        }
        Step::EditConfig(a) => {
            let rel = Path::new("site.toml");
            write(rel, &set_line(&read(rel), "title", &format!("\"Explainer {a}\"")))
        }
        Step::ToggleThemes => {
            let rel = Path::new("site.toml");
            let text = read(rel);
            let toggled = match text.find("[themes]") {
                Some(at) => text[..at].to_string(),
                None => format!("{text}\n[themes]\njustice = [\"justice\"]\nsolidarity = [\"solidarity\"]\n"),
            };
            write(rel, &toggled)
        }
        Step::EditTemplate(a) => {
            let builtin = fs::read_to_string(crate::common::repo_root().join("templates/event.html")).unwrap();
            let edited = builtin.replace("<p class=\"kind\">Event</p>", &format!("<p class=\"kind\">Event {a}</p>"));
            write(Path::new("templates/event.html"), &edited)
        }
        Step::TemplateShowsCountries(a) => {
            let builtin = fs::read_to_string(crate::common::repo_root().join("templates/event.html")).unwrap();
            let shown = format!(
                "{{% for a in actors %}}<p class=\"country\">{a}: {{{{ a.title }}}}{{% if a.country %}} of {{{{ a.country.title }}}}{{% endif %}}</p>{{% endfor %}}{{% endblock main %}}"
            );
            write(Path::new("templates/event.html"), &builtin.replacen("{% endblock main %}", &shown, 1))
        }
        Step::EditSharedTemplate(a) => {
            let (name, from, to) = if a % 2 == 0 {
                ("base.html", "</footer>", format!("<p>Edition {a}</p></footer>"))
            } else {
                ("components.html", "In their words:", format!("In their own words ({a}):"))
            };
            let builtin = fs::read_to_string(crate::common::repo_root().join("templates").join(name)).unwrap();
            assert!(builtin.contains(from), "templates/{name} still has {from:?}");
            write(&Path::new("templates").join(name), &builtin.replacen(from, &to, 1))
        }
        Step::IncludePartial(a) => {
            let builtin = fs::read_to_string(crate::common::repo_root().join("templates/event.html")).unwrap();
            let included = builtin.replacen("{% endblock main %}", "{% include \"part.html\" %}{% endblock main %}", 1);
            let mut touched = write(Path::new("templates/event.html"), &included);
            touched.extend(write(Path::new("templates/part.html"), &format!("<p>Part {a}</p>")));
            touched
        }
        Step::EditPoint(a, b) => {
            let rel = PathBuf::from("content/comparisons/alpha-vs-beta.md");
            if !root.join(&rel).exists() {
                return Vec::new();
            }
            let target = pick(&all, a).map(|r| slug_of(&r)).unwrap_or_default();
            let words = match b % 3 {
                0 => format!("\"See [[{target}]] on this.\""),
                1 => "\"Says \\\"de-escalate tensions\\\" again.\"".to_string(),
                _ => format!("\"Point {b}.\""),
            };
            write(&rel, &set_line(&read(&rel), "left", &words))
        }
        Step::EditThemeWords(a) => {
            let rel = Path::new("site.toml");
            let text = read(rel);
            if !text.contains("[themes]") {
                return Vec::new();
            }
            let words = ["[\"justice\"]", "[\"justice\", \"peace\"]", "[\"keep the peace\"]"][a % 3];
            write(rel, &set_line(&text, "justice", words))
        }
        Step::LinkTwoThenRename(a, b, c) => {
            let (Some(rel), Some(one), Some(two)) = (pick(&all, a), pick(&actors, b), pick(&all, c)) else {
                return Vec::new();
            };
            let sentence = format!("\nBoth [[{}]] and [[{}]] spoke.\n", slug_of(&one), slug_of(&two));
            let mut changed = write(&rel, &(read(&rel) + &sentence));
            if one != rel {
                changed.extend(write(&one, &set_line(&read(&one), "name", &format!("\"Spoken {c}\""))));
            }
            changed
        }
        Step::EditStyle(a) => write(Path::new("static/extra.css"), &format!("/* {a} */ p {{ margin: 0 }}\n")),
        Step::ShowImage(_) | Step::ReplaceImage(..) | Step::ShowPortrait(_) => apply_image(root, step, &all, &actors),
        Step::Nothing => Vec::new(),
    }
}

/// Applies a step that adds or replaces an image; returns the paths it changed.
fn apply_image(root: &Path, step: &Step, all: &[PathBuf], actors: &[PathBuf]) -> Vec<PathBuf> {
    let write = |rel: &Path, text: &str| {
        fs::write(root.join(rel), text).unwrap();
        vec![rel.to_path_buf()]
    };
    let read = |rel: &Path| fs::read_to_string(root.join(rel)).unwrap();
    match *step {
        Step::ShowImage(a) => {
            let Some(rel) = pick(all, a) else { return Vec::new() };
            let image = rel.with_file_name("pic.png");
            if !root.join(&image).exists() {
                crate::images::png(&root.join(&image), 700, 350, a as u8);
            }
            let mut changed = write(&rel, &(read(&rel) + "\n![A picture of the harbour](pic.png)\n"));
            changed.push(image);
            changed
        }
        Step::ReplaceImage(a, b) => {
            let (width, height) = [(300, 200), (700, 350), (1000, 500), (1000, 600)][b % 4];
            let mut images: Vec<PathBuf> = all.iter().map(|rel| rel.with_file_name("pic.png")).collect();
            images.push(PathBuf::from("static/portrait.png"));
            images.sort();
            images.dedup();
            images.retain(|rel| root.join(rel).exists());
            let Some(image) = pick(&images, a) else { return Vec::new() };
            crate::images::png(&root.join(&image), width, height, (a + b) as u8);
            vec![image]
        }
        Step::ShowPortrait(a) => {
            let Some(rel) = pick(actors, a) else { return Vec::new() };
            let text = read(&rel);
            if text.contains("image") {
                return Vec::new();
            }
            let portrait = Path::new("static/portrait.png");
            if !root.join(portrait).exists() {
                crate::images::png(&root.join(portrait), 600, 800, a as u8);
            }
            let (fence, rest) = text.split_at(3);
            let field = if fence == "---" { "\nimage: /portrait.png" } else { "\nimage = \"/portrait.png\"" };
            vec![write(&rel, &format!("{fence}{field}{rest}")).remove(0), portrait.to_path_buf()]
        }
        _ => Vec::new(),
    }
}

fn by_path(pages: Vec<readout::render::Page>) -> BTreeMap<String, Vec<u8>> {
    pages.into_iter().map(|p| (p.path, p.content)).collect()
}

/// Runs `steps` on a copy of the fixture; after each, the incremental
/// result must equal a full build (or both must fail).
fn check_steps(steps: &[Step], live_reload: bool) -> Result<(), TestCaseError> {
    check_steps_with(steps, live_reload, false, false)
}

/// [`check_steps`], with drafts built or not, and with the first build's
/// pages left to be rendered on request (as `serve` starts) or not: then
/// every page not kept is rendered through `Rebuilt::pages`, as `serve`
/// renders a page first asked for, and compared too (the search index,
/// which `serve` makes on its own, is left out).
fn check_steps_with(steps: &[Step], live_reload: bool, drafts: bool, on_request: bool) -> Result<(), TestCaseError> {
    let site = fixture("basic");
    let root = site.path();
    let options = BuildOptions {
        live_reload: live_reload.then(|| "<script>reload()</script>".to_string()),
        drafts,
        ..BuildOptions::new(root)
    };
    let mut rebuilder = if on_request { Rebuilder::on_request() } else { Rebuilder::default() };
    let first = rebuilder.rebuild(&options, None).expect("the fixture builds");
    let mut pages = by_path(first.update.pages);
    let is_index = |path: &String| on_request && readout::search::is_index_path(path);
    for (i, step) in steps.iter().enumerate() {
        let changed = apply(root, step);
        // The check of the pages left for later ends before every other
        // step, and is stopped where it is by the others' rebuild.
        let checked = if on_request && i % 2 == 1 { rebuilder.settle() } else { Ok(()) };
        let incremental = rebuilder.rebuild(&options, Some(&changed));
        let full = readout::generate(&options);
        if on_request && checked.is_ok() && incremental.is_ok() && full.is_err() {
            // A page left for later fails: its check says so.
            prop_assert!(rebuilder.settle().is_err(), "step {i} ({step:?}): a full build fails but the check did not");
            continue;
        }
        match (incremental, full) {
            (Ok(rebuilt), Ok(full)) => {
                if rebuilt.update.full {
                    pages.clear();
                }
                for path in rebuilt.update.removed.iter().chain(&rebuilt.update.pending) {
                    pages.remove(path);
                }
                pages.extend(by_path(rebuilt.update.pages));
                let mut full = by_path(full.pages);
                full.retain(|path, _| !is_index(path));
                pages.retain(|path, _| !is_index(path));
                if on_request {
                    let maker = rebuilt.pages.as_ref().expect("a good rebuild renders pages on request");
                    for path in full.keys().filter(|path| !pages.contains_key(*path)).cloned().collect::<Vec<_>>() {
                        match maker.page(&path) {
                            Some(Ok(made)) => pages.extend(by_path(made)),
                            Some(Err(e)) => prop_assert!(false, "step {i}: /{path} could not be rendered: {e}"),
                            None => prop_assert!(false, "step {i}: /{path} is no page of the rebuilt site"),
                        }
                    }
                }
                let differing: std::collections::BTreeSet<&String> =
                    full.keys().chain(pages.keys()).filter(|path| full.get(*path) != pages.get(*path)).collect();
                prop_assert!(
                    differing.is_empty(),
                    "after step {} ({:?}) of {:?}, these pages differ from a full build: {:?}",
                    i,
                    step,
                    steps,
                    differing
                );
            }
            (Err(_), Err(_)) => {}
            (Ok(_), Err(e)) => {
                prop_assert!(false, "step {i} ({step:?}): a full build fails but the rebuild did not: {e}")
            }
            (Err(e), Ok(_)) => {
                prop_assert!(false, "step {i} ({step:?}): the rebuild fails but a full build did not: {e}")
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn incremental_rebuilds_equal_full_builds(
        steps in prop::collection::vec(step(), 1..24),
        live_reload: bool,
        drafts: bool,
        on_request: bool,
    ) {
        check_steps_with(&steps, live_reload, drafts, on_request)?;
    }
}

/// Replacing an image's file with one of another size (no note edited)
/// renders again the pages that show it: its size and copies changed.
#[test]
fn an_image_replaced_by_one_of_another_size_reaches_the_pages_that_show_it() {
    let steps = [
        Step::ShowImage(0),
        Step::ShowPortrait(1),
        Step::ReplaceImage(0, 2),
        Step::ReplaceImage(1, 0),
        Step::ReplaceImage(0, 3),
    ];
    check_steps(&steps, false).unwrap();
}

/// Builds the fixture, edits the file at `rel` with `edit` and rebuilds:
/// the first build and the rebuild.
fn rebuilt_after_edit(rel: &str, edit: impl FnOnce(String) -> String) -> (Rebuilt, Rebuilt) {
    let site = fixture("basic");
    let options = BuildOptions::new(site.path());
    let mut rebuilder = Rebuilder::default();
    let first = rebuilder.rebuild(&options, None).unwrap();
    let path = site.path().join(rel);
    fs::write(&path, edit(fs::read_to_string(&path).unwrap())).unwrap();
    let rebuilt = rebuilder.rebuild(&options, Some(&[PathBuf::from(rel)])).unwrap();
    (first, rebuilt)
}

/// A body edit renders its own page and the few that show it, not the site.
#[test]
fn a_body_edit_renders_only_the_pages_that_show_it() {
    let (first, rebuilt) = rebuilt_after_edit("content/events/the-call.md", |text| text + "\nA line more.\n");
    assert!(first.update.full);
    let (index, paths): (Vec<&str>, Vec<&str>) =
        rebuilt.update.pages.iter().map(|p| p.path.as_str()).partition(|p| readout::search::is_index_path(p));
    assert!(!rebuilt.update.full);
    assert_eq!(paths, ["events/the-call/index.html"], "only the event's page shows its body");
    // The search index holds the body's words: it is made again.
    assert!(index.iter().any(|p| p.contains("/fragment/")), "the index made again: {index:?}");
    assert_eq!(rebuilt.update.total, first.update.total);
}

/// An edit of one page kind's template renders that kind's pages, and
/// keeps the rest; an edit of the template every page extends renders all.
#[test]
fn a_template_edit_renders_only_the_pages_of_its_kind() {
    let site = fixture("basic");
    let options = BuildOptions::new(site.path());
    let mut rebuilder = Rebuilder::default();
    let first = rebuilder.rebuild(&options, None).unwrap();
    let templates = site.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    let builtin = fs::read_to_string(crate::common::repo_root().join("templates/event.html")).unwrap();
    fs::write(templates.join("event.html"), builtin.replace("<p class=\"kind\">Event</p>", "<p>An event</p>")).unwrap();
    let rebuilt = rebuilder.rebuild(&options, Some(&[PathBuf::from("templates/event.html")])).unwrap();
    let paths: Vec<&str> = rebuilt.update.pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["events/the-call/index.html"], "only the event's page uses event.html");
    assert!(rebuilt.update.pages[0].text().contains("<p>An event</p>"));
    let builtin = fs::read_to_string(crate::common::repo_root().join("templates/base.html")).unwrap();
    fs::write(templates.join("base.html"), builtin.replacen("</footer>", "<p>Edition 2</p></footer>", 1)).unwrap();
    let rebuilt = rebuilder.rebuild(&options, Some(&[PathBuf::from("templates/base.html")])).unwrap();
    // Every page made through base.html (the embeds are not) shows the edit.
    let through_base = |p: &&readout::render::Page| p.path.ends_with(".html") && !p.path.starts_with("embed/");
    let extended = first.update.pages.iter().filter(through_base).count();
    assert!(extended > 10);
    assert_eq!(rebuilt.update.pages.iter().filter(|p| p.text().contains("Edition 2")).count(), extended);
}

/// In `serve` (pages on request, the index made after the reload) a
/// template edit leaves the search index as it is: the index reads no
/// template. Every template edit made the whole index again (its records
/// of every note and its files), which held some 150 MB more while a
/// writer edited a template at 10,000 statements. A body edit still makes it again.
#[test]
fn a_template_edit_in_serve_does_not_make_the_search_index_again() {
    let site = fixture("basic");
    let options = BuildOptions { defer_search: true, ..BuildOptions::new(site.path()) };
    let mut rebuilder = Rebuilder::on_request();
    let first = rebuilder.rebuild(&options, None).unwrap();
    assert!(first.update.search_later, "the first build leaves the index to be made");
    let templates = site.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    let builtin = fs::read_to_string(crate::common::repo_root().join("templates/event.html")).unwrap();
    for edit in 0..2 {
        fs::write(templates.join("event.html"), format!("{builtin}{{# edit {edit} #}}")).unwrap();
        let rebuilt = rebuilder.rebuild(&options, Some(&[PathBuf::from("templates/event.html")])).unwrap();
        assert!(!rebuilt.update.search_later, "template edit {edit} made the search index again");
        assert!(rebuilt.update.search.is_none());
    }
    let note = site.path().join("content/events/the-call.md");
    fs::write(&note, fs::read_to_string(&note).unwrap() + "\nA word never seen: zanzibarite.\n").unwrap();
    let rebuilt = rebuilder.rebuild(&options, Some(&[PathBuf::from("content/events/the-call.md")])).unwrap();
    assert!(rebuilt.update.search_later, "a body edit makes the index again");
}

/// Renaming an actor renders the pages that show the name, and keeps the rest.
#[test]
fn an_actor_rename_renders_the_pages_that_name_the_actor() {
    let (_, rebuilt) =
        rebuilt_after_edit("content/actors/bob.md", |text| text.replace("name: Bob Sample", "name: Robert Sample"));
    let paths: Vec<&str> = rebuilt.update.pages.iter().map(|p| p.path.as_str()).collect();
    for shown in ["actors/bob/index.html", "statements/beta/index.html", "events/the-call/index.html", "index.html"] {
        assert!(paths.contains(&shown), "{shown} names Bob: {paths:?}");
    }
    for not_shown in ["actors/freedonia/index.html", "404.html", "groups.css"] {
        assert!(!paths.contains(&not_shown), "{not_shown} does not name Bob: {paths:?}");
    }
    assert!(rebuilt.update.pages.iter().all(|p| !p.text().contains("Bob Sample")));
}

/// Regression: a note that is edited and then edited back is rendered as
/// it was, not as it was the step before.
#[test]
fn an_edit_undone_renders_the_original_again() {
    check_steps(&[Step::RenameActor(0, 1), Step::RenameActor(0, 2), Step::Nothing], false).unwrap();
    check_steps(&[Step::Delete(3), Step::Nothing, Step::NewActor(1, 1)], true).unwrap();
}

/// Regression: a template edit renders the pages that use it again (it
/// once rendered none), and a shared template's edit every page.
#[test]
fn a_template_edit_renders_the_pages_that_use_it() {
    check_steps(&[Step::EditTemplate(1), Step::EditTemplate(2)], false).unwrap();
    check_steps(&[Step::EditSharedTemplate(0), Step::EditSharedTemplate(1), Step::IncludePartial(2)], false).unwrap();
}

/// Regression: a note's new title shows in the link sentences of the
/// notes that name it, on the pages those sentences link to.
#[test]
fn a_new_title_reaches_the_backlink_sentences_that_show_it() {
    // The comparison's analysis links both statements in one sentence; that
    // sentence is shown on alpha's page, with beta's title in it.
    let (_, rebuilt) = rebuilt_after_edit("content/statements/beta.md", |text| {
        text.replace("title = \"Bob's post\"", "title = \"Bob's reply\"")
    });
    let alpha = rebuilt.update.pages.iter().find(|p| p.path == "statements/alpha/index.html");
    assert!(alpha.is_some_and(|p| p.text().contains("reply looks back")), "alpha's page shows the new title");
}

/// Regression: a sentence that links two notes shows the second one's
/// title on the first one's page; retitling the second must reach it.
#[test]
fn a_new_title_reaches_a_sentence_that_links_two_notes() {
    // the-call gets "Both [[freedonia]] and [[alpha]] matter here.", then alpha is retitled.
    check_steps(&[Step::AppendToBody(5, 12), Step::Retitle(7, 3)], false).unwrap();
}

/// Regression: a comparison point that links a note which is then renamed
/// (its file moved) renders the link as broken text, not as before.
#[test]
fn a_point_linking_a_moved_note_is_rendered_again() {
    // A new statement (index 10) that only the point links; its file then moves.
    check_steps(&[Step::NewStatement(0, 0), Step::LinkInPoint(10), Step::MoveFile(10, 0)], false).unwrap();
}

/// Rebuilds the site at `root` after `edit` changed the file at `rel`, and
/// compares every page the rebuilder then holds with a fresh full build.
fn rebuild_equals_build(root: &Path, rel: &str, edit: impl FnOnce(String) -> String) {
    let options = BuildOptions::new(root);
    let mut rebuilder = Rebuilder::default();
    let mut pages = by_path(rebuilder.rebuild(&options, None).expect("the site builds").update.pages);
    let path = root.join(rel);
    fs::write(&path, edit(fs::read_to_string(&path).unwrap())).unwrap();
    let rebuilt = rebuilder.rebuild(&options, Some(&[PathBuf::from(rel)])).expect("the edited site builds");
    if rebuilt.update.full {
        pages.clear();
    }
    for gone in &rebuilt.update.removed {
        pages.remove(gone);
    }
    pages.extend(by_path(rebuilt.update.pages));
    let full = by_path(readout::generate(&options).expect("a full build").pages);
    let differing: Vec<&String> = full.keys().filter(|p| full.get(*p) != pages.get(*p)).collect();
    assert!(differing.is_empty(), "after editing {rel}, these pages differ from a full build: {differing:?}");
    assert_eq!(pages.len(), full.len());
}

/// Regression: renaming Shehbaz Sharif left the old name in the "mentioned
/// in" sentences on Pete Hegseth's and Rajnath Singh's pages (a backlink
/// sentence that also links to Sharif) until `serve` was restarted.
#[test]
fn renaming_an_actor_named_in_a_backlink_sentence_renders_every_page_showing_it() {
    let site = crate::common::default_site();
    rebuild_equals_build(site.path(), "content/actors/shehbaz-sharif.md", |text| {
        text.replace("name = \"Shehbaz Sharif\"", "name = \"Shahbaz Sharif\"")
    });
    let site = crate::common::default_site();
    rebuild_equals_build(site.path(), "content/actors/marco-rubio.md", |text| {
        text.replace("name = \"Marco Rubio\"", "name = \"Marco A. Rubio\"")
    });
}
