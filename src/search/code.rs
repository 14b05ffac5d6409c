//! How the index writes lists of numbers: as text, so that every file of
//! the index is JSON a host compresses as it does the pages. A number is
//! written five bits to a character, lowest first, from an alphabet of 64
//! characters JSON needs no escape for: the first 32 end a number, the
//! other 32 say more of it follows. Lists of ascending numbers (pages,
//! positions) are written as the gaps between them, so most numbers take
//! one character. `static/search.js` reads them (`Reader`).

/// The 64 characters: the first 32 end a number.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` to `out`.
pub(super) fn push(out: &mut String, mut n: u32) {
    while n >= 32 {
        out.push(char::from(ALPHABET[32 + (n & 31) as usize]));
        n >>= 5;
    }
    out.push(char::from(ALPHABET[n as usize]));
}

/// Ascending numbers written as gaps: the first as it is, each next as
/// its distance from the one before, less one.
#[derive(Default)]
pub(super) struct Gaps {
    last: Option<u32>,
}

impl Gaps {
    /// Appends `n`, which is greater than the last one appended.
    pub(super) fn push(&mut self, out: &mut String, n: u32) {
        push(out, self.last.map_or(n, |last| n - last - 1));
        self.last = Some(n);
    }

    /// The number a gap read back stands for: what [`Gaps::push`] was given.
    pub(super) fn take(&mut self, gap: u32) -> u32 {
        let n = self.last.map_or(gap, |last| last + gap + 1);
        self.last = Some(n);
        n
    }
}

/// The value of one of the alphabet's characters.
fn digit(c: u8) -> u32 {
    u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        _ => 63,
    })
}

/// The numbers [`push`] wrote into `text`, in order, as the script reads
/// them (`numbers` in `static/search.js`).
pub(super) fn numbers(text: &str) -> impl Iterator<Item = u32> + '_ {
    let mut bytes = text.bytes();
    std::iter::from_fn(move || {
        let (mut n, mut shift) = (0u32, 0);
        loop {
            let d = digit(bytes.next()?);
            n |= (d & 31) << shift;
            if d < 32 {
                return Some(n);
            }
            shift += 5;
        }
    })
}

/// [`numbers`], all of them.
#[cfg(test)]
pub(super) fn read(text: &str) -> Vec<u32> {
    numbers(text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_as_written() {
        let mut text = String::new();
        for n in [0, 1, 31, 32, 1023, 1024, 70_000, u32::MAX] {
            push(&mut text, n);
        }
        assert_eq!(read(&text), [0, 1, 31, 32, 1023, 1024, 70_000, u32::MAX]);
        assert!(text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn ascending_numbers_are_written_as_gaps() {
        let mut text = String::new();
        let mut gaps = Gaps::default();
        for n in [3, 4, 5, 40] {
            gaps.push(&mut text, n);
        }
        assert_eq!(read(&text), [3, 0, 0, 34]);
        let mut back = Gaps::default();
        assert_eq!(read(&text).into_iter().map(|gap| back.take(gap)).collect::<Vec<_>>(), [3, 4, 5, 40]);
    }
}
