//! `dumps`: Python objects to JSON text, with ujson 6's type rules, options and messages.

use hpy::prelude::*;
use hpy::{Bytes, Dict, ExceptionType, Str};

use crate::escape::Escaper;
use crate::number::write_float;

/// ujson's `JSON_MAX_RECURSION_DEPTH`.
const MAX_LEVEL: u32 = 1024;
/// How many times `default` may turn an object into another unserialisable one.
const DEFAULT_MAX_DEPTH: u32 = 3;

/// The options of one `dumps` call.
pub struct Options<'ctx> {
    /// Escape everything outside ASCII as `\uXXXX`.
    pub ensure_ascii: bool,
    /// Escape `<`, `>` and `&`.
    pub encode_html_chars: bool,
    /// Escape `/` as `\/`.
    pub escape_forward_slashes: bool,
    /// Write dict items in sorted key order.
    pub sort_keys: bool,
    /// Spaces per level; 0 is compact; negative only selects the `": "` key separator.
    pub indent: i32,
    /// Write NaN and Infinity (otherwise they are an error).
    pub allow_nan: bool,
    /// Refuse `bytes` values (otherwise they are written as UTF-8 strings).
    pub reject_bytes: bool,
    /// Called with objects of other types; its result is encoded instead.
    pub default: Option<Handle<'ctx>>,
    /// Written between items.
    pub item_sep: Vec<u8>,
    /// Written between a key and its value.
    pub key_sep: Vec<u8>,
}

/// Why encoding stopped.
pub enum Fail {
    /// ujson's own errors (no Python exception set): raised as `OverflowError(message)`.
    Limit(&'static str),
    /// A Python exception.
    Py(HPyErr),
}

impl From<HPyErr> for Fail {
    fn from(e: HPyErr) -> Self {
        Fail::Py(e)
    }
}

type Done = Result<(), Fail>;

/// The encoder of one `dumps` call.
pub struct Encoder<'ctx, 'o> {
    ctx: Context<'ctx>,
    opts: &'o Options<'ctx>,
    /// The output (UTF-8, with lone surrogates in their `surrogatepass` form).
    pub out: Vec<u8>,
    decimal: Option<Handle<'ctx>>,
    escaper: Escaper,
    /// Counts the calls out to Python code (`default`, `toDict`, `str()` of a key, ...).
    foreign: u32,
}

impl<'ctx, 'o> Encoder<'ctx, 'o> {
    /// An encoder writing into a fresh buffer.
    pub fn new(ctx: Context<'ctx>, opts: &'o Options<'ctx>) -> Self {
        Encoder {
            ctx,
            opts,
            out: Vec::with_capacity(256),
            decimal: None,
            foreign: 0,
            escaper: Escaper::new(
                opts.ensure_ascii,
                opts.encode_html_chars,
                opts.escape_forward_slashes,
            ),
        }
    }

    /// Encodes `obj` at nesting `level`.
    pub fn encode(&mut self, obj: &Handle<'ctx>, level: u32) -> Done {
        if level > MAX_LEVEL {
            return Err(Fail::Limit("Maximum recursion level reached"));
        }
        let mut converted: Option<Handle<'ctx>> = None;
        let mut rounds = 0;
        loop {
            let cur = converted.as_ref().unwrap_or(obj);
            // The common types first, each one check; `bool` is a subclass of `int`.
            if let Some(s) = Str::cast(cur) {
                return self.str_value(s);
            }
            if cur.is_int() {
                if cur.is_bool() {
                    let word: &[u8] = if cur.extract::<bool>()? {
                        b"true"
                    } else {
                        b"false"
                    };
                    self.out.extend_from_slice(word);
                    return Ok(());
                }
                return self.int(cur);
            }
            if let Some(d) = Dict::cast(cur) {
                return self.dict(d, level);
            }
            if cur.is_list() || cur.is_tuple() {
                return self.sequence(cur, level);
            }
            if cur.is_float() {
                return self.float(cur.extract::<f64>()?);
            }
            if cur.is_none() {
                self.out.extend_from_slice(b"null");
                return Ok(());
            }
            if let Some(b) = Bytes::cast(cur) {
                if !self.opts.reject_bytes {
                    let data = b.as_bytes();
                    return self.string(data);
                }
            }
            // Everything below may run Python code, which may change the containers being
            // written.
            self.foreign += 1;
            if self.is_decimal(cur)? {
                let f = self
                    .ctx
                    .builtin_type(hpy::BuiltinType::Float)
                    .call((cur,))?;
                return self.float(f.extract::<f64>()?);
            }
            if cur.has_attr("toDict") {
                let d = cur.call_method("toDict", ())?;
                let Some(d) = Dict::cast(&d) else {
                    return Err(HPyErr::type_error(format!(
                        "toDict() should return a dict, got {}",
                        d.type_name()
                    ))
                    .into());
                };
                return self.dict(d, level);
            }
            if cur.has_attr("__json__") {
                let raw = cur.call_method("__json__", ())?;
                if raw.is_bytes() {
                    self.out.extend_from_slice(raw.as_bytes()?);
                } else if let Some(text) = Str::cast(&raw) {
                    let bytes = utf8_surrogatepass(text)?;
                    self.out.extend_from_slice(bytes.as_slice());
                } else {
                    return Err(HPyErr::type_error(format!(
                        "__json__() should return str or bytes, got {}",
                        raw.type_name()
                    ))
                    .into());
                }
                return Ok(());
            }
            let Some(default) = &self.opts.default else {
                let repr = cur.repr()?;
                let repr: &str = repr.extract()?;
                return Err(HPyErr::type_error(format!("{repr} is not JSON serializable")).into());
            };
            if rounds >= DEFAULT_MAX_DEPTH {
                return Err(HPyErr::type_error("maximum recursion depth exceeded").into());
            }
            converted = Some(default.call((cur,))?);
            rounds += 1;
        }
    }

    /// Whether `obj` is a `decimal.Decimal` (imported on first need).
    fn is_decimal(&mut self, obj: &Handle<'ctx>) -> HPyResult<bool> {
        if self.decimal.is_none() {
            let module = self.ctx.import("decimal")?;
            self.decimal = Some(module.get_attr("Decimal")?);
        }
        let decimal = self.decimal.as_ref().expect("set above");
        Ok(obj.type_check(decimal))
    }

    fn int(&mut self, obj: &Handle<'ctx>) -> Done {
        if self.int_as::<i64>(obj)? || self.int_as::<u64>(obj)? {
            return Ok(());
        }
        // Beyond 64 bits: the decimal digits of `int.__repr__`.
        let text = self
            .ctx
            .builtin_type(hpy::BuiltinType::Int)
            .get_attr("__repr__")?
            .call((obj,))?;
        let text: &str = text.extract()?;
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// Writes `obj` if it fits in `T`; `false` (the OverflowError cleared) if it does not.
    fn int_as<T>(&mut self, obj: &Handle<'ctx>) -> Result<bool, Fail>
    where
        T: itoa::Integer + for<'a> FromPython<'a, 'ctx>,
    {
        match obj.extract::<T>() {
            Ok(v) => {
                self.out
                    .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
                Ok(true)
            }
            Err(e) if e.matches(self.ctx, ExceptionType::OverflowError) => {
                e.discard(self.ctx);
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn float(&mut self, v: f64) -> Done {
        if v.is_finite() {
            write_float(&mut self.out, v);
        } else if !self.opts.allow_nan {
            return Err(Fail::Limit("Invalid value when encoding double"));
        } else if v.is_nan() {
            self.out.extend_from_slice(b"NaN");
        } else if v > 0.0 {
            self.out.extend_from_slice(b"Infinity");
        } else {
            self.out.extend_from_slice(b"-Infinity");
        }
        Ok(())
    }

    fn str_value(&mut self, s: &Str<'ctx>) -> Done {
        match utf8_surrogatepass(s)? {
            Utf8::Borrowed(text) => self.quoted(text.len(), |esc, out| {
                esc.write_str(out, text);
                Ok(())
            }),
            owned => self.string(owned.as_slice()),
        }
    }

    /// Writes a quoted, escaped string from UTF-8 (surrogates allowed).
    fn string(&mut self, data: &[u8]) -> Done {
        self.quoted(data.len(), |esc, out| esc.write(out, data))
    }

    /// Writes `"`, what `write` escapes into the output (about `len` bytes), and `"`.
    #[inline(always)]
    fn quoted(&mut self, len: usize, write: impl FnOnce(&Escaper, &mut Vec<u8>) -> Done) -> Done {
        self.out.reserve(len + 2);
        self.out.push(b'"');
        write(&self.escaper, &mut self.out)?;
        self.out.push(b'"');
        Ok(())
    }

    fn newline_indent(&mut self, level: u32) {
        if self.opts.indent > 0 {
            self.out.push(b'\n');
            let n = self.opts.indent as usize * level as usize;
            self.out.extend(std::iter::repeat_n(b' ', n));
        }
    }

    fn sequence(&mut self, seq: &Handle<'ctx>, level: u32) -> Done {
        self.out.push(b'[');
        let n = seq.len()?;
        let mut len = n;
        let mut seen = self.foreign;
        let mut count = 0;
        loop {
            // Python code run for the last item (`default`, ...) may have shortened the list.
            if seen != self.foreign {
                len = len.min(seq.len()?);
                seen = self.foreign;
            }
            if count >= len {
                break;
            }
            let item = seq.get_item(count)?;
            if count > 0 {
                put(&mut self.out, &self.opts.item_sep);
            }
            self.newline_indent(level + 1);
            self.encode(&item, level + 1)?;
            count += 1;
        }
        if count > 0 {
            self.newline_indent(level);
        }
        self.out.push(b']');
        Ok(())
    }

    fn dict(&mut self, dict: &Dict<'ctx>, level: u32) -> Done {
        self.out.push(b'{');
        let keys = dict.keys()?;
        if self.opts.sort_keys {
            keys.call_method("sort", ())?;
        }
        let n = keys.len()?;
        for i in 0..n {
            let key = keys.get_item(i)?;
            let value = dict.get_item(&key)?;
            if i > 0 {
                put(&mut self.out, &self.opts.item_sep);
            }
            self.newline_indent(level + 1);
            self.key(&key)?;
            put(&mut self.out, &self.opts.key_sep);
            self.encode(&value, level + 1)?;
        }
        if n > 0 {
            self.newline_indent(level);
        }
        self.out.push(b'}');
        Ok(())
    }

    /// A dict key: `str` and `bytes` as they are, `True`/`False`/`None` as JSON words, anything
    /// else through `str()`.
    fn key(&mut self, key: &Handle<'ctx>) -> Done {
        if let Some(s) = Str::cast(key) {
            return self.str_value(s);
        }
        if key.is_bytes() {
            return self.string(key.as_bytes()?);
        }
        if key.is_bool() {
            return self.string(if key.extract::<bool>()? {
                b"true"
            } else {
                b"false"
            });
        }
        if key.is_none() {
            return self.string(b"null");
        }
        self.foreign += 1;
        let text = Str::try_from_handle(key.str()?)?;
        self.str_value(&text)
    }
}

/// Appends a separator; the usual one-byte ones without a `memcpy` call.
#[inline(always)]
fn put(out: &mut Vec<u8>, sep: &[u8]) {
    match sep {
        [b] => out.push(*b),
        _ => out.extend_from_slice(sep),
    }
}

/// The UTF-8 bytes of a `str`, lone surrogates encoded as by `surrogatepass`.
pub fn utf8_surrogatepass<'a, 'ctx>(s: &'a Str<'ctx>) -> HPyResult<Utf8<'a, 'ctx>> {
    match s.as_str() {
        Ok(text) => Ok(Utf8::Borrowed(text)),
        Err(e) if e.matches(s.ctx(), ExceptionType::UnicodeEncodeError) => {
            e.discard(s.ctx());
            let b = s.call_method("encode", ("utf-8", "surrogatepass"))?;
            Ok(Utf8::Owned(b))
        }
        Err(e) => Err(e),
    }
}

/// UTF-8 borrowed from a `str`, or held in a `bytes` object.
pub enum Utf8<'a, 'ctx> {
    /// The runtime's own UTF-8 buffer.
    Borrowed(&'a str),
    /// A `bytes` made by `encode("utf-8", "surrogatepass")`.
    Owned(Handle<'ctx>),
}

impl Utf8<'_, '_> {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Utf8::Borrowed(text) => text.as_bytes(),
            Utf8::Owned(h) => h.as_bytes().unwrap_or(&[]),
        }
    }
}
