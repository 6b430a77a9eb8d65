//! `dumps`: Python objects to JSON text, with ujson 6's type rules, options and messages.

use hpy::prelude::*;
use hpy::{Bytes, Dict, ExceptionType, Str};

use crate::escape::Escaper;
use crate::names;
use crate::number::write_float;
use crate::stack::{self, Guard};
use crate::ujson_hpy as m;

/// ujson's `JSON_MAX_RECURSION_DEPTH`.
const MAX_LEVEL: u32 = 1024;
/// How many times `default` may turn an object into another unserialisable one.
const DEFAULT_MAX_DEPTH: u32 = 3;
/// How many times a dict's walk follows keys added to it while it is written.
const MAX_DICT_ROUNDS: u32 = 1000;

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

/// What `Encoder::convert` made of a value of another type.
enum Converted<'ctx> {
    /// It wrote the value (a `Decimal`, `__json__`'s text).
    Written,
    /// `toDict()`'s dict.
    Dict(Dict<'ctx>),
    /// `default`'s result, to encode in its place.
    Value(Handle<'ctx>),
}

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
    guard: Guard,
    /// `dict` and the unbound `dict.get`, loaded on the first dict of the call.
    dict_type: Option<Handle<'ctx>>,
    /// Whether the runtime walks dicts' storage ([`Dict::iter_storage`]).
    storage_walk: bool,
}

impl<'ctx, 'o> Encoder<'ctx, 'o> {
    /// An encoder writing into a fresh buffer.
    pub fn new(ctx: Context<'ctx>, opts: &'o Options<'ctx>, guard: Guard) -> Self {
        Encoder {
            ctx,
            opts,
            out: Vec::with_capacity(256),
            decimal: None,
            foreign: 0,
            guard,
            dict_type: None,
            storage_walk: Dict::storage_walk_available(ctx),
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
        match self.known(obj, level) {
            Some(done) => done,
            None => self.foreign_value(obj, level),
        }
    }

    /// Writes a value of the JSON types, the common ones first, each one check (`bool` is a
    /// subclass of `int`); `None` for other types.
    #[inline(always)]
    fn known(&mut self, cur: &Handle<'ctx>, level: u32) -> Option<Done> {
        if let Some(s) = Str::cast(cur) {
            return Some(self.str_value(s));
        }
        if cur.is_int() {
            if cur.is_bool() {
                return Some(self.bool_value(cur));
            }
            return Some(self.int(cur));
        }
        if let Some(d) = Dict::cast(cur) {
            return Some(self.dict(d, level));
        }
        if cur.is_list() || cur.is_tuple() {
            return Some(self.sequence(cur, level));
        }
        if cur.is_float() {
            return Some(
                cur.extract::<f64>()
                    .map_err(Fail::Py)
                    .and_then(|v| self.float(v)),
            );
        }
        if cur.is_none() {
            put_word(&mut self.out, b"null");
            return Some(Ok(()));
        }
        if let Some(b) = Bytes::cast(cur) {
            if !self.opts.reject_bytes {
                let data = b.as_bytes();
                return Some(self.string(data));
            }
        }
        None
    }

    fn bool_value(&mut self, obj: &Handle<'ctx>) -> Done {
        if obj.extract::<bool>()? {
            put_word(&mut self.out, b"true");
        } else {
            put_word(&mut self.out, b"false");
        }
        Ok(())
    }

    /// Other types: `Decimal`, `toDict()`, `__json__()`, then `default` (whose result is
    /// encoded in turn). Everything here may run Python code, which may change the containers
    /// being written. Only the recursion is here: the conversions run in `convert`, so that
    /// this frame, one per level of such values, stays small.
    #[inline(never)]
    fn foreign_value(&mut self, obj: &Handle<'ctx>, level: u32) -> Done {
        let mut cur = match self.convert(obj, 0)? {
            Converted::Written => return Ok(()),
            Converted::Dict(d) => return self.dict(&d, level),
            Converted::Value(v) => v,
        };
        for rounds in 1.. {
            if let Some(done) = self.known(&cur, level) {
                return done;
            }
            cur = match self.convert(&cur, rounds)? {
                Converted::Written => return Ok(()),
                Converted::Dict(d) => return self.dict(&d, level),
                Converted::Value(v) => v,
            };
        }
        unreachable!("the loop returns")
    }

    /// One conversion of a value of another type, the `rounds`-th by `default`.
    #[inline(never)]
    fn convert(&mut self, cur: &Handle<'ctx>, rounds: u32) -> Result<Converted<'ctx>, Fail> {
        self.foreign += 1;
        if self.is_decimal(cur)? {
            let f = self
                .ctx
                .builtin_type(hpy::BuiltinType::Float)
                .call((cur,))?;
            self.float(f.extract::<f64>()?)?;
            return Ok(Converted::Written);
        }
        let to_dict = names::get(self.ctx, &m::NAME_TO_DICT)?;
        if cur.has_attr(&to_dict) {
            let d = cur.call_method(&to_dict, ())?;
            if !d.is_dict() {
                return Err(HPyErr::type_error(format!(
                    "toDict() should return a dict, got {}",
                    d.type_name()
                ))
                .into());
            }
            return Ok(Converted::Dict(Dict::try_from_handle(d)?));
        }
        let json = names::get(self.ctx, &m::NAME_JSON)?;
        if cur.has_attr(&json) {
            let raw = cur.call_method(&json, ())?;
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
            return Ok(Converted::Written);
        }
        let Some(default) = &self.opts.default else {
            let repr = cur.repr()?;
            let repr: &str = repr.extract()?;
            return Err(HPyErr::type_error(format!("{repr} is not JSON serializable")).into());
        };
        if rounds >= DEFAULT_MAX_DEPTH {
            return Err(HPyErr::type_error("maximum recursion depth exceeded").into());
        }
        Ok(Converted::Value(default.call((cur,))?))
    }

    /// Whether `obj` is a `decimal.Decimal` (imported on first need).
    fn is_decimal(&mut self, obj: &Handle<'ctx>) -> HPyResult<bool> {
        if self.decimal.is_none() {
            let ctx = self.ctx;
            let ty =
                m::DECIMAL.get_or_try_init(ctx, || ctx.import("decimal")?.get_attr("Decimal"))?;
            self.decimal = Some(ty);
        }
        let decimal = self.decimal.as_ref().expect("set above");
        Ok(obj.type_check(decimal))
    }

    fn int(&mut self, obj: &Handle<'ctx>) -> Done {
        if self.int_as::<i64>(obj)? || self.int_as::<u64>(obj)? {
            return Ok(());
        }
        // Beyond 64 bits: the decimal digits of `int.__repr__`.
        let text = names::get(self.ctx, &m::INT_REPR)?.call((obj,))?;
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

    #[inline(always)]
    fn newline_indent(&mut self, level: u32) {
        if self.opts.indent > 0 {
            self.indent(level);
        }
    }

    /// A newline and `level` indents.
    #[inline(never)]
    fn indent(&mut self, level: u32) {
        self.out.push(b'\n');
        let n = self.opts.indent as usize * level as usize;
        self.out.extend(std::iter::repeat_n(b' ', n));
    }

    #[inline(never)]
    fn sequence(&mut self, seq: &Handle<'ctx>, level: u32) -> Done {
        if self.guard.exhausted() {
            return Err(stack::error().into());
        }
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

    /// Writes a dict from what it holds: its keys (`HPyDict_Keys`, read from the storage), then
    /// each key's value, looked up without running the class's `__getitem__` (an exact dict's
    /// own lookup, or the unbound `dict.get` for a subclass).
    ///
    /// Python code run for a value (`default`, `toDict`, `str()` of a key) may change the dict.
    /// The result is then what ujson's walk of the storage writes: a key deleted before its
    /// turn is left out, and keys added meanwhile (at the end, in insertion order) are written
    /// after the others. With `sort_keys` the sorted list is a snapshot, as in ujson: added keys
    /// are not written, and a key deleted before its turn is a `RuntimeError` (ujson stops
    /// writing there, leaving unfinished JSON).
    ///
    /// Where the runtime can walk a dict's storage (the CPython ABI, and hpy-rs's runtime:
    /// [`Dict::iter_storage`]), that walk is ujson's own (`PyDict_Next`), for a dict and a
    /// subclass alike, and changes made meanwhile give ujson's result by construction.
    #[inline(always)]
    fn dict(&mut self, dict: &Dict<'ctx>, level: u32) -> Done {
        // Decided once per call, so that the recursive frames carry no walk state.
        if self.storage_walk && !self.opts.sort_keys {
            return self.storage_dict(dict, level);
        }
        let exact = self.is_exact_dict(dict)?;
        if exact && !self.opts.sort_keys {
            self.exact_dict(dict, level)
        } else {
            self.any_dict(dict, level, exact)
        }
    }

    /// A dict written from a walk of its storage. Python code run meanwhile may add entries,
    /// which the walk then writes too; past [`MAX_DICT_ROUNDS`] entries more than the dict had,
    /// the dict is taken to grow without end (`RuntimeError`, as the key-list walk raises).
    #[inline(never)]
    fn storage_dict(&mut self, dict: &Dict<'ctx>, level: u32) -> Done {
        if self.guard.exhausted() {
            return Err(stack::error().into());
        }
        let Some(entries) = dict.iter_storage() else {
            // `storage_walk` said the runtime has the walk; it cannot lose it.
            let exact = self.is_exact_dict(dict)?;
            return self.any_dict(dict, level, exact);
        };
        let limit = dict.len()?.saturating_add(MAX_DICT_ROUNDS as usize);
        self.out.push(b'{');
        let mut count = 0usize;
        for (key, value) in entries {
            if count >= limit {
                return Err(dict_changed());
            }
            if count > 0 {
                put(&mut self.out, &self.opts.item_sep);
            }
            self.newline_indent(level + 1);
            self.key(&key)?;
            put(&mut self.out, &self.opts.key_sep);
            self.encode(&value, level + 1)?;
            count += 1;
        }
        if count > 0 {
            self.newline_indent(level);
        }
        self.out.push(b'}');
        Ok(())
    }

    /// The common case: a `dict` itself, in its own order. The same walk as [`Self::walk`],
    /// without its bookkeeping until Python code runs (it then hands over to it).
    #[inline(never)]
    fn exact_dict(&mut self, dict: &Dict<'ctx>, level: u32) -> Done {
        if self.guard.exhausted() {
            return Err(stack::error().into());
        }
        self.out.push(b'{');
        let keys = dict.keys()?;
        let n = keys.len()?;
        let seen = self.foreign;
        for i in 0..n {
            let key = keys.get_item(i)?;
            let value = match dict.get_item(&key) {
                Ok(value) => value,
                Err(e) => {
                    self.deleted_key(e, seen)?;
                    return self.resume(dict, keys, i + 1, i, seen, level);
                }
            };
            if i > 0 {
                put(&mut self.out, &self.opts.item_sep);
            }
            self.newline_indent(level + 1);
            self.key(&key)?;
            put(&mut self.out, &self.opts.key_sep);
            self.encode(&value, level + 1)?;
            if self.foreign != seen {
                return self.resume(dict, keys, i + 1, i + 1, seen, level);
            }
        }
        if n > 0 {
            self.newline_indent(level);
        }
        self.out.push(b'}');
        Ok(())
    }

    /// A dict subclass, or any dict with `sort_keys`.
    #[inline(never)]
    fn any_dict(&mut self, dict: &Dict<'ctx>, level: u32, exact: bool) -> Done {
        if self.guard.exhausted() {
            return Err(stack::error().into());
        }
        self.out.push(b'{');
        let keys = dict.keys()?;
        if self.opts.sort_keys {
            keys.call_method(&names::get(self.ctx, &m::NAME_SORT)?, ())?;
        }
        let seen = self.foreign;
        self.walk(dict, keys, 0, 0, seen, level, exact)
    }

    /// [`Self::walk`] for an exact dict after Python code ran: out of line, so that it adds
    /// nothing to [`Self::exact_dict`]'s frame.
    #[cold]
    #[inline(never)]
    fn resume(
        &mut self,
        dict: &Dict<'ctx>,
        keys: hpy::List<'ctx>,
        start: usize,
        written: usize,
        seen: u32,
        level: u32,
    ) -> Done {
        self.walk(dict, keys, start, written, seen, level, true)
    }

    /// Writes the items of `dict` from `keys[start..]` (`written` already written, `{`
    /// included), then the keys added meanwhile, and the closing `}`. `seen` is
    /// [`Self::foreign`] before the first of `keys` was written.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn walk(
        &mut self,
        dict: &Dict<'ctx>,
        mut keys: hpy::List<'ctx>,
        mut start: usize,
        mut written: usize,
        mut seen: u32,
        level: u32,
        exact: bool,
    ) -> Done {
        for _round in 0..MAX_DICT_ROUNDS {
            let n = keys.len()?;
            for i in start..n {
                let key = keys.get_item(i)?;
                let found = if exact {
                    dict.get_item(&key)
                } else {
                    self.subclass_value(dict, &key)
                };
                let value = match found {
                    Ok(value) => value,
                    // A key deleted by Python code run for an earlier value.
                    Err(e) => {
                        self.deleted_key(e, seen)?;
                        continue;
                    }
                };
                if written > 0 {
                    put(&mut self.out, &self.opts.item_sep);
                }
                self.newline_indent(level + 1);
                self.key(&key)?;
                put(&mut self.out, &self.opts.key_sep);
                self.encode(&value, level + 1)?;
                written += 1;
            }
            if self.foreign == seen || self.opts.sort_keys {
                if written > 0 {
                    self.newline_indent(level);
                }
                self.out.push(b'}');
                return Ok(());
            }
            // Python code ran: continue with the keys added since.
            seen = self.foreign;
            let now = dict.keys()?;
            start = added_from(&now, &keys)?;
            keys = now;
        }
        Err(dict_changed())
    }

    /// Whether `dict`'s class is `dict` itself.
    fn is_exact_dict(&mut self, dict: &Dict<'ctx>) -> HPyResult<bool> {
        if self.dict_type.is_none() {
            self.dict_type = Some(names::get(self.ctx, &m::DICT_TYPE)?);
        }
        let ty = self.dict_type.as_ref().expect("set above");
        Ok(dict.get_type().is(ty))
    }

    /// `dict.get(d, key)` unbound: the stored value, whatever the subclass defines; a
    /// `KeyError` if there is none.
    #[inline(never)]
    fn subclass_value(&self, dict: &Dict<'ctx>, key: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let missing = names::get(self.ctx, &m::MISSING)?;
        let value = names::get(self.ctx, &m::DICT_GET)?.call((dict, key, &missing))?;
        if value.is(&missing) {
            return Err(HPyErr::new(
                ExceptionType::KeyError,
                "deleted while encoding",
            ));
        }
        Ok(value)
    }

    /// The failed lookup of a key the dict held when its keys were read (`seen` is
    /// [`Self::foreign`] then): a key deleted since by Python code this call ran (a `KeyError`)
    /// is skipped, or with `sort_keys` ends the call; other errors propagate. A key missing
    /// although no such code ran is still in the dict but cannot be found, its hash having
    /// changed since it was inserted: a `RuntimeError`, never an entry left out without a word
    /// (ujson, walking the storage, writes it; so does the storage walk here, where the runtime
    /// has one).
    #[cold]
    #[inline(never)]
    fn deleted_key(&self, e: HPyErr, seen: u32) -> Done {
        if !e.matches(self.ctx, ExceptionType::KeyError) {
            return Err(e.into());
        }
        e.discard(self.ctx);
        if self.foreign == seen {
            return Err(Fail::Py(HPyErr::new(
                ExceptionType::RuntimeError,
                "dictionary keys changed during iteration: a key cannot be found in its dict (its hash changed since it was inserted)",
            )));
        }
        if self.opts.sort_keys {
            return Err(dict_changed());
        }
        Ok(())
    }

    /// A dict key: `str` and `bytes` as they are, `True`/`False`/`None` as JSON words, anything
    /// else through `str()`.
    #[inline(always)]
    fn key(&mut self, key: &Handle<'ctx>) -> Done {
        match Str::cast(key) {
            Some(s) => self.str_value(s),
            None => self.other_key(key),
        }
    }

    /// A key of another type than `str`.
    #[inline(never)]
    fn other_key(&mut self, key: &Handle<'ctx>) -> Done {
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

/// The error for a dict changed in a way the encoder cannot follow.
#[cold]
fn dict_changed() -> Fail {
    Fail::Py(HPyErr::new(
        ExceptionType::RuntimeError,
        "dictionary changed size during iteration",
    ))
}

/// Where the keys added to a dict begin in `now`, its key list, given `before`, the list it
/// had: `now` is `before` less deleted keys, then the added ones (dicts keep insertion order).
#[cold]
fn added_from<'ctx>(now: &hpy::List<'ctx>, before: &hpy::List<'ctx>) -> HPyResult<usize> {
    let (n, m) = (now.len()?, before.len()?);
    let mut j = 0;
    for i in 0..n {
        let key = now.get_item(i)?;
        loop {
            if j == m {
                return Ok(i);
            }
            j += 1;
            if before.get_item(j - 1)?.is(&key) {
                break;
            }
        }
    }
    Ok(n)
}

/// Appends a separator; the usual one-byte ones without a `memcpy` call.
#[inline(always)]
fn put(out: &mut Vec<u8>, sep: &[u8]) {
    match sep {
        [b] => out.push(*b),
        _ => out.extend_from_slice(sep),
    }
}

/// Appends a word of known length (`null`, `true`, ...) with one store, where
/// `extend_from_slice` may stay a call to a copying loop.
#[inline(always)]
fn put_word<const N: usize>(out: &mut Vec<u8>, word: &[u8; N]) {
    out.reserve(N);
    let len = out.len();
    // SAFETY: `reserve` made room for `N` more bytes after `len`; they are written from `word`
    // (which cannot overlap the vector's buffer, a unique borrow) before the length covers them.
    unsafe {
        core::ptr::copy_nonoverlapping(word.as_ptr(), out.as_mut_ptr().add(len), N);
        out.set_len(len + N);
    }
}

/// The UTF-8 bytes of a `str`, lone surrogates encoded as by `surrogatepass`.
pub fn utf8_surrogatepass<'a, 'ctx>(s: &'a Str<'ctx>) -> HPyResult<Utf8<'a, 'ctx>> {
    match s.as_str() {
        Ok(text) => Ok(Utf8::Borrowed(text)),
        Err(e) if e.matches(s.ctx(), ExceptionType::UnicodeEncodeError) => {
            e.discard(s.ctx());
            let name = names::get(s.ctx(), &m::NAME_ENCODE)?;
            let b = s.call_method(&name, ("utf-8", "surrogatepass"))?;
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
