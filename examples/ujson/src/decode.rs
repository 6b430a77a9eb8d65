//! `loads`: JSON text to Python objects, with ujson 6's grammar, limits and error messages.
//!
//! The parser reads UTF-8 bytes (a `str` argument is first encoded with `surrogatepass`, as
//! ujson does, so lone surrogates survive a round trip). Each value is put into its list or
//! dict as soon as it is made, and its handle closed; short object keys are cached for the
//! duration of the call, so a key repeated across objects is one `str` object.

use hpy::prelude::*;
use hpy::{Dict, List, Str};

use crate::number::{parse_float_prefix, python_int};
use crate::stack::{self, Guard};

/// ujson's `JSON_MAX_OBJECT_DEPTH`.
const MAX_DEPTH: u32 = 1024;

/// Why decoding stopped, boxed: an error is rare, and a one-word `Fail` keeps `Parsed` at two
/// words, which every nesting level holds on the stack.
pub struct Fail(Box<Why>);

/// The reason inside a [`Fail`].
pub enum Why {
    /// Malformed JSON: becomes `JSONDecodeError(message)`.
    Json(&'static str),
    /// A Python exception (out of memory, a failing `int()`, ...).
    Py(HPyErr),
}

impl Fail {
    #[cold]
    fn json(msg: &'static str) -> Self {
        Fail(Box::new(Why::Json(msg)))
    }

    /// The reason.
    pub fn why(self) -> Why {
        *self.0
    }
}

impl From<HPyErr> for Fail {
    #[cold]
    fn from(e: HPyErr) -> Self {
        Fail(Box::new(Why::Py(e)))
    }
}

type Parsed<'ctx> = Result<Handle<'ctx>, Fail>;

/// Keys up to this many bytes are cached.
const KEY_MAX: usize = 24;
/// Number of cache slots (a power of two).
const KEY_SLOTS: usize = 256;

/// One cached key: its hash, bytes, length and `str`.
type KeySlot<'ctx> = Option<(u64, [u8; KEY_MAX], u8, Handle<'ctx>)>;

/// A direct-mapped cache of the object keys seen in this call: slot = hash of the bytes.
struct KeyCache<'ctx> {
    slots: Vec<KeySlot<'ctx>>,
}

impl<'ctx> KeyCache<'ctx> {
    fn new() -> Self {
        KeyCache { slots: Vec::new() }
    }

    #[inline]
    fn get_or_make(&mut self, ctx: Context<'ctx>, text: &str) -> HPyResult<Handle<'ctx>> {
        let key = text.as_bytes();
        if key.len() > KEY_MAX {
            return new_str(ctx, text);
        }
        if self.slots.is_empty() {
            self.slots.resize_with(KEY_SLOTS, || None);
        }
        let h = hash(key);
        let slot = &mut self.slots[(h as usize) & (KEY_SLOTS - 1)];
        if let Some((sh, bytes, len, handle)) = slot {
            if *sh == h && usize::from(*len) == key.len() && &bytes[..key.len()] == key {
                return Ok(handle.clone());
            }
        }
        let made = new_str(ctx, text)?;
        let mut bytes = [0u8; KEY_MAX];
        bytes[..key.len()].copy_from_slice(key);
        *slot = Some((h, bytes, key.len() as u8, made.clone()));
        Ok(made)
    }
}

/// A `str` (`Str::new` picks the runtime's fastest constructor).
#[inline]
fn new_str<'ctx>(ctx: Context<'ctx>, text: &str) -> HPyResult<Handle<'ctx>> {
    Ok(Str::new(ctx, text)?.into_handle())
}

/// The key's hash (foldhash, fixed seed: the cache lives for one call).
#[inline]
fn hash(key: &[u8]) -> u64 {
    use core::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(key)
}

/// The parser state of one `loads` call.
pub struct Decoder<'ctx, 'a> {
    ctx: Context<'ctx>,
    s: &'a [u8],
    /// Whether `s` is known to be valid UTF-8 (it came from a `str`).
    valid_utf8: bool,
    pos: usize,
    depth: u32,
    wide: Vec<u32>,
    keys: KeyCache<'ctx>,
    /// The keys of the objects being parsed, one per open object.
    keys_pending: Vec<Handle<'ctx>>,
    guard: Guard,
}

/// The document: the UTF-8 of a `str`, valid by its type, or bytes to be checked.
#[derive(Clone, Copy)]
pub enum Input<'a> {
    /// A `str`'s UTF-8: its strings need no UTF-8 check.
    Text(&'a str),
    /// `bytes` (or a `str` with lone surrogates, encoded with `surrogatepass`).
    Bytes(&'a [u8]),
}

/// Decodes one JSON document (surrounding whitespace allowed).
pub fn decode<'ctx>(ctx: Context<'ctx>, input: Input<'_>, guard: Guard) -> Parsed<'ctx> {
    let (s, valid_utf8) = match input {
        Input::Text(text) => (text.as_bytes(), true),
        Input::Bytes(bytes) => (bytes, false),
    };
    let mut d = Decoder {
        ctx,
        s,
        valid_utf8,
        pos: 0,
        depth: 0,
        wide: Vec::new(),
        keys: KeyCache::new(),
        keys_pending: Vec::new(),
        guard,
    };
    let v = d.any()?;
    d.skip_ws();
    if d.pos < s.len() {
        return Err(Fail::json("Trailing data"));
    }
    Ok(v)
}

impl<'ctx> Decoder<'ctx, '_> {
    /// The byte at `i`, or NUL past the end (ujson reads a NUL-terminated buffer).
    #[inline(always)]
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while matches!(self.at(self.pos), b' ' | b'\t' | b'\r' | b'\n') {
            self.pos += 1;
        }
    }

    /// One value. Inlined into `array` and `object`, so that a nesting level costs one frame
    /// (theirs); the writers of scalars are calls of their own and add nothing to it.
    #[inline(always)]
    fn any(&mut self) -> Parsed<'ctx> {
        self.skip_ws();
        match self.at(self.pos) {
            b'"' => self.string(false),
            b'0'..=b'9' | b'I' | b'N' | b'-' => self.number(),
            b'[' => self.array(),
            b'{' => self.object(),
            b't' => self.literal(b"true", "Unexpected character found when decoding 'true'"),
            b'f' => self.literal(b"false", "Unexpected character found when decoding 'false'"),
            b'n' => self.literal(b"null", "Unexpected character found when decoding 'null'"),
            _ => Err(Fail::json("Expected object or value")),
        }
    }

    #[inline(never)]
    fn literal(&mut self, word: &[u8], err: &'static str) -> Parsed<'ctx> {
        if self.s.get(self.pos..self.pos + word.len()) != Some(word) {
            return Err(Fail::json(err));
        }
        self.pos += word.len();
        Ok(match word[0] {
            b't' => self.ctx.bool(true),
            b'f' => self.ctx.bool(false),
            _ => self.ctx.none(),
        })
    }

    #[inline(never)]
    fn number(&mut self) -> Parsed<'ctx> {
        let ctx = self.ctx;
        let start = self.pos;
        let mut neg = false;
        match self.at(self.pos) {
            b'I' => return self.infinity(false),
            b'N' => {
                if self.s.get(self.pos..self.pos + 3) != Some(b"NaN") {
                    return Err(Fail::json("Unexpected character found when decoding 'NaN'"));
                }
                self.pos += 3;
                return Ok(ctx.to_py(f64::NAN)?);
            }
            b'-' => {
                self.pos += 1;
                neg = true;
                if self.at(self.pos) == b'I' {
                    return self.infinity(true);
                }
            }
            _ => {}
        }
        let limit: u64 = if neg { 1 << 63 } else { u64::MAX };
        let mut value: u64 = 0;
        let mut overflow = false;
        loop {
            match self.at(self.pos) {
                c @ b'0'..=b'9' => {
                    match value
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(u64::from(c - b'0')))
                    {
                        Some(v) if v <= limit => value = v,
                        _ => overflow = true,
                    }
                    self.pos += 1;
                }
                b'.' | b'e' | b'E' => {
                    let (v, used) = parse_float_prefix(&self.s[start..]);
                    self.pos = start + used;
                    return Ok(ctx.to_py(v)?);
                }
                _ => break,
            }
        }
        if overflow {
            return Ok(python_int(ctx, &self.s[start..self.pos])?);
        }
        Ok(if neg {
            // `value <= 2**63`, so the negation fits.
            ctx.to_py((value as i64).wrapping_neg())?
        } else if let Ok(v) = i64::try_from(value) {
            ctx.to_py(v)?
        } else {
            ctx.to_py(value)?
        })
    }

    fn infinity(&mut self, neg: bool) -> Parsed<'ctx> {
        if self.s.get(self.pos..self.pos + 8) != Some(b"Infinity") {
            return Err(Fail::json(if neg {
                "Unexpected character found when decoding '-Infinity'"
            } else {
                "Unexpected character found when decoding 'Infinity'"
            }));
        }
        self.pos += 8;
        let v = if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        Ok(self.ctx.to_py(v)?)
    }

    fn enter(&mut self) -> Result<(), Fail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Fail::json("Reached object decoding depth limit"));
        }
        if self.guard.exhausted() {
            return Err(stack::error().into());
        }
        self.pos += 1;
        Ok(())
    }

    #[inline(never)]
    fn array(&mut self) -> Parsed<'ctx> {
        self.enter()?;
        let list = List::new(self.ctx)?;
        self.skip_ws();
        if self.at(self.pos) == b']' {
            self.pos += 1;
            self.depth -= 1;
            return Ok(list.into_handle());
        }
        loop {
            // Each item goes into the list at once, so no handle stays open longer than it
            // must (on PyPy, open handles and the list builder slow every allocation down).
            let v = self.any()?;
            list.append(&v)?;
            drop(v);
            self.skip_ws();
            let c = self.at(self.pos);
            self.pos += 1;
            match c {
                b',' => {}
                b']' => break,
                _ => {
                    return Err(Fail::json(
                        "Unexpected character found when decoding array value (2)",
                    ))
                }
            }
            self.skip_ws();
            if self.at(self.pos) == b']' {
                return Err(Fail::json(
                    "Unexpected character found when decoding array value (1)",
                ));
            }
        }
        self.depth -= 1;
        Ok(list.into_handle())
    }

    #[inline(never)]
    fn object(&mut self) -> Parsed<'ctx> {
        const BAD_END: &str = "Unexpected character in found when decoding object value";
        self.enter()?;
        let dict = Dict::new(self.ctx)?;
        self.skip_ws();
        if self.at(self.pos) == b'}' {
            self.pos += 1;
            self.depth -= 1;
            return Ok(dict.into_handle());
        }
        loop {
            self.skip_ws();
            if self.at(self.pos) != b'"' {
                return Err(self.bad_key());
            }
            // The key waits in `self.keys_pending` while its value is parsed, rather than in
            // this frame, of which there is one per nesting level.
            self.object_key()?;
            let value = self.any()?;
            self.store(&dict, value)?;
            self.skip_ws();
            let c = self.at(self.pos);
            self.pos += 1;
            match c {
                b',' => {}
                b'}' => break,
                _ => return Err(Fail::json(BAD_END)),
            }
            self.skip_ws();
            if self.at(self.pos) == b'}' {
                return Err(Fail::json(BAD_END));
            }
        }
        self.depth -= 1;
        Ok(dict.into_handle())
    }

    /// `dict[key] = value` with the key `object_key` left, both handles closed at once.
    #[inline(never)]
    fn store(&mut self, dict: &Dict<'ctx>, value: Handle<'ctx>) -> Result<(), Fail> {
        let key = self.keys_pending.pop().expect("pushed by object_key");
        dict.set_item(&key, &value)?;
        Ok(())
    }

    /// A key that is not a string: ujson decodes the value first, then rejects it as a key.
    #[cold]
    #[inline(never)]
    fn bad_key(&mut self) -> Fail {
        match self.any() {
            Ok(_) => Fail::json("Key name of object must be 'string' when decoding 'object'"),
            Err(e) => e,
        }
    }

    /// An object's key and the `:` after it; the key goes onto `keys_pending`. Inlined: a call
    /// per member cost `loads` 2 to 4% (instruction counts) and the object frame stays at 96
    /// bytes, ujson's; `store`, inlined too, would make it 112.
    #[inline(always)]
    fn object_key(&mut self) -> Result<(), Fail> {
        let key = self.string(true)?;
        self.skip_ws();
        if self.at(self.pos) != b':' {
            return Err(Fail::json("No ':' found when decoding object value"));
        }
        self.pos += 1;
        self.keys_pending.push(key);
        Ok(())
    }

    /// A string starting at the opening quote. Runs of plain UTF-8 become the `str` directly;
    /// escapes, lone surrogates and malformed UTF-8 take the code-point path.
    fn string(&mut self, is_key: bool) -> Parsed<'ctx> {
        let start = self.pos + 1;
        let rest = &self.s[start.min(self.s.len())..];
        let end = memchr::memchr3(b'"', b'\\', 0, rest);
        if let Some(n) = end.filter(|&n| rest[n] == b'"') {
            let text = if self.valid_utf8 {
                // SAFETY: `s` is the UTF-8 of a `str`, and the run lies between two ASCII bytes
                // (the quotes), so on character boundaries: it is valid UTF-8 too.
                Some(unsafe { core::str::from_utf8_unchecked(&rest[..n]) })
            } else {
                simdutf8::basic::from_utf8(&rest[..n]).ok()
            };
            if let Some(text) = text {
                self.pos = start + n + 1;
                return if is_key {
                    Ok(self.keys.get_or_make(self.ctx, text)?)
                } else {
                    Ok(new_str(self.ctx, text)?)
                };
            }
        }
        self.string_slow(start)
    }

    /// ujson's string decoder: escapes, surrogate pairs from `\u` escapes, and its UTF-8 checks
    /// (3-byte sequences may encode surrogates, as `surrogatepass` produced them).
    #[inline(never)]
    fn string_slow(&mut self, start: usize) -> Parsed<'ctx> {
        let mut out = std::mem::take(&mut self.wide);
        out.clear();
        let r = self.code_points(start, &mut out);
        let made = r.and_then(|()| Ok(Str::from_wide(self.ctx, &out)?.into_handle()));
        self.wide = out;
        made
    }

    fn code_points(&mut self, start: usize, out: &mut Vec<u32>) -> Result<(), Fail> {
        const BAD_CONT: &str = "Invalid UTF-8 continuation byte when decoding 'string'";
        let mut i = start;
        // Where the last `\uXXXX` high surrogate ended, to pair it with a low one.
        let mut high_end = usize::MAX;
        loop {
            let b = self.at(i);
            match b {
                0 => return Err(Fail::json("Unmatched '\"' when decoding 'string'")),
                b'"' => {
                    self.pos = i + 1;
                    return Ok(());
                }
                b'\\' => {
                    i += 1;
                    let c = match self.at(i) {
                        b'\\' => '\\' as u32,
                        b'"' => '"' as u32,
                        b'/' => '/' as u32,
                        b'b' => 8,
                        b'f' => 12,
                        b'n' => 10,
                        b'r' => 13,
                        b't' => 9,
                        b'u' => {
                            let mut ch: u32 = 0;
                            for k in 1..=4 {
                                let d = match self.at(i + k) {
                                    0 => return Err(Fail::json(
                                        "Unterminated unicode escape sequence when decoding 'string'",
                                    )),
                                    c @ b'0'..=b'9' => c - b'0',
                                    c @ b'a'..=b'f' => c - b'a' + 10,
                                    c @ b'A'..=b'F' => c - b'A' + 10,
                                    _ => return Err(Fail::json(
                                        "Unexpected character in unicode escape sequence when decoding 'string'",
                                    )),
                                };
                                ch = (ch << 4) | u32::from(d);
                            }
                            i += 5;
                            if ch & 0xfc00 == 0xdc00 && high_end.wrapping_add(6) == i {
                                let hi = out.pop().unwrap_or(0xd800);
                                out.push((((hi - 0xd800) << 10) | (ch - 0xdc00)) + 0x10000);
                            } else {
                                out.push(ch);
                            }
                            if ch & 0xfc00 == 0xd800 {
                                high_end = i;
                            }
                            continue;
                        }
                        0 => {
                            return Err(Fail::json(
                                "Unterminated escape sequence when decoding 'string'",
                            ))
                        }
                        _ => {
                            return Err(Fail::json(
                                "Unrecognized escape sequence when decoding 'string'",
                            ))
                        }
                    };
                    out.push(c);
                    i += 1;
                }
                0x01..=0x7f => {
                    out.push(u32::from(b));
                    i += 1;
                }
                0x80..=0xbf => {
                    return Err(Fail::json(
                        "Found UTF-8 continuation byte without corresponding start byte when decoding 'string'",
                    ))
                }
                0xc0..=0xf4 => {
                    let (n, lead, min, overlong) = match b {
                        0xc0..=0xdf => (1, b & 0x1f, 0x80, "Overlong 2-byte UTF-8 sequence detected when decoding 'string'"),
                        0xe0..=0xef => (2, b & 0x0f, 0x800, "Overlong 3-byte UTF-8 sequence detected when encoding string"),
                        _ => (3, b & 0x07, 0x10000, "Overlong 4-byte UTF-8 sequence detected when decoding 'string'"),
                    };
                    let mut ucs = u32::from(lead);
                    for k in 1..=n {
                        let c = self.at(i + k);
                        if c & 0xc0 != 0x80 {
                            return Err(Fail::json(BAD_CONT));
                        }
                        ucs = (ucs << 6) | u32::from(c & 0x3f);
                    }
                    if ucs < min {
                        return Err(Fail::json(overlong));
                    }
                    if ucs > 0x10ffff {
                        return Err(Fail::json(
                            "Code point > U+10FFFF encountered whilst decoding 'string'",
                        ));
                    }
                    out.push(ucs);
                    i += n + 1;
                }
                0xf5..=0xf7 => {
                    return Err(Fail::json(
                        "Code point > U+10FFFF encountered whilst decoding 'string'",
                    ))
                }
                0xf8..=0xff => {
                    return Err(Fail::json(
                        "Invalid UTF-8 sequence length when decoding 'string'",
                    ))
                }
            }
        }
    }
}
