//! `ujson_hpy`: a drop-in replacement for [ujson](https://github.com/ultrajson/ultrajson) 6, written
//! in Rust with the `hpy` crate only, so one binary runs on CPython, PyPy and HPy's debug mode.
//!
//! `loads`/`decode`, `dumps`/`encode`, `load`, `dump`, `JSONDecodeError` and `__version__`
//! behave as ujson's: the same keyword options, the same error types and messages.

mod decode;
mod encode;
mod escape;
mod names;
mod number;
mod stack;

/// Fast JSON encoder and decoder (ujson's API, on HPy).
#[hpy::hpy_module]
mod ujson_hpy {
    use hpy::prelude::*;
    use hpy::{Global, Truthy};

    use crate::{decode, encode, names, stack};

    /// `JSONDecodeError`, a `ValueError` subclass raised for malformed input.
    pub static JSON_DECODE_ERROR: Global = Global::new();

    // Made once by `init` (see names.rs): interned method names, ...
    pub static NAME_SORT: Global = Global::new();
    pub static NAME_TO_DICT: Global = Global::new();
    pub static NAME_JSON: Global = Global::new();
    pub static NAME_ENCODE: Global = Global::new();
    pub static NAME_DECODE: Global = Global::new();
    // ... `dict`, the unbound `dict.get` (reads a dict's storage, whatever its class), a private
    // sentinel for it, `int.__repr__`, `sys.getrecursionlimit` and `decimal.Decimal` (on first
    // need).
    pub static DICT_TYPE: Global = Global::new();
    pub static DICT_GET: Global = Global::new();
    pub static MISSING: Global = Global::new();
    pub static INT_REPR: Global = Global::new();
    pub static GET_RECURSION_LIMIT: Global = Global::new();
    pub static DECIMAL: Global = Global::new();

    /// Converts JSON as string to dict object structure.
    #[hpy_method]
    fn loads<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        load_any(ctx, obj)
    }

    /// Converts JSON as string to dict object structure.
    #[hpy_method]
    fn decode<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        load_any(ctx, obj)
    }

    /// Converts JSON as file to dict object structure.
    #[hpy_method(signature = (file, /))]
    fn load<'ctx>(ctx: Context<'ctx>, file: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let read = file_method(file, "read")?;
        let text = read.call(())?;
        load_any(ctx, &text)
    }

    /// Converts arbitrary object recursively into JSON. Use ensure_ascii=false to output UTF-8.
    /// Set encode_html_chars=True to encode < > & as unicode escape sequences. Set
    /// escape_forward_slashes=False to prevent escaping / characters. Set allow_nan=False to
    /// raise an exception when NaN or Infinity would be serialized. Set reject_bytes=True to
    /// raise TypeError on bytes.
    #[allow(clippy::too_many_arguments)]
    #[hpy_method(
        signature = (obj, ensure_ascii = Truthy(true), encode_html_chars = Truthy(false),
                     escape_forward_slashes = Truthy(true), sort_keys = Truthy(false), indent = 0,
                     allow_nan = Truthy(true), reject_bytes = Truthy(true), default = None,
                     separators = None),
        text_signature = "(obj, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)"
    )]
    fn dumps<'ctx>(
        ctx: Context<'ctx>,
        obj: &Handle<'ctx>,
        ensure_ascii: Truthy,
        encode_html_chars: Truthy,
        escape_forward_slashes: Truthy,
        sort_keys: Truthy,
        indent: i32,
        allow_nan: Truthy,
        reject_bytes: Truthy,
        default: Option<Handle<'ctx>>,
        separators: Option<Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let opts = options(
            [
                ensure_ascii,
                encode_html_chars,
                escape_forward_slashes,
                sort_keys,
                allow_nan,
                reject_bytes,
            ],
            indent,
            default,
            separators.as_ref(),
        )?;
        dump_any(ctx, obj, &opts)
    }

    /// Converts arbitrary object recursively into JSON (the same as `dumps`).
    #[allow(clippy::too_many_arguments)]
    #[hpy_method(
        signature = (obj, ensure_ascii = Truthy(true), encode_html_chars = Truthy(false),
                     escape_forward_slashes = Truthy(true), sort_keys = Truthy(false), indent = 0,
                     allow_nan = Truthy(true), reject_bytes = Truthy(true), default = None,
                     separators = None),
        text_signature = "(obj, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)"
    )]
    fn encode<'ctx>(
        ctx: Context<'ctx>,
        obj: &Handle<'ctx>,
        ensure_ascii: Truthy,
        encode_html_chars: Truthy,
        escape_forward_slashes: Truthy,
        sort_keys: Truthy,
        indent: i32,
        allow_nan: Truthy,
        reject_bytes: Truthy,
        default: Option<Handle<'ctx>>,
        separators: Option<Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        dumps(
            ctx,
            obj,
            ensure_ascii,
            encode_html_chars,
            escape_forward_slashes,
            sort_keys,
            indent,
            allow_nan,
            reject_bytes,
            default,
            separators,
        )
    }

    /// Converts arbitrary object recursively into JSON file (keyword options as for `dumps`).
    #[allow(clippy::too_many_arguments)]
    #[hpy_method(
        signature = (obj, file, /, *, ensure_ascii = Truthy(true), encode_html_chars = Truthy(false),
                     escape_forward_slashes = Truthy(true), sort_keys = Truthy(false), indent = 0,
                     allow_nan = Truthy(true), reject_bytes = Truthy(true), default = None,
                     separators = None),
        text_signature = "(obj, file, /, *, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)"
    )]
    fn dump<'ctx>(
        ctx: Context<'ctx>,
        obj: &Handle<'ctx>,
        file: &Handle<'ctx>,
        ensure_ascii: Truthy,
        encode_html_chars: Truthy,
        escape_forward_slashes: Truthy,
        sort_keys: Truthy,
        indent: i32,
        allow_nan: Truthy,
        reject_bytes: Truthy,
        default: Option<Handle<'ctx>>,
        separators: Option<Handle<'ctx>>,
    ) -> HPyResult<()> {
        let write = file_method(file, "write")?;
        let text = dumps(
            ctx,
            obj,
            ensure_ascii,
            encode_html_chars,
            escape_forward_slashes,
            sort_keys,
            indent,
            allow_nan,
            reject_bytes,
            default,
            separators,
        )?;
        write.call((&text,))?;
        Ok(())
    }

    /// `file.<name>`, which must be callable: otherwise `TypeError("expected file")`.
    fn file_method<'ctx>(file: &Handle<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
        if !file.has_attr(name) {
            return Err(HPyErr::type_error("expected file"));
        }
        let m = file.get_attr(name)?;
        if !m.is_callable() {
            return Err(HPyErr::type_error("expected file"));
        }
        Ok(m)
    }

    /// Checks the options as ujson does and gathers them.
    fn options<'ctx>(
        flags: [Truthy; 6],
        indent: i32,
        default: Option<Handle<'ctx>>,
        separators: Option<&Handle<'ctx>>,
    ) -> HPyResult<encode::Options<'ctx>> {
        let [ensure_ascii, encode_html_chars, escape_forward_slashes, sort_keys, allow_nan, reject_bytes] =
            flags.map(|t| t.0);
        if indent > 1000 {
            return Err(HPyErr::value_error("Maximum allowed indentation is 1000"));
        }
        let indent = indent.max(-1);
        let (item_sep, key_sep) = match separators {
            None => (
                b",".to_vec(),
                if indent != 0 {
                    b": ".to_vec()
                } else {
                    b":".to_vec()
                },
            ),
            Some(seps) => {
                if !seps.is_tuple() {
                    return Err(HPyErr::type_error("expected tuple or None as separator"));
                }
                if seps.len()? != 2 {
                    return Err(HPyErr::value_error("expected tuple of size 2 as separator"));
                }
                let item = seps.get_item(0usize)?;
                let Some(item) = hpy::Str::cast(&item) else {
                    return Err(HPyErr::type_error("expected str as item separator"));
                };
                let key = seps.get_item(1usize)?;
                let Some(key) = hpy::Str::cast(&key) else {
                    return Err(HPyErr::type_error("expected str as key separator"));
                };
                (
                    encode::utf8_surrogatepass(item)?.as_slice().to_vec(),
                    encode::utf8_surrogatepass(key)?.as_slice().to_vec(),
                )
            }
        };
        Ok(encode::Options {
            ensure_ascii,
            encode_html_chars,
            escape_forward_slashes,
            sort_keys,
            indent,
            allow_nan,
            reject_bytes,
            default: default.filter(|d| !d.is_none()),
            item_sep,
            key_sep,
        })
    }

    fn dump_any<'ctx>(
        ctx: Context<'ctx>,
        obj: &Handle<'ctx>,
        opts: &encode::Options<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        let mut enc = encode::Encoder::new(ctx, opts, stack::Guard::new(ctx)?);
        match enc.encode(obj, 0) {
            Ok(()) => {}
            Err(encode::Fail::Py(e)) => return Err(e),
            Err(encode::Fail::Limit(msg)) => return Err(HPyErr::overflow_error(msg)),
        }
        let out = enc.out;
        match std::str::from_utf8(&out) {
            Ok(text) => Ok(hpy::Str::new(ctx, text)?.into_handle()),
            // Lone surrogates (or bytes values that are not UTF-8): decode as ujson does.
            Err(_) => {
                let raw = hpy::Bytes::new(ctx, &out)?;
                raw.call_method(&names::get(ctx, &NAME_DECODE)?, ("utf-8", "surrogatepass"))
            }
        }
    }

    fn load_any<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let owned;
        let data = if obj.is_bytes() {
            decode::Input::Bytes(obj.as_bytes()?)
        } else if let Some(text) = hpy::Str::cast(obj) {
            owned = encode::utf8_surrogatepass(text)?;
            match &owned {
                encode::Utf8::Borrowed(text) => decode::Input::Text(text),
                encode::Utf8::Owned(_) => decode::Input::Bytes(owned.as_slice()),
            }
        } else if obj.type_check(&ctx.builtin("bytearray")?) {
            let copy = ctx.builtin_type(hpy::BuiltinType::Bytes).call((obj,))?;
            return load_bytes(ctx, decode::Input::Bytes(copy.as_bytes()?));
        } else {
            let is_buffer = match ctx.builtin_type(hpy::BuiltinType::MemoryView).call((obj,)) {
                Ok(_) => true,
                Err(e) => {
                    e.discard(ctx);
                    false
                }
            };
            return Err(HPyErr::type_error(if is_buffer {
                "Arbitrary bytes-like objects are no longer supported. Use either string, bytes, or bytearray."
            } else {
                "Expected string, bytes, or bytearray"
            }));
        };
        load_bytes(ctx, data)
    }

    fn load_bytes<'ctx>(ctx: Context<'ctx>, data: decode::Input<'_>) -> HPyResult<Handle<'ctx>> {
        match decode::decode(ctx, data, stack::Guard::new(ctx)?) {
            Ok(v) => Ok(v),
            Err(fail) => match fail.why() {
                decode::Why::Py(e) => Err(e),
                decode::Why::Json(msg) => {
                    let class = JSON_DECODE_ERROR.get(ctx).ok_or_else(|| {
                        HPyErr::system_error("ujson_hpy: JSONDecodeError is missing")
                    })?;
                    Err(HPyErr::raise(ctx, &class, msg))
                }
            },
        }
    }

    /// Creates `JSONDecodeError` and sets `__version__`.
    #[hpy_exec]
    fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
        names::init(ctx)?;
        stack::init(ctx)?;
        let base = ctx.builtin("ValueError")?;
        let err = ctx.new_exception(
            "ujson_hpy.JSONDecodeError",
            Some("Raised when the input is not valid JSON."),
            Some(&base),
            None,
        )?;
        JSON_DECODE_ERROR.set(ctx, &err)?;
        module.set_attr("JSONDecodeError", &err)?;
        module.set_attr("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
