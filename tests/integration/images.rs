//! Images in bodies and actors' portraits: found in `static/` or beside
//! the note, linked relative to each page (so a sub-path works), missing
//! ones an error at their place, missing alt text a warning; resized to a
//! few widths (never wider than the original), sized in the page, cached
//! by content, and the same bytes build after build.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::common::*;

/// A bare site with one event whose body is `body`.
fn site_with_event(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = readout(&["init", "--bare", dir.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    fs::create_dir_all(dir.path().join("content/events")).unwrap();
    fs::create_dir_all(dir.path().join("static/img")).unwrap();
    png(&dir.path().join("static/img/map.png"), 300, 200, 1);
    png(&dir.path().join("content/events/scan.png"), 200, 300, 2);
    let text = format!("+++\ntitle = \"The vote\"\ndate = 2025-03-04\n+++\n\n{body}\n");
    fs::write(dir.path().join("content/events/vote.md"), text).unwrap();
    dir
}

/// `src` of a page at `page_dir` (relative to `out`), as a path under `out`.
fn target_of(out: &Path, page_dir: &str, src: &str) -> PathBuf {
    let mut parts: Vec<String> = page_dir.split('/').filter(|p| !p.is_empty()).map(str::to_owned).collect();
    for c in Path::new(src).components() {
        match c {
            Component::ParentDir => assert!(parts.pop().is_some(), "{src} leaves the site"),
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            _ => panic!("{src} is not relative"),
        }
    }
    out.join(parts.join("/"))
}

#[test]
fn images_in_static_and_beside_the_note_are_linked_relative_to_the_page() {
    let site = site_with_event("![A map of the harbour](/img/map.png)\n\n![The council's minutes](scan.png)");
    let out = build(site.path());
    let srcs = attrs(&page(&out, "events/vote/"), "main img", "src");
    assert_eq!(srcs, ["../../img/map.png", "../../events/scan.png"]);
    assert_eq!(
        fs::read(target_of(&out, "events/vote", &srcs[0])).unwrap(),
        fs::read(site.path().join("static/img/map.png")).unwrap()
    );
    assert_eq!(
        fs::read(target_of(&out, "events/vote", &srcs[1])).unwrap(),
        fs::read(site.path().join("content/events/scan.png")).unwrap()
    );
    // Served under a sub-path, the page's images load.
    let addr = serve_dir_under(&out, "/explainers/ferry/");
    for src in &srcs {
        let page_dir = "/explainers/ferry/events/vote/";
        let url = url::Url::parse(&format!("http://{addr}{page_dir}")).unwrap().join(src).unwrap();
        let status = http_status(&addr, url.path());
        assert_eq!(status, "200", "{url}");
    }
}

/// The status code a GET of `path` gets from the server at `addr`.
fn http_status(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).split_whitespace().nth(1).unwrap_or("").to_string()
}

#[test]
fn a_missing_image_is_an_error_at_its_position() {
    let site = site_with_event("The minutes:\n\nSee ![the minutes](minutes.png) and ![a map](/img/nowhere.png).");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr(&r);
    assert!(err.contains("content/events/vote.md:8:5: error: image `minutes.png` not found"), "{err}");
    assert!(err.contains("put the file at content/events/minutes.png"), "{err}");
    assert!(err.contains("content/events/vote.md:8:37: error: image `/img/nowhere.png` not found"), "{err}");
}

#[test]
fn an_image_without_alt_text_is_a_warning() {
    let site = site_with_event("![](/img/map.png)");
    let r = readout(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("content/events/vote.md:6:1: warning: image `/img/map.png` has no alt text"),
        "{}",
        stderr(&r)
    );
}

/// Writes a `width`×`height` PNG (a gradient, `seed` telling images apart) at `path`.
pub fn png(path: &Path, width: u32, height: u32, seed: u8) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, seed.wrapping_mul(37)])
    });
    image.save(path).unwrap();
}

/// The `(url, width)` pairs of a `srcset`.
fn srcset(value: &str) -> Vec<(String, u32)> {
    value
        .split(", ")
        .map(|entry| {
            let (url, w) = entry.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// The one `<img>` of `main` on the vote's page, as (attribute, value).
fn the_img(out: &Path) -> std::collections::BTreeMap<String, String> {
    let doc = page(out, "events/vote/");
    let sel = scraper::Selector::parse("main img").unwrap();
    let imgs: Vec<_> = doc.select(&sel).collect();
    assert_eq!(imgs.len(), 1);
    imgs[0].value().attrs().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn a_big_image_gets_its_size_and_a_srcset_of_smaller_copies() {
    let site = site_with_event("![The harbour at dawn](/img/big.png)");
    png(&site.path().join("static/img/big.png"), 2000, 1000, 3);
    let out = build(site.path());
    let img = the_img(&out);
    assert_eq!(img["src"], "../../img/big.png");
    assert_eq!(img["alt"], "The harbour at dawn");
    assert_eq!((img["width"].as_str(), img["height"].as_str()), ("2000", "1000"));
    assert_eq!((img["loading"].as_str(), img["decoding"].as_str()), ("lazy", "async"));
    assert!(img["sizes"].contains("42rem"), "{}", img["sizes"]);
    let set = srcset(&img["srcset"]);
    assert_eq!(set.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 960, 1600, 2000]);
    for (url, w) in &set {
        let file = target_of(&out, "events/vote", url);
        let (width, height) = image::image_dimensions(&file).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!((width, height), (*w, w / 2), "{url}");
    }
    assert!(set[0].0.starts_with("../../_images/big-"), "{}", set[0].0);
}

#[test]
fn a_small_image_is_never_upscaled() {
    let site = site_with_event("![The harbour](/img/small.png)");
    png(&site.path().join("static/img/small.png"), 700, 350, 4);
    let out = build(site.path());
    let img = the_img(&out);
    assert_eq!(img["width"], "700");
    let widths: Vec<u32> = srcset(&img["srcset"]).into_iter().map(|(_, w)| w).collect();
    assert_eq!(widths, [480, 700]);
    let copies: Vec<u32> = fs::read_dir(out.join("_images"))
        .unwrap()
        .map(|e| image::image_dimensions(e.unwrap().path()).unwrap().0)
        .collect();
    assert_eq!(copies, [480], "only the copy narrower than the original");
    // An image narrower than every width gets its size and no srcset.
    let site = site_with_event("![A map](/img/map.png)");
    let img = the_img(&build(site.path()));
    assert_eq!((img["width"].as_str(), img["height"].as_str()), ("300", "200"));
    assert!(!img.contains_key("srcset"));
}

/// The copies a build's summary says it resized and took from the cache.
fn image_work(site: &Path, out: &Path) -> (usize, usize) {
    let r = readout(&["build", "--root", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    let line = stdout(&r);
    let rest = line.split("image copies: ").nth(1).unwrap_or_else(|| panic!("no image count in {line}"));
    let numbers: Vec<usize> =
        rest.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).take(2).collect();
    (numbers[0], numbers[1])
}

#[test]
fn a_second_build_takes_the_copies_from_the_cache_and_writes_the_same_bytes() {
    let site = site_with_event("![The harbour](/img/big.png)\n\n![The minutes](scan.png)");
    png(&site.path().join("static/img/big.png"), 1700, 900, 5);
    png(&site.path().join("content/events/scan.png"), 1000, 1400, 6);
    let (first, second) = (site.path().join("one"), site.path().join("two"));
    assert_eq!(image_work(site.path(), &first), (5, 0), "480, 960 and 1600 of one, 480 and 960 of the other");
    assert!(site.path().join(".readout-cache/images").read_dir().unwrap().count() >= 5);
    assert_eq!(image_work(site.path(), &second), (0, 5), "every copy from the cache");
    // Encoded afresh without the cache, the copies are the same bytes.
    fs::remove_dir_all(site.path().join(".readout-cache")).unwrap();
    let third = site.path().join("three");
    assert_eq!(image_work(site.path(), &third), (5, 0));
    for out in [&second, &third] {
        let files = |dir: &Path| -> Vec<(String, Vec<u8>)> {
            let mut all: Vec<_> = walkdir::WalkDir::new(dir)
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file())
                .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), fs::read(e.path()).unwrap()))
                .collect();
            all.sort();
            all
        };
        assert!(files(&first) == files(out), "{} differs from the first build", out.display());
    }
    // Only a changed image is encoded again.
    png(&site.path().join("content/events/scan.png"), 1000, 1300, 7);
    assert_eq!(image_work(site.path(), &site.path().join("four")), (2, 3));
}

#[test]
fn a_file_that_is_no_image_is_an_error_at_its_position() {
    let site = site_with_event("The minutes:\n\n![The minutes](broken.png)");
    fs::write(site.path().join("content/events/broken.png"), "not a picture").unwrap();
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr(&r);
    assert!(
        err.contains("content/events/vote.md:8:1: error: image `broken.png` is not a PNG, JPEG, WebP or GIF image"),
        "{err}"
    );
}

#[test]
fn an_svg_keeps_its_own_size_and_no_srcset() {
    let site = site_with_event("![A diagram](/img/d.svg)");
    let svg =
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120"><rect width="240" height="120"/></svg>"#;
    fs::write(site.path().join("static/img/d.svg"), svg).unwrap();
    let img = the_img(&build(site.path()));
    assert_eq!((img["src"].as_str(), img["width"].as_str(), img["height"].as_str()), ("../../img/d.svg", "240", "120"));
    assert!(!img.contains_key("srcset"));
}

/// A bare site with one actor whose front matter has `image = "{image}"`.
fn site_with_portrait(image: &str) -> tempfile::TempDir {
    let dir = site_with_event("The vote, with [[ada-lind]].");
    let text = format!("+++\nname = \"Ada Lind\"\nkind = \"person\"\nimage = \"{image}\"\n+++\n\nA councillor.\n");
    fs::create_dir_all(dir.path().join("content/actors")).unwrap();
    fs::write(dir.path().join("content/actors/ada-lind.md"), text).unwrap();
    let statement = "+++\ntitle = \"Ada on the vote\"\nspeaker = \"ada-lind\"\nmedium = \"remark\"\ndate = 2025-03-04\n+++\n\nShe spoke.\n";
    fs::create_dir_all(dir.path().join("content/statements")).unwrap();
    fs::write(dir.path().join("content/statements/ada-speaks.md"), statement).unwrap();
    dir
}

#[test]
fn an_actors_portrait_shows_on_their_page_and_their_card() {
    let site = site_with_portrait("ada.png");
    png(&site.path().join("content/actors/ada.png"), 1200, 1500, 8);
    let out = build(site.path());
    let doc = page(&out, "actors/ada-lind/");
    assert_eq!(attrs(&doc, "img.portrait", "alt"), ["Ada Lind"]);
    assert_eq!(attrs(&doc, "img.portrait", "width"), ["1200"]);
    assert_eq!(attrs(&doc, "img.portrait", "height"), ["1500"]);
    let set = srcset(&attrs(&doc, "img.portrait", "srcset")[0]);
    assert_eq!(set.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 960, 1200]);
    assert_eq!(set[2].0, "../../actors/ada.png");
    // The actors' list shows the small copy beside the name.
    let list = page(&out, "actors/");
    let small = attrs(&list, "img.portrait-small", "src");
    assert_eq!(small, [set[0].0.replacen("../../", "../", 1)], "the narrowest copy, from the list's page");
    assert_eq!(attrs(&list, "img.portrait-small", "width"), ["480"]);
    assert_eq!(attrs(&list, "img.portrait-small", "height"), ["600"]);
}

#[test]
fn a_missing_portrait_is_an_error_at_its_field() {
    let site = site_with_portrait("/people/ada.jpg");
    let r = readout(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    let err = stderr(&r);
    assert!(err.contains("content/actors/ada-lind.md:4:9: error: portrait `/people/ada.jpg` not found"), "{err}");
    assert!(err.contains("put the file at static/people/ada.jpg"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");
}
