//! String escaping for `dumps`: ujson's escapes and UTF-8 checks, eight plain bytes at a time.
//!
//! A per-byte action table decides what each byte needs; runs of bytes that need nothing are
//! found a machine word at a time and copied in one piece.

use crate::encode::Fail;

/// Table entry: copy the byte.
const COPY: u8 = 0;
/// Table entry: write the byte as `\u00XX`.
const HEX4: u8 = 1;
/// Table entry: a non-ASCII byte under `ensure_ascii` (a `\uXXXX` escape of its character).
const WIDE: u8 = 2;
// Any other entry is the letter of a two-byte escape (`\n`, `\"`, ...).

/// How strings are escaped in one `dumps` call.
pub struct Escaper {
    table: [u8; 256],
    /// Bytes 0x80.. need work (`ensure_ascii`).
    ascii: bool,
    /// `&`, `<` and `>` need work (`encode_html_chars`); the word-at-a-time skip does not look
    /// for them, so it is not used then.
    html: bool,
}

impl Escaper {
    /// The escaper for ujson's three string options.
    pub fn new(ensure_ascii: bool, encode_html_chars: bool, escape_forward_slashes: bool) -> Self {
        let mut table = [COPY; 256];
        table[..0x20].fill(HEX4);
        for (b, letter) in [
            (b'"', b'"'),
            (b'\\', b'\\'),
            (b'\n', b'n'),
            (b'\r', b'r'),
            (b'\t', b't'),
            (8, b'b'),
            (12, b'f'),
        ] {
            table[usize::from(b)] = letter;
        }
        if escape_forward_slashes {
            table[usize::from(b'/')] = b'/';
        }
        if encode_html_chars {
            for b in [b'&', b'<', b'>'] {
                table[usize::from(b)] = HEX4;
            }
        }
        if ensure_ascii {
            table[0x80..].fill(WIDE);
        }
        Escaper {
            table,
            ascii: ensure_ascii,
            html: encode_html_chars,
        }
    }

    /// Writes `text` escaped, without the quotes.
    pub fn write_str(&self, out: &mut Vec<u8>, text: &str) {
        let bytes = text.as_bytes();
        let done = self.write_with(out, bytes, |out, mut i| {
            // `i` starts a non-ASCII character of valid UTF-8: escape the whole run of them.
            while let Some(&lead) = bytes.get(i).filter(|&&b| b >= 0x80) {
                let cont = |k: usize| u32::from(bytes[i + k] & 0x3f);
                let (ucs, n) = match lead {
                    0x80..0xe0 => ((u32::from(lead & 0x1f) << 6) | cont(1), 2),
                    0xe0..0xf0 => ((u32::from(lead & 0x0f) << 12) | (cont(1) << 6) | cont(2), 3),
                    _ => {
                        let c = (u32::from(lead & 0x07) << 18) | (cont(1) << 12);
                        (c | (cont(2) << 6) | cont(3), 4)
                    }
                };
                push_char(out, ucs);
                i += n;
            }
            Ok(i)
        });
        debug_assert!(done.is_ok(), "valid UTF-8 cannot fail");
    }

    /// Writes `data` (UTF-8 that may hold surrogates or be malformed) escaped, without the
    /// quotes, with ujson's checks of the UTF-8 under `ensure_ascii`.
    pub fn write(&self, out: &mut Vec<u8>, data: &[u8]) -> Result<(), Fail> {
        self.write_with(out, data, |out, i| wide(out, data, i))
    }

    #[inline(always)]
    fn write_with(
        &self,
        out: &mut Vec<u8>,
        data: &[u8],
        mut wide: impl FnMut(&mut Vec<u8>, usize) -> Result<usize, Fail>,
    ) -> Result<(), Fail> {
        let mut i = 0;
        let mut run = 0;
        while i < data.len() {
            if !self.html {
                i = self.skip_plain(data, i);
                if i == data.len() {
                    break;
                }
            }
            let b = data[i];
            let action = self.table[usize::from(b)];
            if action == COPY {
                i += 1;
                continue;
            }
            out.extend_from_slice(&data[run..i]);
            i = match action {
                HEX4 => {
                    push_u(out, u32::from(b));
                    i + 1
                }
                WIDE => wide(out, i)?,
                letter => {
                    out.extend_from_slice(&[b'\\', letter]);
                    i + 1
                }
            };
            run = i;
        }
        out.extend_from_slice(&data[run..]);
        Ok(())
    }

    /// The index of the first byte at or after `i` that may need work, skipping whole words of
    /// bytes that need none (controls, `"`, `\`, `/` and, under `ensure_ascii`, 0x80..).
    #[inline(always)]
    fn skip_plain(&self, data: &[u8], mut i: usize) -> usize {
        const ONES: u64 = u64::from_ne_bytes([1; 8]);
        const HIGH: u64 = ONES * 0x80;
        // Flags the bytes below `n` (for n <= 0x80); the lowest flag is always exact.
        let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH;
        let zero = |w: u64| below(w, 1);
        let high = if self.ascii { HIGH } else { 0 };
        while let Some(chunk) = data.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            let hits = below(w, 0x20)
                | zero(w ^ (ONES * u64::from(b'"')))
                | zero(w ^ (ONES * u64::from(b'\\')))
                | zero(w ^ (ONES * u64::from(b'/')))
                | (w & high);
            if hits != 0 {
                return i + (hits.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while i < data.len() && self.table[usize::from(data[i])] == COPY {
            i += 1;
        }
        i
    }
}

/// The two lowercase hex digits of every byte.
static HEX2: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 15]];
        i += 1;
    }
    t
};

/// Writes `\uXXXX` for a UTF-16 code unit.
#[inline(always)]
fn push_u(out: &mut Vec<u8>, v: u32) {
    let [a, b] = HEX2[(v >> 8) as usize & 255];
    let [c, d] = HEX2[v as usize & 255];
    out.extend_from_slice(&[b'\\', b'u', a, b, c, d]);
}

/// Writes a code point as `\uXXXX`, or as a surrogate pair above U+FFFF.
#[inline(always)]
fn push_char(out: &mut Vec<u8>, ucs: u32) {
    if ucs >= 0x10000 {
        let v = ucs - 0x10000;
        push_u(out, (v >> 10) + 0xd800);
        push_u(out, (v & 0x3ff) + 0xdc00);
    } else {
        push_u(out, ucs);
    }
}

/// Writes the character starting at `data[i]` (a byte 0x80..) as `\uXXXX` (a surrogate pair
/// above U+FFFF), with ujson's checks of the UTF-8; returns the index after it.
fn wide(out: &mut Vec<u8>, data: &[u8], i: usize) -> Result<usize, Fail> {
    let b = data[i];
    let (n, lead_bits) = match b {
        0xc0..=0xdf => (2, b & 0x1f),
        0xe0..=0xef => (3, b & 0x0f),
        0xf0..=0xf7 => (4, b & 0x07),
        0xf8..=0xfd => {
            return Err(Fail::Limit(
                "Unsupported UTF-8 sequence length when encoding string",
            ))
        }
        // A stray continuation byte (or 0xfe/0xff) is copied as it is, as ujson does.
        _ => {
            out.push(b);
            return Ok(i + 1);
        }
    };
    if data.len() - i < n {
        return Err(Fail::Limit(
            "Unterminated UTF-8 sequence when encoding string",
        ));
    }
    let cont = &data[i + 1..i + n];
    if cont.iter().any(|c| c & 0xc0 != 0x80) {
        return Err(Fail::Limit(match n {
            2 => "Invalid continuation byte in 2-byte UTF-8 sequence detected when encoding string",
            3 => "Invalid continuation byte in 3-byte UTF-8 sequence detected when encoding string",
            _ => "Invalid continuation byte in 4-byte UTF-8 sequence detected when encoding string",
        }));
    }
    if n == 4 && ((b >= 0xf4 && data[i + 1] >= 0x90) || b >= 0xf5) {
        return Err(Fail::Limit(
            ">U+10FFFF in 4-byte UTF-8 sequence detected when encoding string",
        ));
    }
    let ucs = cont.iter().fold(u32::from(lead_bits), |acc, c| {
        (acc << 6) | u32::from(c & 0x3f)
    });
    let min = [0, 0, 0x80, 0x800, 0x10000][n];
    if ucs < min {
        return Err(Fail::Limit(match n {
            2 => "Overlong 2-byte UTF-8 sequence detected when encoding string",
            3 => "Overlong 3-byte UTF-8 sequence detected when encoding string",
            _ => "Overlong 4-byte UTF-8 sequence detected when encoding string",
        }));
    }
    push_char(out, ucs);
    Ok(i + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(data: &[u8], ascii: bool, html: bool, slash: bool) -> Vec<u8> {
        let escaper = Escaper::new(ascii, html, slash);
        let mut out = Vec::new();
        let checked = match escaper.write(&mut out, data) {
            Ok(()) => out,
            Err(_) => b"<error>".to_vec(),
        };
        if let Ok(text) = std::str::from_utf8(data) {
            let mut out = Vec::new();
            escaper.write_str(&mut out, text);
            assert_eq!(out, checked, "write_str and write differ on {text:?}");
        }
        checked
    }

    /// The plain byte-by-byte meaning, to compare the word-at-a-time path against.
    fn reference(data: &[u8], ascii: bool, html: bool, slash: bool) -> Vec<u8> {
        let text = String::from_utf8_lossy(data);
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '/' if slash => out.push_str("\\/"),
                '&' | '<' | '>' if html => out.push_str(&format!("\\u{:04x}", c as u32)),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c if ascii && !c.is_ascii() => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{:04x}", u));
                    }
                }
                c => out.push(c),
            }
        }
        out.into_bytes()
    }

    #[test]
    fn matches_the_reference_at_every_offset() {
        let pieces = [
            "abcdefgh", "\"", "\\", "/", "\n", "\u{1}", "é", "日本", "😀", "<&>", " ", "\u{7f}",
        ];
        for flags in 0..8 {
            let (ascii, html, slash) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
            for seed in 0..400usize {
                let mut s = String::new();
                let mut x = seed.wrapping_mul(2654435761) | 1;
                for _ in 0..(seed % 23) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    s.push_str(pieces[x % pieces.len()]);
                }
                let data = s.as_bytes();
                assert_eq!(
                    esc(data, ascii, html, slash),
                    reference(data, ascii, html, slash),
                    "{s:?} ascii={ascii} html={html} slash={slash}"
                );
            }
        }
    }

    #[test]
    fn surrogates_and_bad_utf8() {
        // A lone surrogate in its surrogatepass form.
        assert_eq!(esc(b"a\xed\xa0\x80b", true, false, true), b"a\\ud800b");
        assert_eq!(
            esc(b"a\xed\xa0\x80b", false, false, true),
            b"a\xed\xa0\x80b"
        );
        assert_eq!(esc(b"\xe6\x97", true, false, true), b"<error>");
        assert_eq!(esc(b"\xc0\x80", true, false, true), b"<error>");
        assert_eq!(esc(b"x\x80y", true, false, true), b"x\x80y");
    }
}
