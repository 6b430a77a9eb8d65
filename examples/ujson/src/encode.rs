//! `dumps`: Python objects to JSON text, with ujson 6's type rules, options and messages.

use hpy::prelude::*;
use hpy::ExceptionType;

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
}

/// What an object is, for the encoder.
enum Kind {
    Str,
    Dict,
    List,
    Tuple,
    Int,
    Bool,
    Float,
    None,
    Bytes,
    Other,
}

impl<'ctx, 'o> Encoder<'ctx, 'o> {
    /// An encoder writing into a fresh buffer.
    pub fn new(ctx: Context<'ctx>, opts: &'o Options<'ctx>) -> Self {
        Encoder {
            ctx,
            opts,
            out: Vec::with_capacity(256),
            decimal: None,
            escaper: Escaper::new(
                opts.ensure_ascii,
                opts.encode_html_chars,
                opts.escape_forward_slashes,
            ),
        }
    }

    fn kind(&self, obj: &Handle<'ctx>) -> Kind {
        if obj.is_str() {
            Kind::Str
        } else if obj.is_dict() {
            Kind::Dict
        } else if obj.is_list() {
            Kind::List
        } else if obj.is_int() {
            if obj.is_bool() {
                Kind::Bool
            } else {
                Kind::Int
            }
        } else if obj.is_float() {
            Kind::Float
        } else if obj.is_none() {
            Kind::None
        } else if obj.is_tuple() {
            Kind::Tuple
        } else if obj.is_bytes() {
            Kind::Bytes
        } else {
            Kind::Other
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
            match self.kind(cur) {
                Kind::Str => return self.str_value(cur),
                Kind::Dict => return self.dict(cur, level),
                Kind::List | Kind::Tuple => return self.sequence(cur, level),
                Kind::Int => return self.int(cur),
                Kind::Bool => {
                    let word: &[u8] = if cur.extract::<bool>()? {
                        b"true"
                    } else {
                        b"false"
                    };
                    self.out.extend_from_slice(word);
                    return Ok(());
                }
                Kind::Float => return self.float(cur.extract::<f64>()?),
                Kind::None => {
                    self.out.extend_from_slice(b"null");
                    return Ok(());
                }
                Kind::Bytes if !self.opts.reject_bytes => {
                    let data = cur.as_bytes()?;
                    return self.string(data);
                }
                Kind::Bytes | Kind::Other => {}
            }
            if self.is_decimal(cur)? {
                let f = self
                    .ctx
                    .builtin_type(hpy::BuiltinType::Float)
                    .call((cur,))?;
                return self.float(f.extract::<f64>()?);
            }
            if cur.has_attr("toDict") {
                let d = cur.call_method("toDict", ())?;
                if !d.is_dict() {
                    return Err(HPyErr::type_error(format!(
                        "toDict() should return a dict, got {}",
                        d.type_name()
                    ))
                    .into());
                }
                return self.dict(&d, level);
            }
            if cur.has_attr("__json__") {
                let raw = cur.call_method("__json__", ())?;
                if raw.is_bytes() {
                    self.out.extend_from_slice(raw.as_bytes()?);
                } else if raw.is_str() {
                    let bytes = utf8_surrogatepass(&raw)?;
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

    fn str_value(&mut self, s: &Handle<'ctx>) -> Done {
        match utf8_surrogatepass(s)? {
            Utf8::Borrowed(text) => {
                self.out.reserve(text.len() + 2);
                self.out.push(b'"');
                self.escaper.write_str(&mut self.out, text);
                self.out.push(b'"');
                Ok(())
            }
            owned => self.string(owned.as_slice()),
        }
    }

    /// Writes a quoted, escaped string from UTF-8 (surrogates allowed).
    fn string(&mut self, data: &[u8]) -> Done {
        self.out.reserve(data.len() + 2);
        self.out.push(b'"');
        self.escaper.write(&mut self.out, data)?;
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
        let mut count = 0;
        // The length is read again each round: `default` may change the list.
        while count < n.min(seq.len()?) {
            let item = seq.get_item(count)?;
            if count > 0 {
                let sep = &self.opts.item_sep;
                self.out.extend_from_slice(sep);
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

    fn dict(&mut self, dict: &Handle<'ctx>, level: u32) -> Done {
        self.out.push(b'{');
        let keys = <&hpy::Dict>::from_python(dict)?.keys()?;
        if self.opts.sort_keys {
            keys.call_method("sort", ())?;
        }
        let n = keys.len()?;
        for i in 0..n {
            let key = keys.get_item(i)?;
            let value = dict.get_item(&key)?;
            if i > 0 {
                let sep = &self.opts.item_sep;
                self.out.extend_from_slice(sep);
            }
            self.newline_indent(level + 1);
            self.key(&key)?;
            let sep = &self.opts.key_sep;
            self.out.extend_from_slice(sep);
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
        if key.is_str() {
            return self.str_value(key);
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
        let text = key.str()?;
        self.str_value(&text)
    }
}

/// The UTF-8 bytes of a `str`, lone surrogates encoded as by `surrogatepass`.
pub fn utf8_surrogatepass<'a, 'ctx>(s: &'a Handle<'ctx>) -> HPyResult<Utf8<'a, 'ctx>> {
    match s.extract::<&str>() {
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
