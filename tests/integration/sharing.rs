//! Sharing: every comparison, statement, actor and home has a social card
//! (a 1200×630 PNG named by `og:image`), comparisons and statements have
//! an embed page and an oEmbed answer, and every quotation on a statement
//! page has an anchor linked to and from its place in the source.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::*;

const BASE: &str = "https://example.org/explainers/pahalgam/";

/// A card's width and height, read from its PNG header and decoded whole.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    reader.next_frame(&mut pixels).expect("the PNG decodes");
    (reader.info().width, reader.info().height)
}

/// The card of the page at `url` (`og:image`), checked: absolute, from
/// the base URL, with its size and alt text, a large Twitter card; the
/// file it names in `out`.
fn card_of(out: &Path, url: &str) -> std::path::PathBuf {
    let doc = page(out, url);
    let image = attrs(&doc, "meta[property='og:image']", "content");
    assert_eq!(image.len(), 1, "{url}: one og:image");
    let rel = image[0].strip_prefix(BASE).unwrap_or_else(|| panic!("{url}: og:image {} is not absolute", image[0]));
    assert_eq!(attrs(&doc, "meta[property='og:image:width']", "content"), ["1200"], "{url}");
    assert_eq!(attrs(&doc, "meta[property='og:image:height']", "content"), ["630"], "{url}");
    let alt = attrs(&doc, "meta[property='og:image:alt']", "content");
    assert!(alt.len() == 1 && !alt[0].trim().is_empty(), "{url}: og:image:alt {alt:?}");
    assert_eq!(attrs(&doc, "meta[name='twitter:card']", "content"), ["summary_large_image"], "{url}");
    out.join(rel)
}

/// The summary line's count of cards drawn and taken from the cache.
fn card_counts(output: &std::process::Output) -> (usize, usize) {
    let text = stdout(output) + &stderr(output);
    let at = text.find("cards: ").unwrap_or_else(|| panic!("no card counts in: {text}"));
    let words: Vec<&str> = text[at + 7..].split_whitespace().collect();
    (words[0].parse().unwrap(), words[2].parse().unwrap())
}

fn build_into(site: &Path, out: &Path) -> std::process::Output {
    let r = readout(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(r.status.success(), "build failed:\n{}", stderr(&r));
    r
}

#[test]
fn every_comparison_statement_actor_and_home_has_a_1200_by_630_card() {
    let site = default_site();
    let out = build(site.path());
    for url in ["", "compare/readout-vs-jaishankar/", "statements/jaishankar-post/", "actors/s-jaishankar/"] {
        let card = card_of(&out, url);
        assert_eq!(png_size(&card), (1200, 630), "{}", card.display());
        let size = fs::metadata(&card).unwrap().len();
        assert!(size <= 100 * 1024, "{}: {size} bytes, over 100 kB", card.display());
    }
    // Every page of the four kinds names a card that is there.
    for dir in ["compare", "statements", "actors"] {
        for entry in fs::read_dir(out.join(dir)).unwrap().map(Result::unwrap).filter(|e| e.path().is_dir()) {
            let url = format!("{dir}/{}/", entry.file_name().to_string_lossy());
            assert!(card_of(&out, &url).is_file(), "{url}: its card is missing");
        }
    }
    // Events and sources have none.
    assert!(attrs(&page(&out, "events/pahalgam-attack/"), "meta[property='og:image']", "content").is_empty());
}

#[test]
fn cards_are_drawn_once_then_taken_from_the_cache_with_the_same_bytes() {
    let site = default_site();
    let (first, second) = (site.path().join("one"), site.path().join("two"));
    let (drawn, cached) = card_counts(&build_into(site.path(), &first));
    assert!(drawn >= 35 && cached == 0, "first build: {drawn} drawn, {cached} cached");
    assert!(site.path().join(".readout-cache/cards").read_dir().unwrap().count() >= drawn);
    assert_eq!(card_counts(&build_into(site.path(), &second)), (0, drawn), "the second build draws nothing");
    let card = "compare/readout-vs-jaishankar/card.png";
    assert_eq!(fs::read(first.join(card)).unwrap(), fs::read(second.join(card)).unwrap());
    // Drawn again from nothing, a card has the same bytes.
    fs::remove_dir_all(site.path().join(".readout-cache")).unwrap();
    let third = site.path().join("three");
    assert_eq!(card_counts(&build_into(site.path(), &third)).0, drawn);
    for entry in walkdir::WalkDir::new(&first).into_iter().filter_map(Result::ok) {
        if entry.file_name() == "card.png" {
            let rel = entry.path().strip_prefix(&first).unwrap();
            assert_eq!(fs::read(entry.path()).unwrap(), fs::read(third.join(rel)).unwrap(), "{}", rel.display());
        }
    }
}

#[test]
fn a_changed_title_draws_again_only_the_cards_that_show_it() {
    let site = default_site();
    build_into(site.path(), &site.path().join("one"));
    let note = site.path().join("content/comparisons/state-department-vs-pentagon.md");
    let text = fs::read_to_string(&note).unwrap();
    fs::write(&note, text.replacen("De-escalate, or defend itself", "Calm, or defend itself", 1)).unwrap();
    let second = build_into(site.path(), &site.path().join("two"));
    assert_eq!(card_counts(&second).0, 1, "only the comparison's own card shows its title");
    // The card of the old title is gone from the cache, which holds the cards the site shows.
    assert!(stdout(&second).contains("1 card no page shows removed from the cache"), "{}", stdout(&second));
    let count = |dir: &Path, named: &dyn Fn(&str) -> bool| {
        let files = walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok);
        files.filter(|e| e.file_type().is_file() && named(&e.file_name().to_string_lossy())).count()
    };
    let kept = count(&site.path().join(".readout-cache/cards"), &|name| name.ends_with(".png"));
    let shown = count(&site.path().join("two"), &|name| name == "card.png");
    assert_eq!(kept, shown, "the cache holds other cards than the output shows");
    // The first output's card of the old title still opens: the output holds its own link to the file.
    assert_eq!(png_size(&site.path().join("one/compare/state-department-vs-pentagon/card.png")), (1200, 630));
}

#[test]
fn a_changed_card_template_draws_every_card_again() {
    // A card is found in the cache by what its SVG is made from, without
    // the SVG: the template's text is part of that.
    let site = default_site();
    let (drawn, _) = card_counts(&build_into(site.path(), &site.path().join("one")));
    let template = site.path().join("templates/card.svg");
    let text = fs::read_to_string(repo_root().join("templates/card.svg")).unwrap();
    fs::write(&template, text.replace("#fdfcf8", "#fdfcf9")).unwrap();
    assert_eq!(card_counts(&build_into(site.path(), &site.path().join("two"))), (drawn, 0));
    assert_eq!(card_counts(&build_into(site.path(), &site.path().join("two"))), (0, drawn));
}

#[cfg(unix)]
#[test]
fn a_rebuild_keeps_each_card_as_a_link_to_the_cache_without_writing_it() {
    use std::os::unix::fs::MetadataExt;
    let site = default_site();
    let out = site.path().join("public");
    for _ in 0..3 {
        build_into(site.path(), &out);
    }
    let r = build_into(site.path(), &out);
    let summary = stdout(&r) + &stderr(&r);
    assert!(summary.contains(" 0 written"), "a rebuild with nothing changed wrote files: {summary}");
    let card = fs::metadata(out.join("compare/readout-vs-jaishankar/card.png")).unwrap();
    let cached =
        fs::read_dir(site.path().join(".readout-cache/cards")).unwrap().map(|e| e.unwrap().metadata().unwrap());
    assert!(
        cached.into_iter().any(|m| m.ino() == card.ino() && m.dev() == card.dev()),
        "the card is not the cache's file"
    );
}

#[test]
fn social_cards_false_writes_none_and_a_list_picks_kinds() {
    let site = default_site();
    let toml = site.path().join("site.toml");
    let settings = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, format!("social_cards = false\n{settings}")).unwrap();
    let out = build(site.path());
    assert!(!out.join("card.png").exists() && !out.join("compare/readout-vs-jaishankar/card.png").exists());
    let doc = page(&out, "compare/readout-vs-jaishankar/");
    assert!(attrs(&doc, "meta[property='og:image']", "content").is_empty());
    assert_eq!(attrs(&doc, "meta[name='twitter:card']", "content"), ["summary"]);

    fs::write(&toml, format!("social_cards = [\"comparison\", \"statement\"]\n{settings}")).unwrap();
    let out = build(site.path());
    assert!(card_of(&out, "compare/readout-vs-jaishankar/").is_file());
    assert!(card_of(&out, "statements/jaishankar-post/").is_file());
    assert!(!out.join("card.png").exists() && !out.join("actors/s-jaishankar/card.png").exists());
    assert!(attrs(&page(&out, "actors/s-jaishankar/"), "meta[property='og:image']", "content").is_empty());
}

#[test]
fn a_social_cards_kind_that_does_not_exist_is_one_error_at_its_place() {
    let site = default_site();
    let toml = site.path().join("site.toml");
    let settings = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, format!("social_cards = [\"comparison\", \"statment\"]\n{settings}")).unwrap();
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr(&r);
    assert!(err.contains("site.toml:1:"), "{err}");
    assert!(err.contains("`statment`") && err.contains("\"statement\""), "{err}");
}

#[test]
fn a_card_says_what_its_page_quotes_word_for_word_and_cuts_at_a_word() {
    // The SVG the card is drawn from holds the words as text: each line of
    // a statement's words, put together, is the start of its own words.
    let options = readout::BuildOptions { root: site_root(), ..Default::default() };
    let generated = readout::generate(&options).expect("the default site builds");
    let source = fs::read_to_string(repo_root().join("content/sources/news-report.md")).unwrap();
    let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let svg = &generated.pages.iter().find(|p| p.path == "statements/jaishankar-post/card.png").unwrap().text();
    let lines = tspans(svg);
    assert!(lines.len() >= 3, "{lines:?}");
    let words = lines[2..lines.len() - 1].join(" ");
    for passage in words.trim_start_matches('“').split(['…', '”']).map(str::trim).filter(|p| !p.is_empty()) {
        let passage = passage.replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&");
        assert!(source.contains(&passage), "{passage:?} is not word for word from the source");
    }
    let long = &generated.pages.iter().find(|p| p.path == "compare/readout-vs-jaishankar/card.png").unwrap().text();
    let cut = tspans(long).into_iter().find(|l| l.ends_with("…”")).expect("a cut quotation");
    let before = cut.trim_end_matches("…”").rsplit(' ').next().unwrap().to_string();
    assert!(source.contains(&format!("{before} ")), "cut inside a word: {cut:?}");
}

fn site_root() -> std::path::PathBuf {
    repo_root()
}

/// The text of each `<tspan>` of an SVG, in order.
fn tspans(svg: &str) -> Vec<String> {
    svg.split("<tspan")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</tspan>")?.0.to_string()))
        .collect()
}

#[test]
fn a_hindi_title_is_drawn_with_the_bundled_devanagari_font() {
    let site = default_site();
    let note = site.path().join("content/comparisons/hindi-title.md");
    fs::write(
        &note,
        "+++\ntitle = \"भारत और अमेरिका: दो बयान, एक बातचीत\"\nleft = \"rubio-jaishankar-readout\"\nright = \"jaishankar-post\"\n+++\nThe same call, told twice.\n",
    )
    .unwrap();
    let out = build(site.path());
    let card = card_of(&out, "compare/hindi-title/");
    assert_eq!(png_size(&card), (1200, 630));
    // The title's band holds ink where the Hindi title is, and none of it is a
    // missing-glyph box: the same card without the Devanagari words is
    // lighter there by about what the words weigh.
    let ink = |path: &Path| -> u64 {
        let bytes = fs::read(path).unwrap();
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        // A palette card's pixels as their colours, not their indices.
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        assert_eq!(reader.output_color_type(), (png::ColorType::Rgb, png::BitDepth::Eight));
        let mut px = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut px).unwrap();
        // Rows 60..120 (the first title line), RGB.
        px[60 * 1200 * 3..120 * 1200 * 3].iter().map(|&v| u64::from(255 - v)).sum()
    };
    let hindi = ink(&card);
    fs::create_dir_all(repo_root().join("target")).ok();
    fs::copy(&card, repo_root().join("target/hindi-card.png")).ok();
    fs::write(&note, fs::read_to_string(&note).unwrap().replace("भारत और अमेरिका: दो बयान, एक बातचीत", ":")).unwrap();
    let out = build(site.path());
    let plain = ink(&card_of(&out, "compare/hindi-title/"));
    assert!(hindi > plain + 200_000, "the Hindi title left little ink: {hindi} against {plain}");
}

#[test]
fn ocr_reads_a_comparison_cards_words_back() {
    let Some(tesseract) = crate::browser::find(&["tesseract"]) else {
        eprintln!("skipped: no tesseract on PATH (apt-get install tesseract-ocr)");
        return;
    };
    let site = default_site();
    let out = build(site.path());
    let card = card_of(&out, "compare/readout-vs-jaishankar/");
    let r = std::process::Command::new(tesseract).arg(&card).arg("-").output().expect("run tesseract");
    let text = String::from_utf8_lossy(&r.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for words in ["Two accounts of one call", "Marco Rubio", "S. Jaishankar", "de-escalate tensions", "Pahalgam"] {
        assert!(text.contains(words), "OCR did not read {words:?} in: {text}");
    }
}

#[test]
fn embed_pages_are_small_self_contained_and_out_of_the_sitemap() {
    let site = default_site();
    let out = build(site.path());
    for url in ["embed/compare/readout-vs-jaishankar/", "embed/statements/jaishankar-post/"] {
        let file = out.join(url).join("index.html");
        let html = fs::read_to_string(&file).unwrap();
        assert!(html.len() <= 15 * 1024, "{url}: {} bytes", html.len());
        let doc = page(&out, url);
        assert!(attrs(&doc, "link[rel='stylesheet'], script[src], img, iframe", "src").is_empty(), "{url}");
        assert!(attrs(&doc, "link[rel='stylesheet']", "href").is_empty(), "{url}: CSS is inline");
        assert_eq!(attrs(&doc, "meta[name='robots']", "content"), ["noindex"], "{url}");
        assert!(html.contains("prefers-color-scheme:dark"), "{url}: a dark scheme");
        let links = attrs(&doc, "footer a", "href");
        assert!(links.len() == 1 && links[0].starts_with(BASE), "{url}: {links:?}");
        assert!(!texts(&doc, "blockquote").is_empty(), "{url}: the words");
    }
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/embed/") && !sitemap.contains("card.png"), "{sitemap}");
}

#[test]
fn a_comparison_offers_its_embed_code_and_an_oembed_answer() {
    let site = default_site();
    let out = build(site.path());
    let doc = page(&out, "compare/readout-vs-jaishankar/");
    let textarea = scraper::Selector::parse("details.embed textarea").unwrap();
    let code: String = doc.select(&textarea).flat_map(|e| e.text()).collect();
    let frame = scraper::Html::parse_fragment(&code);
    let src = attrs(&frame, "iframe", "src");
    assert_eq!(src, [format!("{BASE}embed/compare/readout-vs-jaishankar/")]);
    assert!(!attrs(&frame, "iframe", "title")[0].is_empty());
    assert_eq!(attrs(&frame, "iframe", "loading"), ["lazy"]);
    let script = texts(&frame, "script").concat();
    assert!(!script.is_empty() && script.len() <= 1024, "resize script of {} bytes", script.len());

    let discovery = attrs(&doc, "link[rel='alternate'][type='application/json+oembed']", "href");
    assert_eq!(discovery, [format!("{BASE}compare/readout-vs-jaishankar/oembed.json")]);
    let answer: Value =
        serde_json::from_str(&fs::read_to_string(out.join("compare/readout-vs-jaishankar/oembed.json")).unwrap())
            .unwrap();
    assert_eq!(answer["version"], "1.0");
    assert_eq!(answer["type"], "rich");
    assert!(answer["width"].is_u64() && answer["height"].is_u64(), "rich needs width and height: {answer}");
    assert_eq!(answer["html"].as_str(), Some(code.as_str()));
    assert_eq!(answer["provider_url"], BASE);
    assert_eq!(answer["thumbnail_url"], format!("{BASE}compare/readout-vs-jaishankar/card.png"));
    assert_eq!((answer["thumbnail_width"].as_u64(), answer["thumbnail_height"].as_u64()), (Some(1200), Some(630)));
    let statement: Value =
        serde_json::from_str(&fs::read_to_string(out.join("statements/jaishankar-post/oembed.json")).unwrap()).unwrap();
    assert_eq!(statement["author_name"], "S. Jaishankar");
}

#[test]
fn each_quotation_links_to_its_place_in_the_source_and_back() {
    let site = default_site();
    let out = build(site.path());
    let statement = page(&out, "statements/jaishankar-post/");
    let ids = attrs(&statement, ".quotations li", "id");
    assert!(!ids.is_empty() && ids.iter().all(|id| id.starts_with("q-")), "{ids:?}");
    let own = attrs(&statement, ".quotations li .quote-links a", "href");
    for id in &ids {
        assert!(own.contains(&format!("#{id}")), "no link to this quotation: {id}");
    }
    let forward: Vec<&String> = own.iter().filter(|h| h.contains("sources/news-report/#")).collect();
    assert_eq!(forward.len(), ids.len(), "{own:?}");
    let source = page(&out, "sources/news-report/");
    for href in forward {
        let anchor = href.rsplit('#').next().unwrap();
        assert_eq!(attrs(&source, &format!("mark#{anchor}"), "class"), ["quoted"], "{anchor} is not in the source");
        let back = attrs(&source, &format!("mark#{anchor} a"), "href");
        assert_eq!(back, [format!("../../statements/jaishankar-post/#{anchor}")]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_embed_fits_frames_300_and_600_px_wide_and_resizes_them() {
    use crate::browser::Browser;
    let site = default_site();
    let addr = serve_dir(site.path());
    let base = format!("http://{addr}/public/");
    let out = site.path().join("public");
    let r = readout(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        &base,
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    // A page of another site, with the code the oEmbed answer gives, twice.
    let answer: Value =
        serde_json::from_str(&fs::read_to_string(out.join("compare/readout-vs-jaishankar/oembed.json")).unwrap())
            .unwrap();
    let code = answer["html"].as_str().unwrap();
    let host = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Another site</title></head><body>\
         <div style=\"width:300px\">{code}</div><div style=\"width:600px\">{code}</div></body></html>"
    );
    fs::write(site.path().join("host.html"), host).unwrap();
    let Some(b) = Browser::start(1000, 900).await else { return };
    b.client.goto(&format!("http://{addr}/host.html")).await.unwrap();
    b.wait_for(
        "both frames resized",
        "return [...document.querySelectorAll('iframe')].every(f => f.style.height !== '');",
    )
    .await;
    let frames = b
        .eval(
            "return [...document.querySelectorAll('iframe')].map(f => { const d = f.contentDocument.documentElement; \
             return [f.clientWidth, parseFloat(f.style.height), d.scrollHeight, d.scrollWidth]; });",
        )
        .await;
    b.screenshot("embed-in-host").await;
    for frame in frames.as_array().unwrap() {
        let f: Vec<f64> = frame.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        assert!((f[1] - f[2]).abs() <= 2.0, "the frame is {} px tall, its page {} px: {f:?}", f[1], f[2]);
        assert!(f[3] <= f[0], "the embed scrolls sideways in a frame {} px wide: {f:?}", f[0]);
    }
    let _ = b.client.clone().close().await;
    let Some(b) = Browser::start(300, 800).await else { return };
    for url in ["embed/compare/readout-vs-jaishankar/", "embed/statements/jaishankar-post/"] {
        b.client.goto(&format!("{base}{url}")).await.unwrap();
        let scroll = b.eval("return document.documentElement.scrollWidth - window.innerWidth;").await;
        assert!(scroll.as_f64().unwrap() <= 0.0, "{url} scrolls sideways at 300 px by {scroll}");
        b.screenshot(&format!("embed-300-{}", url.split('/').nth(1).unwrap())).await;
        match b.axe().await {
            Some(violations) => assert!(violations.is_empty(), "axe on {url} at 300 px: {violations:#?}"),
            None => eprintln!("skipped axe-core: node_modules/axe-core is missing (run npm ci)"),
        }
    }
    let _ = b.client.clone().close().await;
}
