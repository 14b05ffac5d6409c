//! readout: a static-site generator for explainer sites — who said what in
//! a story, and two statements side by side.
//!
//! The build is a pipeline of stages, each in its own module:
//! [`load`] → [`parse`] → [`model`] → [`render`] → [`write`].
//! [`generate`] runs the first four and keeps the result in memory (what
//! `serve` uses); [`build`] also writes it out.

// Diagnostics travel in `Result::Err` on purpose: they are the cold path of
// a build, and boxing each one would only add noise.
#![allow(clippy::result_large_err)]

pub mod analysis;
pub mod cache;
pub mod cards;
pub mod compress;
pub mod config;
pub mod diagnostic;
pub mod eject;
pub mod external;
pub mod images;
pub mod init;
pub mod load;
pub mod model;
pub mod note;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod urls;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use config::{BuildOptions, SiteConfig};
pub use diagnostic::{Diagnostic, Diagnostics};
use note::Kind;
use render::{Page, RenderOptions, Templates};
use write::Asset;

/// Why a build did not finish.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's content or templates (exit code 1).
    Content(Diagnostics),
    /// The output folder was refused (exit code 2).
    Output(write::RefusedOutput),
    /// Reading or writing failed (exit code 2).
    Io { path: PathBuf, error: std::io::Error },
}

impl BuildError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            BuildError::Content(_) => 1,
            BuildError::Output(_) | BuildError::Io { .. } => 2,
        }
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Content(d) => write!(f, "{d}"),
            BuildError::Output(r) => write!(f, "error: {r}"),
            BuildError::Io { path, error } => write!(f, "error: {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for BuildError {}

/// A site generated in memory: every output file, and what was found.
#[derive(Debug, Clone)]
pub struct Generated {
    pub config: SiteConfig,
    pub pages: Vec<Page>,
    /// Static files by output path.
    pub assets: Vec<(String, Asset)>,
    /// Notes per kind.
    pub counts: BTreeMap<Kind, usize>,
    /// Warnings (the build went on).
    pub warnings: Diagnostics,
    /// How long each stage took.
    pub stages: Vec<(&'static str, Duration)>,
    /// The images' resized copies encoded and taken from the cache.
    pub images: ImageWork,
}

/// Times the stages of a build (and the steps of a render).
pub(crate) struct StageClock {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl StageClock {
    pub(crate) fn new() -> Self {
        StageClock { last: Instant::now(), laps: Vec::new() }
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    pub(crate) fn laps(self) -> Vec<(&'static str, Duration)> {
        self.laps
    }
}

impl Generated {
    /// One line: pages per kind.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = Kind::ALL
            .iter()
            .map(|k| {
                let n = self.counts.get(k).copied().unwrap_or(0);
                let name = if n == 1 { k.name().to_string() } else { plural(k.name()) };
                format!("{n} {name}")
            })
            .collect();
        parts.join(", ")
    }
}

fn plural(word: &str) -> String {
    format!("{word}s")
}

/// A site loaded, parsed, linked and checked, ready to render.
struct Prepared {
    site: model::Site,
    templates: Arc<Templates>,
    assets: Vec<(String, Asset)>,
    warnings: Diagnostics,
    clock: StageClock,
    render_options: RenderOptions,
    images: ImageWork,
}

/// How many resized copies of images a build encoded, and how many it
/// took from `.readout-cache/images/`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageWork {
    pub encoded: usize,
    pub cached: usize,
}

impl Prepared {
    fn into_generated(self, pages: Vec<Page>) -> Generated {
        let Prepared { site, templates, assets, warnings, clock, images, .. } = self;
        let counts = counts(&site);
        let config = site.config.clone();
        let generated = Generated { config, pages, assets, counts, warnings, stages: clock.laps, images };
        drop_later((site, templates));
        generated
    }
}

/// How many notes of each kind the site has.
fn counts(site: &model::Site) -> BTreeMap<Kind, usize> {
    let mut counts = BTreeMap::new();
    for n in &site.notes {
        *counts.entry(n.kind()).or_insert(0) += 1;
    }
    counts
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`,
/// mimalloc.h): how long freed memory is kept before it goes back to the
/// system. A one-shot build keeps it (`main.rs`); `serve` hands it back
/// at once once its site is served (`serve/memory.rs`).
pub const MIMALLOC_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Frees `value` on another thread: a linked site is many small
/// allocations, and neither a one-shot build nor a rebuild need wait for them.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// [`prepare`] for a one-shot build: nothing is kept for a next one.
fn prepare_once(options: &BuildOptions) -> Result<Prepared, BuildError> {
    let mut keep = Rebuilder::default();
    let prepared = prepare(options, &mut keep, None);
    drop_later(keep);
    prepared
}

/// What one build keeps for the next, so that a rebuild redoes only what
/// a change touched: it reads again only the changed files, parses only
/// the notes whose text changed (a note's parse depends on its path and
/// text alone), keeps the compiled templates while they are unchanged,
/// and renders only the pages whose HTML can change. `serve` keeps one.
#[derive(Default)]
pub struct Rebuilder {
    loaded: Option<load::Loaded>,
    parsed: ParseCache,
    /// The site's templates as read (name, text), and what they compiled to.
    templates: Option<(TemplateTexts, Arc<Templates>)>,
    quotations: model::QuotationMemo,
    pages: render::Memo,
    /// What every page depends on, as of the last good render.
    inputs: Option<Inputs>,
}

/// What every page depends on: a change to any renders every page.
struct Inputs {
    config: SiteConfig,
    options: RenderOptions,
    drafts: bool,
    /// Compiled again only when a template changed.
    templates: Arc<Templates>,
}

impl Inputs {
    /// What changed from these inputs to `now`, besides the notes: a
    /// template's text renders the pages that use it, anything else every page.
    fn change_to(&self, now: &Inputs) -> render::Change {
        if self.config != now.config || self.options != now.options || self.drafts != now.drafts {
            return render::Change::Everything;
        }
        if Arc::ptr_eq(&self.templates, &now.templates) {
            return render::Change::Notes;
        }
        match now.templates.changed_since(&self.templates) {
            Some(names) => render::Change::Templates(names),
            None => render::Change::Everything,
        }
    }
}

/// Each note's last parse by path (as bytes: hashing a `Path` walks its
/// components): the text parsed, whether its HTML was made, and the result.
type ParseCache = rustc_hash::FxHashMap<std::ffi::OsString, (Arc<str>, parse::BodyHtml, Parsed)>;

/// A site's templates by name, as read.
type TemplateTexts = Vec<(String, String)>;

/// A note as parsed, or why it could not be.
type Parsed = Result<Arc<note::Note>, Vec<Diagnostic>>;

/// What a rebuild made.
#[derive(Debug)]
pub struct Rebuilt {
    pub config: SiteConfig,
    /// The pages rendered (all of them, or those that changed) and the pages gone.
    pub update: render::Update,
    /// Static files by output path.
    pub assets: Vec<(String, Asset)>,
    pub counts: BTreeMap<Kind, usize>,
    pub warnings: Diagnostics,
    pub stages: Vec<(&'static str, Duration)>,
    /// Where the site's social cards are kept (`serve` draws them when asked for).
    pub card_cache: PathBuf,
    /// What renders any page of this site when it is asked for (the pages
    /// of `update.pending`, or any other).
    pub pages: Option<render::PageMaker>,
}

impl Rebuilder {
    /// A rebuilder whose first build renders no page but leaves each to
    /// be rendered when asked for ([`Rebuilt::pages`]), while every page
    /// is rendered on a thread of its own to check it ([`Rebuilder::settle`]).
    pub fn on_request() -> Rebuilder {
        Rebuilder { pages: render::Memo::on_request(), ..Rebuilder::default() }
    }

    /// Waits for the check of the pages left to be rendered when asked
    /// for (every page after the first build): the errors of its pages, if
    /// any (the next build then renders every page again).
    pub fn settle(&mut self) -> Result<(), BuildError> {
        self.pages.settle().map_err(|errors| self.failed_check(errors))
    }

    /// The end of the check of the pages left for later, if one runs: to
    /// wait for, then to [`Rebuilder::settle_ended`].
    pub fn check_end(&self) -> Option<render::CheckEnd> {
        self.pages.check_end()
    }

    /// [`Rebuilder::settle`] for the check that `end` ends, if it has
    /// ended and no build since has taken it over.
    pub fn settle_ended(&mut self, end: &render::CheckEnd) -> Result<(), BuildError> {
        self.pages.settle_ended(end).map_err(|errors| self.failed_check(errors))
    }

    fn failed_check(&mut self, errors: Diagnostics) -> BuildError {
        self.inputs = None;
        BuildError::Content(errors)
    }

    /// Brings the site up to date. `changed` lists the paths (relative to
    /// the site's root) that changed since the last call; `None` reads
    /// everything again.
    pub fn rebuild(&mut self, options: &BuildOptions, changed: Option<&[PathBuf]>) -> Result<Rebuilt, BuildError> {
        let mut p = prepare(options, self, changed)?;
        let inputs = Inputs {
            config: p.site.config.clone(),
            options: p.render_options.clone(),
            drafts: options.drafts,
            templates: Arc::clone(&p.templates),
        };
        let change = self.inputs.as_ref().map_or(render::Change::Everything, |last| last.change_to(&inputs));
        let config = p.site.config.clone();
        let counts = counts(&p.site);
        let update =
            self.pages.render(p.site, &p.templates, &p.render_options, &change).map_err(BuildError::Content)?;
        self.inputs = Some(inputs);
        p.clock.lap("render");
        p.clock.laps.extend(update.stages.iter().copied());
        let card_cache = cards::cache_dir(&options.root, &config);
        let pages = self.pages.pages(&p.templates, &p.render_options);
        let (assets, warnings, stages) = (p.assets, p.warnings, p.clock.laps);
        Ok(Rebuilt { config, update, assets, counts, warnings, stages, card_cache, pages })
    }
}

/// Loads, parses, links and renders the site, all in memory.
pub fn generate(options: &BuildOptions) -> Result<Generated, BuildError> {
    let mut p = prepare_once(options)?;
    let pages = render::render(&p.site, &p.templates, &p.render_options).map_err(BuildError::Content)?;
    p.clock.lap("render");
    Ok(p.into_generated(pages))
}

/// Everything before rendering: load, parse, model, templates, and the
/// checks that need them all.
fn prepare(options: &BuildOptions, keep: &mut Rebuilder, changed: Option<&[PathBuf]>) -> Result<Prepared, BuildError> {
    let root = &options.root;
    if !root.is_dir() {
        return Err(BuildError::Io {
            path: root.clone(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "no site folder here"),
        });
    }
    if let Some(missing) = config::missing_site_toml(root) {
        return Err(missing);
    }
    let mut clock = StageClock::new();
    let loaded = match (keep.loaded.take(), changed) {
        (Some(mut loaded), Some(changed)) => {
            loaded.update(root, changed);
            loaded
        }
        _ => load::Loaded::new(root),
    };
    let mut diags = Diagnostics::default();
    diags.extend(loaded.errors());
    let files = &keep.loaded.insert(loaded).files;
    clock.lap("load");

    let config = site_config(files, options, &mut diags);
    let (notes, unreadable) = parse_notes(files, &config, &mut keep.parsed, &mut diags);
    let home = match &files.home {
        Some((path, text)) => match parse::parse_home(path, Arc::clone(text)) {
            Ok(home) => Some(home),
            Err(errors) => {
                diags.extend(errors);
                None
            }
        },
        None => None,
    };
    clock.lap("parse");

    // After edits to bodies only, the last site is patched; otherwise (and
    // whenever that finds a problem to report) every note is linked.
    let relinked = match keep.pages.site() {
        Some(last) if unreadable.is_empty() => {
            model::relink(last, &config, &home, &notes, options.drafts, &mut keep.quotations)
        }
        _ => None,
    };
    let (mut site, model_diags) = match relinked {
        Some(done) => done,
        None => model::link_with(config, home, notes, options.drafts, &unreadable, &mut keep.quotations),
    };
    diags.extend(model_diags.0);
    clock.lap("model");

    let templates = compile_templates(files, &mut keep.templates, &mut diags);
    if diags.has_errors() {
        diags.sort();
        return Err(BuildError::Content(diags));
    }
    let templates = templates.expect("templates compiled when there are no errors");
    let mut assets = site_assets(files, &site, &mut diags);
    clock.lap("assets");
    let (images, image_count) = images::check_site(root, &site, &mut assets, &mut diags);
    site.images = Arc::new(images);
    clock.lap("images");
    diags.sort();
    if diags.has_errors() {
        return Err(BuildError::Content(diags));
    }
    let render_options = RenderOptions {
        live_reload: options.live_reload.clone(),
        defer_search: options.defer_search,
        card_cache: None,
    };
    let images = ImageWork { encoded: image_count.encoded(), cached: image_count.cached() };
    Ok(Prepared { site, templates, assets, warnings: diags, clock, render_options, images })
}

/// `site.toml` read (its defaults, after an error or when there is none),
/// with the options' base URL put over its own.
fn site_config(files: &load::SiteFiles, options: &BuildOptions, diags: &mut Diagnostics) -> SiteConfig {
    let mut config = match &files.config {
        Some((path, text)) => SiteConfig::parse(path, text).unwrap_or_else(|errors| {
            diags.extend(errors);
            SiteConfig::default()
        }),
        None => {
            diags.push(
                Diagnostic::file_error(Path::new("site.toml"), format!("no site.toml in {}", options.root.display()))
                    .with_help(
                        "run readout in the site's folder, pass --root, or create site.toml with `title = \"…\"`",
                    ),
            );
            SiteConfig::default()
        }
    };
    if let Some(base) = &options.base_url {
        config.base_url = config::normalize_base_url(base);
    }
    config
}

/// Every note parsed, in the files' order, and the slugs of those that
/// could not be. A note whose text is the one parsed last time is taken
/// from `cache` (a parse depends only on the path and the text).
fn parse_notes(
    files: &load::SiteFiles,
    config: &SiteConfig,
    cache: &mut ParseCache,
    diags: &mut Diagnostics,
) -> (Vec<Arc<note::Note>>, std::collections::HashSet<String>) {
    // A body's HTML is made while it is parsed unless its page marks words
    // in it: a statement's, when the site has themes.
    let html_for = |kind: Kind| match kind {
        Kind::Statement if !config.themes.is_empty() => parse::BodyHtml::Skip,
        _ => parse::BodyHtml::Make,
    };
    // Each note's parse, and whether it was made (or its text read) anew.
    let parsed: Vec<(Parsed, bool)> = files
        .notes
        .par_iter()
        .map(|f| {
            let html = html_for(f.kind);
            match cache.get(f.path.as_os_str()) {
                Some((text, made, parsed)) if *made == html && Arc::ptr_eq(text, &f.text) => (parsed.clone(), false),
                Some((text, made, parsed)) if *made == html && **text == *f.text => (parsed.clone(), true),
                _ => (parse::parse_note_with(f.kind, &f.slug, &f.path, Arc::clone(&f.text), html).map(Arc::new), true),
            }
        })
        .collect();
    // Entries of deleted files stay until there are many: a parse depends
    // only on the path and the text, so an old entry is never wrong.
    let cleared = cache.len() > 2 * files.notes.len();
    if cleared {
        cache.clear();
    }
    for (f, (p, fresh)) in files.notes.iter().zip(&parsed) {
        if *fresh || cleared {
            cache.insert(f.path.as_os_str().to_owned(), (Arc::clone(&f.text), html_for(f.kind), p.clone()));
        }
    }
    let mut notes = Vec::with_capacity(parsed.len());
    // Links to a note in the wrong place get no error of their own: it has one.
    let mut unreadable: std::collections::HashSet<String> = files.misplaced.iter().cloned().collect();
    for ((r, _), file) in parsed.into_iter().zip(&files.notes) {
        match r {
            Ok(n) => notes.push(n),
            Err(errors) => {
                unreadable.insert(file.slug.clone());
                diags.extend(errors);
            }
        }
    }
    (notes, unreadable)
}

/// The site's templates compiled, or the ones compiled last time while
/// their texts are the same; `None` after errors.
fn compile_templates(
    files: &load::SiteFiles,
    last: &mut Option<(TemplateTexts, Arc<Templates>)>,
    diags: &mut Diagnostics,
) -> Option<Arc<Templates>> {
    let unchanged = |texts: &TemplateTexts| {
        texts.iter().map(|(n, t)| (n, t)).eq(files.templates.iter().map(|f| (&f.name, &f.text)))
    };
    match last {
        Some((texts, compiled)) if unchanged(texts) => Some(Arc::clone(compiled)),
        _ => match Templates::compile(&files.templates) {
            Ok(t) => {
                let t = Arc::new(t);
                let texts = files.templates.iter().map(|f| (f.name.clone(), f.text.clone())).collect();
                *last = Some((texts, Arc::clone(&t)));
                Some(t)
            }
            Err(errors) => {
                diags.extend(errors);
                None
            }
        },
    }
}

/// The files copied as they are, by output path: the built-in ones, then
/// `static/` over them. A static file in a page's place is an error.
fn site_assets(files: &load::SiteFiles, site: &model::Site, diags: &mut Diagnostics) -> Vec<(String, Asset)> {
    let mut assets: BTreeMap<String, Asset> =
        render::templates::BUILTIN_STATIC.iter().map(|(path, text)| (path.to_string(), Asset::Builtin(text))).collect();
    for s in &files.statics {
        assets.insert(s.output.clone(), Asset::Copy(s.source.clone()));
    }
    diags.extend(render::templates::shadowed_builtins(
        files.statics.iter().map(|s| (s.output.as_str(), s.source.as_path())),
    ));
    for s in &files.statics {
        if render::is_page_path(site, &s.output) {
            diags.push(
                Diagnostic::file_error(
                    &Path::new("static").join(&s.output),
                    format!("this static file would overwrite the page /{}", s.output),
                )
                .with_help("rename or move the static file"),
            );
        }
    }
    assets.into_iter().collect()
}

/// "load 3 ms, parse 1 ms, …": each stage's time.
pub fn stage_times(stages: &[(&'static str, Duration)]) -> String {
    let parts: Vec<String> =
        stages.iter().map(|(stage, t)| format!("{stage} {:.1} ms", t.as_secs_f64() * 1000.0)).collect();
    parts.join(", ")
}

/// How many social cards a build drew, and how many it took from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardWork {
    pub drawn: usize,
    pub cached: usize,
    /// Cards the cache held that no page of this build shows, removed.
    pub pruned: usize,
}

/// What a finished build did.
#[derive(Debug)]
pub struct BuildReport {
    /// What was built; its `pages` are empty, since they went to disk as rendered.
    pub generated: Generated,
    /// The social cards drawn and taken from the cache.
    pub cards: CardWork,
    /// Pages the output holds.
    pub pages: usize,
    /// Files the output holds: its pages, the search index's files and static files (compressed copies left out).
    pub files: usize,
    /// Files whose bytes this build wrote, compressed copies included: on
    /// a rebuild, only those that changed (none, when nothing did).
    pub written: usize,
    /// Files the build before held and this one does not, removed.
    pub removed: usize,
    /// The search index's files and bytes, when the site has search on.
    pub search: Option<(usize, usize)>,
    pub output: PathBuf,
    pub elapsed: Duration,
}

impl BuildReport {
    /// The one summary line printed at the end of a build.
    /// Each stage's time, for `-v`.
    pub fn stage_times(&self) -> String {
        stage_times(&self.generated.stages)
    }

    pub fn summary(&self) -> String {
        let images = self.generated.images;
        let resized = match images.encoded + images.cached {
            0 => String::new(),
            _ => format!(", image copies: {} resized, {} from the cache", images.encoded, images.cached),
        };
        let search = match self.search {
            Some((files, bytes)) => format!(", search index {files} files ({:.1} kB)", bytes as f64 / 1000.0),
            None => String::new(),
        };
        let cards = match self.cards.drawn + self.cards.cached {
            0 => String::new(),
            _ => format!(", cards: {} drawn, {} from the cache", self.cards.drawn, self.cards.cached),
        };
        let cards = match self.cards.pruned {
            0 => cards,
            1 => format!("{cards}, 1 card no page shows removed from the cache"),
            n => format!("{cards}, {n} cards no page shows removed from the cache"),
        };
        format!(
            "built {} pages ({}) — {} files, {} written, {} removed{search}{cards}, in {} ms{resized} → {}",
            self.pages,
            self.generated.summary(),
            self.files,
            self.written,
            self.removed,
            self.elapsed.as_millis(),
            self.output.display()
        )
    }
}

/// Builds the site and writes it to the output folder. `on_wait` is called
/// if another build holds the output's lock. Pages go to disk as they are
/// rendered, into a folder that replaces the output only when complete.
pub fn build(options: &BuildOptions, on_wait: impl FnOnce()) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    // Reading and checking the site needs no lock: only writing does.
    let mut p = prepare_once(options)?;
    let output = options.output_dir(&p.site.config);
    write::check_output(&options.root, &output).map_err(BuildError::Output)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| BuildError::Io { path, error }
    };
    let lock = write::lock(&output, on_wait).map_err(io(&output))?;
    let mut render_error = None;
    let write_options = write::WriteOptions { compress: p.site.config.compress };
    let index = search::IndexSize::default();
    let cards = cards::CardCache::new(cards::cache_dir(&options.root, &p.site.config));
    // The cards the cache holds go to the output as its files, unrendered.
    p.render_options.card_cache = Some(cards.dir().to_path_buf());
    let written = write::write_with_options(&output, &p.assets, write_options, |sink| {
        let sink = |page: Page| {
            index.count(&page);
            sink(cards.draw(page)?)
        };
        match render::render_each(&p.site, &p.templates, &p.render_options, &sink) {
            Ok(n) => Ok(n),
            Err(render::RenderError::Sink(e)) => Err(e),
            Err(render::RenderError::Content(d)) => {
                render_error = Some(d);
                Err(std::io::Error::other("template errors"))
            }
        }
    });
    drop(lock);
    if let Some(d) = render_error {
        return Err(BuildError::Content(d));
    }
    let written = written.map_err(io(&output))?;
    p.clock.lap("render and write");
    let search = p.site.config.search.then(|| index.get());
    // The index's route is one of the pages rendered, and writes its files.
    let pages = written.pages - usize::from(search.is_some());
    let generated = p.into_generated(Vec::new());
    let (drawn, cached) = cards.counts();
    // The cache keeps what this build shows; one that cannot be pruned only keeps more.
    let pruned = cards.prune().unwrap_or(0);
    Ok(BuildReport {
        generated,
        cards: CardWork { drawn, cached, pruned },
        pages,
        files: pages + search.map_or(0, |(files, _)| files) + written.assets,
        written: written.written,
        removed: written.removed,
        search,
        output,
        elapsed: started.elapsed(),
    })
}

/// Checks the site as `build` would — every page is rendered, so template
/// errors are found — writing and keeping nothing. The pages of the result
/// are empty; it counts them.
pub fn check(options: &BuildOptions) -> Result<CheckReport, BuildError> {
    let mut p = prepare_once(options)?;
    let pages = match render::render_each(&p.site, &p.templates, &p.render_options, &|_| Ok(())) {
        Ok(n) => n,
        Err(render::RenderError::Content(d)) => return Err(BuildError::Content(d)),
        Err(render::RenderError::Sink(error)) => return Err(BuildError::Io { path: options.root.clone(), error }),
    };
    p.clock.lap("render");
    Ok(CheckReport { generated: p.into_generated(Vec::new()), pages })
}

/// What `check` found: the site's counts and warnings, and how many pages it would write.
#[derive(Debug)]
pub struct CheckReport {
    pub generated: Generated,
    pub pages: usize,
}
