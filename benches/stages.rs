//! Micro-benchmarks of the build's hot stages, on notes made in memory, so
//! that a slowdown is found at its stage: front-matter parsing, Markdown
//! rendering, linking (references, links, backlinks) and template rendering.
//!
//! `cargo bench --bench stages`

use std::collections::HashSet;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use readout::SiteConfig;
use readout::note::{Kind, Note};
use readout::render::{RenderOptions, Templates};

const ACTORS: usize = 100;

fn statement_text(i: usize) -> String {
    let mut body = String::new();
    for p in 0..5 {
        body.push_str(&format!(
            "Paragraph {p} of statement {i}: [[actor-{}]] spoke to [[actor-{}]] about *tensions* and peace. \
             The readout said the two sides must work together. See [[statement-{}]] for the reply.\n\n",
            i % ACTORS,
            (i + 1) % ACTORS,
            (i + 7) % 1000
        ));
    }
    body.push_str("> the two sides must de-escalate tensions and maintain peace and security\n");
    format!(
        "+++\ntitle = \"Statement {i}\"\nspeaker = \"actor-{}\"\ndate = 2025-04-{:02}\nmedium = \"readout\"\naddressed_to = [\"actor-{}\"]\nabout = [\"actor-{}\"]\n+++\n\n{body}",
        i % ACTORS,
        1 + i % 28,
        (i + 1) % ACTORS,
        (i + 2) % ACTORS
    )
}

fn notes(statements: usize) -> Vec<Arc<Note>> {
    let mut notes = Vec::new();
    for a in 0..ACTORS {
        let text = format!(
            "+++\nname = \"Actor {a}\"\nkind = \"person\"\n+++\nActor {a} is linked to [[actor-{}]].\n",
            (a + 1) % ACTORS
        );
        let path = format!("content/actors/actor-{a}.md");
        notes.push(
            readout::parse::parse_note(Kind::Actor, &format!("actor-{a}"), Path::new(&path), Arc::from(text))
                .map(Arc::new)
                .unwrap(),
        );
    }
    for i in 0..statements {
        let path = format!("content/statements/statement-{i}.md");
        let text = Arc::from(statement_text(i));
        notes.push(
            readout::parse::parse_note(Kind::Statement, &format!("statement-{i}"), Path::new(&path), text)
                .map(Arc::new)
                .unwrap(),
        );
    }
    notes
}

fn config() -> SiteConfig {
    SiteConfig { title: "Bench".into(), quotations: readout::config::QuotationCheck::Off, ..SiteConfig::default() }
}

fn stages(c: &mut Criterion) {
    let text: Arc<str> = Arc::from(statement_text(1));
    c.bench_function("parse: one statement (front matter, body scan and the body's HTML)", |b| {
        b.iter(|| {
            readout::parse::parse_note(
                Kind::Statement,
                "statement-1",
                Path::new("content/statements/statement-1.md"),
                black_box(Arc::clone(&text)),
            )
        })
    });

    let all = notes(1000);
    let (site, _) = readout::model::link(config(), None, all.clone(), false, &HashSet::new());
    let note = site.note("statement-1").unwrap();
    c.bench_function("render: one body, Markdown to HTML", |b| {
        b.iter(|| {
            readout::render::markdown::to_html(
                black_box(note.body()),
                &note.path,
                &note.headings,
                "../../",
                &readout::render::reads::SiteReads::new(&site),
            )
        })
    });
    let prepared = note.html.as_ref().expect("the body's HTML, made at parse time");
    c.bench_function("render: one body, its prepared HTML's links filled in", |b| {
        let targets = &site.link_targets[site.id("statement-1").unwrap()];
        b.iter(|| {
            readout::render::markdown::fill(
                black_box(prepared),
                &note.links,
                targets,
                "../../",
                &readout::render::reads::SiteReads::new(&site),
            )
        })
    });

    c.bench_function("model: link 1,100 notes", |b| {
        b.iter(|| readout::model::link(config(), None, black_box(all.clone()), false, &HashSet::new()))
    });

    let templates = Templates::compile(&[]).unwrap();
    let mut group = c.benchmark_group("templates");
    group.sample_size(10);
    group.bench_function("render: every page of 1,100 notes", |b| {
        b.iter(|| readout::render::render(black_box(&site), &templates, &RenderOptions::default()).unwrap())
    });
    group.finish();
}

/// One social card drawn and encoded (the budget: 5 ms median, one
/// thread): the default site's cards in turn (comparisons, statements,
/// actors, home), their SVGs as the build makes them, so that a glyph a
/// card shares with others is drawn from the thread's masks as in a
/// build, and one that only it has is not. The centrepiece comparison,
/// the card with the most words, is measured on its own too.
fn cards(c: &mut Criterion) {
    let options = readout::BuildOptions { root: env!("CARGO_MANIFEST_DIR").into(), ..Default::default() };
    let site = readout::generate(&options).expect("the default site builds");
    let svgs: Vec<String> =
        site.pages.iter().filter(|p| p.path.ends_with("card.png")).map(|p| p.text().into_owned()).collect();
    let centrepiece = site.pages.iter().find(|p| p.path == "compare/readout-vs-jaishankar/card.png").expect("its card");
    let png = readout::cards::draw(&centrepiece.text()).expect("drawn");
    eprintln!("{} cards; the centrepiece's: {} bytes", svgs.len(), png.len());
    let mut next = svgs.iter().cycle();
    c.bench_function("cards: draw and encode one card of the default site", |b| {
        b.iter(|| readout::cards::draw(black_box(next.next().expect("cards"))).unwrap())
    });
    c.bench_function("cards: draw and encode the centrepiece comparison's card", |b| {
        b.iter(|| readout::cards::draw(black_box(&*centrepiece.text())).unwrap())
    });
}

criterion_group!(benches, stages, cards);
criterion_main!(benches);
