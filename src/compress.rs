//! Precompressed copies for `compress = true`: a `.gz` and a `.br` beside
//! each HTML, CSS, JS, XML and JSON file of the output, for servers that
//! serve a precompressed file in place of compressing each response
//! (nginx `gzip_static`/`brotli_static`, Caddy `precompressed`). Both at
//! their best compression, and deterministic: gzip's header holds no time
//! and no file name, so two builds write the same bytes.

use std::io::{self, Read, Write};

/// The extensions of the files that get compressed copies.
const COMPRESSED: &[&str] = &["html", "css", "js", "xml", "json"];

/// Whether the output file at `path` gets compressed copies.
pub fn wanted(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, ext)| COMPRESSED.iter().any(|c| ext.eq_ignore_ascii_case(c)))
}

/// The file-name suffixes of the compressed copies, in the order [`variants`] makes them.
pub const SUFFIXES: [&str; 2] = ["gz", "br"];

/// The compressed copies of `content`: each file-name suffix and its bytes.
pub fn variants(content: &[u8]) -> io::Result<[(&'static str, Vec<u8>); 2]> {
    Ok([(SUFFIXES[0], gzip(content)?), (SUFFIXES[1], brotli(content)?)])
}

/// gzip at level 9; the header's time is 0 and it names no file.
fn gzip(content: &[u8]) -> io::Result<Vec<u8>> {
    gzip_at(content, flate2::Compression::best(), content.len() / 3)
}

/// gzip at its fastest level: for what is compressed while a writer
/// waits (`serve` holds its search index so in memory).
pub fn gzip_fast(content: &[u8]) -> io::Result<Vec<u8>> {
    gzip_at(content, flate2::Compression::fast(), content.len() / 2)
}

/// gzip at `level`, with room for `expected` bytes of output; the header's
/// time is 0 and it names no file, so the same content gives the same bytes.
fn gzip_at(content: &[u8], level: flate2::Compression, expected: usize) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(Vec::with_capacity(expected + 64), level);
    encoder.write_all(content)?;
    encoder.finish()
}

/// Brotli at quality 11 with the largest window the format allows by default (2^22 bytes).
fn brotli(content: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(content.len() / 3 + 64);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(content)?;
        writer.flush()?;
    }
    Ok(out)
}

/// What the gzip stream `compressed` holds; an error if it is damaged or
/// has anything after its end.
pub fn gunzip(compressed: &[u8]) -> io::Result<Vec<u8>> {
    let mut back = Vec::with_capacity(compressed.len() * 4);
    // The `bufread` decoder reads no further than the stream's end.
    let mut rest = compressed;
    flate2::bufread::GzDecoder::new(&mut rest).read_to_end(&mut back)?;
    if !rest.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "bytes after the end of the gzip stream"));
    }
    Ok(back)
}

/// Whether `compressed`, the copy with file-name suffix `suffix`,
/// decompresses to exactly `content`, with nothing after its end.
pub fn decompresses_to(suffix: &str, compressed: &[u8], content: &[u8]) -> bool {
    match suffix {
        "gz" => gunzip(compressed).is_ok_and(|back| back == content),
        "br" => {
            let mut back = Vec::with_capacity(content.len());
            let mut reader = brotli::Decompressor::new(compressed, 4096);
            reader.read_to_end(&mut back).is_ok() && back == content
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_copy_comes_back_whole() {
        let text = "{\"url\":\"/statements/a/\",\"words\":\"de-escalate tensions\"}".repeat(100);
        let gz = gzip_fast(text.as_bytes()).unwrap();
        assert!(gz.len() < text.len() / 4, "{} of {}", gz.len(), text.len());
        assert_eq!(gunzip(&gz).unwrap(), text.as_bytes());
        assert!(gunzip(b"not gzip").is_err());
    }

    #[test]
    fn both_copies_decompress_to_the_original_and_are_the_same_every_time() {
        let text = "<p>The ferry will run every day of the year.</p>\n".repeat(200);
        let [(_, gz), (_, br)] = variants(text.as_bytes()).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
        let mut back = String::new();
        brotli::Decompressor::new(&br[..], 4096).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
        assert!(gz.len() < text.len() / 10 && br.len() < gz.len(), "gz {} br {}", gz.len(), br.len());
        assert_eq!(variants(text.as_bytes()).unwrap()[0].1, gz);
    }

    #[test]
    fn a_cut_or_lengthened_copy_is_out_of_step() {
        let text = "<p>The ferry will run every day of the year.</p>\n".repeat(50);
        for (suffix, bytes) in variants(text.as_bytes()).unwrap() {
            assert!(decompresses_to(suffix, &bytes, text.as_bytes()), "{suffix}");
            assert!(!decompresses_to(suffix, &bytes, b"other text"), "{suffix}");
            for cut in 1..=8.min(bytes.len()) {
                assert!(
                    !decompresses_to(suffix, &bytes[..bytes.len() - cut], text.as_bytes()),
                    "{suffix} cut by {cut}"
                );
            }
            assert!(!decompresses_to(suffix, &[], text.as_bytes()), "{suffix} empty");
            if suffix == "gz" {
                let longer = [&bytes[..], b"old tail"].concat();
                assert!(!decompresses_to(suffix, &longer, text.as_bytes()), "{suffix} with a tail");
            }
        }
    }

    #[test]
    fn only_text_formats_are_compressed() {
        assert!(wanted("index.html") && wanted("style.css") && wanted("atom.xml") && wanted("a/b.JSON"));
        assert!(!wanted("photo.png") && !wanted("index.html.gz") && !wanted("README"));
    }
}
