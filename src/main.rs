//! The `readout` command line. It only parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use readout::BuildOptions;
use readout::MIMALLOC_PURGE_DELAY as PURGE_DELAY;
use readout::note::Kind;
#[cfg(feature = "serve")]
use readout::serve;

/// A build makes and frees many small values (parsed notes, template
/// values, pages) on every core; mimalloc serves that faster than the
/// system's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// For a one-shot command (`build`, `check`; `serve` keeps mimalloc's
/// defaults, and hands freed memory back at once once its site is served):
/// - memory freed during the build is kept for reuse instead of being
///   handed back to the system, which would only fault it in again (the
///   process ends soon after);
/// - no transparent huge pages. Each is faulted in whole; on a virtual
///   machine that hands freed memory back to its host, backing one again
///   costs milliseconds, far more than the small pages a build touches
///   (measured on the benchmark machine: 180 MB touched right after a large
///   process ended took 390–415 ms in huge pages, 65 ms in small ones; the
///   10,000-statement build needed 10% less CPU and 25 MB less memory).
fn tune_for_one_shot() {
    // SAFETY: sets a plain integer option; mimalloc reads options atomically.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
    no_huge_pages();
}

/// Turns transparent huge pages off for this process (Linux; a kernel
/// without the setting builds as before, so there is nothing to report).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// readout builds explainer sites — who said what, and two statements side by side —
/// from Markdown notes in content/ and Tera templates in templates/.
#[derive(Parser)]
#[command(name = "readout", version, propagate_version = true)]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: warnings in full and each stage's detail.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new site: settings, a .gitignore, a README and one example note of each kind.
    ///
    /// The folder (default: this one) must be empty or new. The site builds at once:
    /// `readout init my-site && cd my-site && readout serve --open`.
    ///
    /// Example: readout init my-site --ci github
    Init(InitArgs),
    /// Build the site into a folder of HTML for any static host.
    ///
    /// Everything is checked first; on any error nothing is written and the
    /// previous output stays as it was.
    ///
    /// Example: readout build --root my-site --output public --base-url https://example.org/explainer/
    Build(BuildArgs),
    /// Check the site as a build would, writing nothing. Exits 1 on errors.
    ///
    /// With --external it then asks for every external URL (statements' and
    /// sources' `url`, links and images in bodies) and reports each dead or
    /// moved one at its file, line and column; exits 1 on a dead link.
    /// Answers are kept for a day in .readout-cache/ (a dead link's is asked again).
    ///
    /// Example: readout check --root my-site --external
    Check(CheckArgs),
    /// Write a new note with every front-matter field explained.
    ///
    /// Give the required fields as options and the note builds as written;
    /// without them readout says which to fill in.
    ///
    /// Example: readout new statement rubio-post --speaker marco-rubio --date 2025-04-30 --medium post
    New {
        /// The kind of note.
        kind: NoteKind,
        /// Its slug: lowercase letters, digits and `-`; the file is content/<kind>s/<slug>.md.
        slug: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[command(flatten)]
        fields: NewFields,
    },
    /// Name the built-in templates and stylesheet, or copy them into the site to change.
    ///
    /// A file in the site's templates/ (or static/ for style.css) overrides the
    /// built-in one of the same name; see docs/templates.md.
    ///
    /// Example: readout templates eject statement.html style.css
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print a shell completion script.
    ///
    /// Example: readout completions bash > ~/.local/share/bash-completion/completions/readout
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `readout man > readout.1 && man -l readout.1`.
    Man,
    /// Preview the site with live reload while you write.
    ///
    /// Serves the site from memory, watches content/, templates/, static/ and
    /// site.toml, rebuilds on save and reloads the browser; errors show in the page.
    ///
    /// Example: readout serve --open
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
}

/// The fields `readout new` can fill in.
#[derive(clap::Args, Debug)]
struct NewFields {
    /// The title (an actor's name); the slug's words unless given.
    #[arg(long)]
    title: Option<String>,
    /// A statement's speaker: an actor's slug.
    #[arg(long)]
    speaker: Option<String>,
    /// The date: YYYY-MM-DD, or YYYY-MM or YYYY when only that is known.
    #[arg(long)]
    date: Option<String>,
    /// A statement's medium: readout, post, statement, remark, report or other.
    #[arg(long)]
    medium: Option<String>,
    /// A comparison's first statement (a slug).
    #[arg(long)]
    left: Option<String>,
    /// A comparison's second statement (a slug).
    #[arg(long)]
    right: Option<String>,
    /// A statement's source (a slug).
    #[arg(long)]
    source: Option<String>,
}

impl From<NewFields> for readout::scaffold::Fields {
    fn from(f: NewFields) -> Self {
        let NewFields { title, speaker, date, medium, left, right, source } = f;
        readout::scaffold::Fields { title, speaker, date, medium, left, right, source }
    }
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder (holding site.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include notes marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site [default: output_dir from site.toml, or public/].
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The URL the site will be served from, for feed, sitemap and canonical links.
    #[arg(long)]
    base_url: Option<String>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Also check every external URL over the network.
    #[arg(long)]
    external: bool,
    /// With --external: seconds to wait for each answer.
    #[arg(long, default_value_t = 10.0, requires = "external")]
    timeout: f64,
}

#[derive(Subcommand)]
enum TemplatesCommand {
    /// Name each built-in template and stylesheet, and say which the site overrides.
    List {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Copy built-in templates (all, or those named) into templates/, and style.css into static/.
    ///
    /// Never overwrites: a file the site already has is left as it is.
    Eject {
        /// Names as `readout templates list` gives them; none for all.
        names: Vec<String>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Args)]
struct InitArgs {
    /// The new site's folder; made if missing.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Write no example notes: only site.toml, .gitignore, README.md and an empty home page.
    #[arg(long)]
    bare: bool,
    /// Also write a workflow that publishes the site (github: GitHub Pages, in .github/workflows/).
    #[arg(long, value_enum)]
    ci: Option<CiService>,
}

#[derive(Clone, Copy, ValueEnum)]
enum CiService {
    Github,
}

#[cfg(feature = "serve")]
#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The port to listen on; 0 picks a free one.
    #[arg(short, long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on. Anything but 127.0.0.1 makes the preview reachable from the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the preview in the browser.
    #[arg(long)]
    open: bool,
    /// Watch by polling, for file systems without change events (network shares, WSL drives).
    #[arg(long)]
    poll: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum NoteKind {
    Actor,
    Statement,
    Event,
    Comparison,
    Source,
}

impl From<NoteKind> for Kind {
    fn from(k: NoteKind) -> Kind {
        match k {
            NoteKind::Actor => Kind::Actor,
            NoteKind::Statement => Kind::Statement,
            NoteKind::Event => Kind::Event,
            NoteKind::Comparison => Kind::Comparison,
            NoteKind::Source => Kind::Source,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = if cli.quiet {
        0
    } else if cli.verbose {
        2
    } else {
        1
    };
    if matches!(cli.command, Command::Build(_) | Command::Check(_)) {
        tune_for_one_shot();
    } else {
        no_huge_pages();
    }
    match cli.command {
        Command::Build(args) => build(args, verbosity),
        Command::Check(args) => check(args, verbosity),
        Command::New { kind, slug, root, fields } => new_note(kind, &slug, &root, fields, verbosity),
        Command::Init(args) => init(args, verbosity),
        Command::Templates(TemplatesCommand::List { root }) => list_templates(&root),
        Command::Templates(TemplatesCommand::Eject { names, root }) => eject(&root, &names, verbosity),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "readout", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve(args, verbosity),
    }
}

fn build(args: BuildArgs, verbosity: u8) -> ExitCode {
    let options = BuildOptions {
        root: args.site.root,
        output: args.output,
        base_url: args.base_url,
        drafts: args.site.drafts,
        ..BuildOptions::default()
    };
    match readout::build(&options, || eprintln!("waiting for another build of the same output to finish…")) {
        Ok(report) => {
            print_warnings(&report.generated.warnings, verbosity);
            if verbosity > 1 {
                println!("stages: {}", report.stage_times());
            }
            if verbosity > 0 {
                println!("{}", report.summary());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn check(args: CheckArgs, verbosity: u8) -> ExitCode {
    let root = args.site.root.clone();
    let options = BuildOptions { root: args.site.root, drafts: args.site.drafts, ..BuildOptions::default() };
    let code = match readout::check(&options) {
        Ok(report) => {
            let generated = &report.generated;
            print_warnings(&generated.warnings, verbosity);
            if verbosity > 1 {
                println!("stages: {}", readout::stage_times(&generated.stages));
            }
            if verbosity > 0 {
                println!("no errors: {} ({} pages)", generated.summary(), report.pages);
            }
            ExitCode::SUCCESS
        }
        Err(e) => return fail(&e),
    };
    if !args.external {
        return code;
    }
    let mut external = readout::external::ExternalOptions::new(root);
    external.probe.timeout = std::time::Duration::from_secs_f64(args.timeout.max(0.001));
    let report = readout::external::check_links(&external);
    if !report.diagnostics.is_empty() && (verbosity > 0 || report.has_dead_links()) {
        eprintln!("{}", report.diagnostics);
    }
    if verbosity > 0 {
        println!("{}", report.summary());
    }
    if report.has_dead_links() { ExitCode::from(1) } else { code }
}

fn new_note(kind: NoteKind, slug: &str, root: &std::path::Path, fields: NewFields, verbosity: u8) -> ExitCode {
    if let Err(suggestion) = readout::parse::slug::check_slug_syntax(slug) {
        eprintln!("error: `{slug}` is not a valid slug: use lowercase letters, digits and `-`, e.g. `{suggestion}`");
        return ExitCode::from(2);
    }
    match readout::scaffold::create(root, kind.into(), slug, &fields.into()) {
        Ok(created) => {
            if verbosity > 0 {
                println!("created {}", created.path.display());
            }
            if !created.to_fill.is_empty() {
                let names: Vec<String> = created.to_fill.iter().map(|f| format!("`{f}`")).collect();
                let options: Vec<String> = created.to_fill.iter().map(|f| format!("--{f} …")).collect();
                eprintln!(
                    "fill in {} in {} before it builds (or give them: {})",
                    names.join(", "),
                    created.path.display(),
                    options.join(" ")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn init(args: InitArgs, verbosity: u8) -> ExitCode {
    let options = readout::init::InitOptions {
        dir: args.dir,
        bare: args.bare,
        ci: args.ci.map(|CiService::Github| readout::init::Ci::Github),
    };
    match readout::init::init(&options) {
        Ok(written) => {
            if verbosity > 0 {
                print_init_summary(&options, &written, verbosity);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn list_templates(root: &std::path::Path) -> ExitCode {
    for builtin in readout::eject::builtins() {
        let path = builtin.site_path();
        let note = if root.join(&path).exists() { "overridden by the site" } else { "built in" };
        println!("{:<20} {:<28} {note}", builtin.name, path.display());
    }
    ExitCode::SUCCESS
}

fn eject(root: &std::path::Path, names: &[String], verbosity: u8) -> ExitCode {
    match readout::eject::eject(root, names) {
        Ok(done) => {
            for item in done {
                match item {
                    readout::eject::Ejected::Written(path) if verbosity > 0 => println!("wrote {}", path.display()),
                    readout::eject::Ejected::Kept(path) => {
                        eprintln!("kept {}: the site has it already (eject never overwrites)", path.display())
                    }
                    _ => {}
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "serve")]
fn serve(args: ServeArgs, verbosity: u8) -> ExitCode {
    let options = serve::ServeOptions {
        build: BuildOptions { root: args.site.root, drafts: args.site.drafts, ..BuildOptions::default() },
        port: args.port,
        bind: args.bind,
        open: args.open,
        poll: args.poll,
        verbosity,
    };
    match serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn print_init_summary(options: &readout::init::InitOptions, written: &[PathBuf], verbosity: u8) {
    if verbosity > 1 {
        for path in written {
            println!("created {}", path.display());
        }
    }
    println!("created a new site in {} ({} files)", options.dir.display(), written.len());
    let cd = if options.dir == std::path::Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", options.dir.display())
    };
    println!("next: {cd}readout serve --open");
}

fn print_warnings(warnings: &readout::Diagnostics, verbosity: u8) {
    if verbosity > 0 && !warnings.is_empty() {
        eprintln!("{warnings}");
    }
}

fn fail(e: &readout::BuildError) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(e.exit_code() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_names_mimallocs_option() {
        // mimalloc's default purge delay is 1000 ms (its options.c); a
        // wrong option number would read some other option's default.
        // SAFETY: reads a plain integer option.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_turned_off() {
        no_huge_pages();
        assert_eq!(rustix::thread::transparent_huge_pages_are_disabled().ok(), Some(true));
    }
}
