//! The buffer protocol: a class hands its memory to `memoryview`, `bytes`, `array`, numpy or
//! `struct.unpack_from` without a copy ([`BufferVec`], [`Export`], `__getbuffer__`), and a
//! function reads any exporter's memory ([`BufferCopy`]).
//!
//! # Exporting
//!
//! Keep the elements in a [`BufferVec<T>`] and return an [`Export`] of it from `__getbuffer__`:
//!
//! ```
//! use hpy::prelude::*;
//! use hpy::{BufferVec, Export};
//!
//! #[hpy_class]
//! pub struct Samples {
//!     data: BufferVec<f64>,
//! }
//!
//! #[hpy_methods]
//! impl Samples {
//!     #[new]
//!     fn new(n: usize) -> Samples {
//!         Samples { data: BufferVec::from(vec![0.0; n]) }
//!     }
//!
//!     /// `memoryview(s)` sees the samples; `memoryview(s).format == "d"`.
//!     fn __getbuffer__(&self) -> Export {
//!         self.data.export()
//!     }
//!
//!     /// Resizing raises `BufferError` while a view is alive.
//!     fn append(&mut self, x: f64) -> HPyResult<()> {
//!         self.data.vec_mut()?.push(x);
//!         Ok(())
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! The elements live in a shared allocation: every live export holds a reference to it, so the
//! memory stays valid whatever happens to the `BufferVec` (moved, replaced, dropped), and
//! [`BufferVec::vec_mut`] and [`BufferVec::as_mut_slice`] raise `BufferError` while an export
//! is alive, the way `bytearray` refuses to resize. While exported, the elements are read and
//! written as [`Cell`]s ([`BufferVec::with_cells`]), which needs the context: that is, the GIL, which
//! Python code writing through the buffer holds too.
//!
//! An export ends when the consumer releases it (`memoryview.release()`, the end of a `with`
//! block, or the view being freed). HPy 0.9 gives the exporter no reliable release call on PyPy
//! (its runtime ignores `HPy_bf_releasebuffer`), so the export's lifetime is tied to the view's
//! `obj` instead, a small capsule that owns the reference to the memory: on CPython it is freed
//! as the view is released; on PyPy when the garbage collector frees the view, so there a
//! resize may still raise `BufferError` after `release()` until a collection. `memoryview(x).obj`
//! is that capsule, not `x`.
//!
//! # Reading any exporter
//!
//! HPy 0.9 has no function to read another object's buffer (there is no `HPy_GetBuffer`): a
//! [`BufferCopy<T>`] parameter takes any object that supports the buffer protocol, checks its
//! format, item size and contiguity through `memoryview`, and copies the elements out.

use core::cell::{Cell, UnsafeCell};
use core::ffi::{c_int, CStr};
use std::sync::Arc;

use crate::sys;
use crate::{Capsule, Context, FromPython, HPyErr, HPyResult, Handle};

mod sealed {
    pub trait Sealed {}
}

/// A plain element type a buffer can hold: a fixed-size number for which every bit pattern is a
/// valid value (a consumer may write any bytes into a writable buffer). `FORMAT` is its
/// `struct` module format character, native size and byte order.
///
/// | Rust | format | | Rust | format |
/// |---|---|---|---|---|
/// | `u8` | `B` | | `i8` | `b` |
/// | `u16` | `H` | | `i16` | `h` |
/// | `u32` | `I` | | `i32` | `i` |
/// | `u64` | `Q` | | `i64` | `q` |
/// | `usize` | `N` | | `isize` | `n` |
/// | `f32` | `f` | | `f64` | `d` |
pub trait Element: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The format string (`c"d"` for `f64`).
    const FORMAT: &'static CStr;
    /// What the element is, for messages (`"float64"`).
    const NAME: &'static str;
    /// The kind of number: `b'i'` signed, `b'u'` unsigned, `b'f'` floating point.
    #[doc(hidden)]
    const KIND: u8;
}

macro_rules! elements {
    ($($t:ty: $f:literal, $name:literal, $kind:literal;)*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const FORMAT: &'static CStr = $f;
            const NAME: &'static str = $name;
            const KIND: u8 = $kind;
        }
    )*};
}
elements! {
    u8: c"B", "uint8", b'u';
    i8: c"b", "int8", b'i';
    u16: c"H", "uint16", b'u';
    i16: c"h", "int16", b'i';
    u32: c"I", "uint32", b'u';
    i32: c"i", "int32", b'i';
    u64: c"Q", "uint64", b'u';
    i64: c"q", "int64", b'i';
    usize: c"N", "size_t", b'u';
    isize: c"n", "ssize_t", b'i';
    f32: c"f", "float32", b'f';
    f64: c"d", "float64", b'f';
}

/// The shared allocation of a [`BufferVec`].
struct Storage<T> {
    vec: UnsafeCell<Vec<T>>,
}

// SAFETY: the vector is only reached through `BufferVec`, whose methods either need `&mut self`
// and no other reference to the storage (`Arc::get_mut`), or the context, that is, the GIL,
// which serialises them with each other and with Python code using an export; exports only keep
// the allocation alive (see `Keep`).
unsafe impl<T: Send> Send for Storage<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Storage<T> {}

/// A growable array of [`Element`]s whose memory a class can export through the buffer protocol
/// ([`export`](BufferVec::export)), and whose size is locked while an export is alive.
pub struct BufferVec<T: Element> {
    inner: Arc<Storage<T>>,
}

impl<T: Element> Default for BufferVec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Element> From<Vec<T>> for BufferVec<T> {
    fn from(v: Vec<T>) -> Self {
        BufferVec {
            inner: Arc::new(Storage {
                vec: UnsafeCell::new(v),
            }),
        }
    }
}

impl<T: Element> core::fmt::Debug for BufferVec<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BufferVec")
            .field("len", &self.len())
            .field("exports", &self.exports())
            .finish()
    }
}

#[cold]
fn exported_error(what: &str, n: usize) -> HPyErr {
    HPyErr::new(
        crate::ExceptionType::BufferError,
        format!("cannot {what}: the buffer has {n} live export(s) (release the memoryview first)"),
    )
}

impl<T: Element> BufferVec<T> {
    /// An empty vector.
    pub fn new() -> Self {
        Self::from(Vec::new())
    }

    fn ptr(&self) -> *mut Vec<T> {
        self.inner.vec.get()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        // SAFETY: the `Vec` header is only written through `vec_mut`, which needs `&mut self`.
        unsafe { (*self.ptr()).len() }
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many exports of this memory are alive.
    pub fn exports(&self) -> usize {
        Arc::strong_count(&self.inner) - 1
    }

    /// The vector itself, to resize or rewrite it; `BufferError` while an export is alive (its
    /// consumer may still read or write the memory).
    pub fn vec_mut(&mut self) -> HPyResult<&mut Vec<T>> {
        let n = self.exports();
        match Arc::get_mut(&mut self.inner) {
            Some(s) => Ok(s.vec.get_mut()),
            None => Err(exported_error("resize the buffer", n)),
        }
    }

    /// The elements as a mutable slice; `BufferError` while an export is alive.
    pub fn as_mut_slice(&mut self) -> HPyResult<&mut [T]> {
        self.vec_mut().map(|v| v.as_mut_slice())
    }

    /// Runs `f` with the elements as cells, readable and writable while exports are alive.
    /// The context stands for the GIL, which every other user of the memory (Python code,
    /// consumers of an export) holds too; the cells cannot leave `f` (nor be sent to another
    /// thread: `&[Cell<T>]` is not `Send`).
    pub fn with_cells<R>(&self, _ctx: Context<'_>, f: impl FnOnce(&[Cell<T>]) -> R) -> R {
        let v = self.ptr();
        // SAFETY: `Cell<T>` has `T`'s layout; the elements are only written through cells (here,
        // under the GIL) or through exports by code that holds the GIL, and the `Vec` is not
        // resized while `&self` is borrowed (`vec_mut` needs `&mut self`).
        let cells =
            unsafe { core::slice::from_raw_parts((*v).as_ptr().cast::<Cell<T>>(), (*v).len()) };
        f(cells)
    }

    /// The element at `i`, if there is one.
    pub fn get(&self, ctx: Context<'_>, i: usize) -> Option<T> {
        self.with_cells(ctx, |c| c.get(i).map(Cell::get))
    }

    /// Sets the element at `i`; `IndexError` if out of range.
    pub fn set(&self, ctx: Context<'_>, i: usize, value: T) -> HPyResult<()> {
        self.with_cells(ctx, |c| match c.get(i) {
            Some(c) => {
                c.set(value);
                Ok(())
            }
            None => Err(HPyErr::new(
                crate::ExceptionType::IndexError,
                "index out of range",
            )),
        })
    }

    /// A copy of the elements.
    pub fn to_vec(&self, ctx: Context<'_>) -> Vec<T> {
        self.with_cells(ctx, |c| c.iter().map(Cell::get).collect())
    }

    /// A writable, one-dimensional export of all the elements.
    pub fn export(&self) -> Export {
        let len = self.len();
        Export {
            keep: Box::new(Keep(Arc::clone(&self.inner))),
            // SAFETY: reading the data pointer of the `Vec`, which is not resized while `&self` is
            // borrowed.
            buf: unsafe { (*self.ptr()).as_mut_ptr().cast() },
            itemsize: core::mem::size_of::<T>() as isize,
            format: T::FORMAT,
            readonly: false,
            shape: vec![len as isize],
            strides: vec![core::mem::size_of::<T>() as isize],
            count: len,
        }
    }
}

/// Keeps a [`BufferVec`]'s memory alive for an export.
struct Keep<T>(#[allow(dead_code)] Arc<Storage<T>>);

/// What `__getbuffer__` returns: a view of a [`BufferVec`]'s memory (all of it by default,
/// one-dimensional and writable), described by its shape and strides.
///
/// The export holds a reference to the memory until the consumer releases it.
pub struct Export {
    keep: Box<dyn Send>,
    buf: *mut u8,
    itemsize: isize,
    format: &'static CStr,
    readonly: bool,
    shape: Vec<isize>,
    /// In bytes.
    strides: Vec<isize>,
    /// Elements of the vector (for the bounds check of `shaped`).
    count: usize,
}

// SAFETY: `buf` points into the memory `keep` keeps alive; it is only handed to the runtime.
unsafe impl Send for Export {}

impl Export {
    /// The export is read-only: a consumer asking for a writable buffer gets `BufferError`.
    pub fn readonly(mut self) -> Self {
        self.readonly = true;
        self
    }

    /// Views the elements as a C-contiguous (row-major) array of the given shape, whose
    /// product must be the number of elements (`ValueError` otherwise).
    pub fn reshape(self, shape: &[usize]) -> HPyResult<Self> {
        let mut strides = vec![0usize; shape.len()];
        let mut step = 1usize;
        for (i, &n) in shape.iter().enumerate().rev() {
            strides[i] = step;
            step = step.saturating_mul(n);
        }
        if step != self.count {
            return Err(HPyErr::value_error(format!(
                "cannot view {} elements as shape {shape:?}",
                self.count
            )));
        }
        self.strided(0, shape, &strides)
    }

    /// A strided view: the element at index `(i0, i1, ...)` is element
    /// `offset + i0 * strides[0] + i1 * strides[1] + ...` of the vector (strides in elements,
    /// non-negative). `ValueError` if the view reaches outside the vector or the lengths of
    /// `shape` and `strides` differ.
    pub fn strided(mut self, offset: usize, shape: &[usize], strides: &[usize]) -> HPyResult<Self> {
        if shape.len() != strides.len() || shape.is_empty() || shape.len() > 64 {
            return Err(HPyErr::value_error(
                "a buffer view needs 1 to 64 dimensions and one stride per dimension",
            ));
        }
        let empty = shape.contains(&0);
        let last = shape.iter().zip(strides).try_fold(offset, |acc, (&n, &s)| {
            acc.checked_add(n.saturating_sub(1).checked_mul(s)?)
        });
        match last {
            Some(l) if empty || l < self.count => {}
            _ => {
                return Err(HPyErr::value_error(format!(
                    "the view (offset {offset}, shape {shape:?}, strides {strides:?}) reaches outside the {} elements",
                    self.count
                )))
            }
        }
        let item = self.itemsize as usize;
        if !empty {
            // In bounds (checked above), so the offset stays inside the allocation.
            self.buf = self.buf.wrapping_add(offset * item);
        }
        self.shape = shape.iter().map(|&n| n as isize).collect();
        self.strides = strides.iter().map(|&s| (s * item) as isize).collect();
        Ok(self)
    }

    fn len_bytes(&self) -> isize {
        self.shape.iter().product::<isize>() * self.itemsize
    }

    fn is_c_contiguous(&self) -> bool {
        let mut step = self.itemsize;
        for (&n, &s) in self.shape.iter().zip(&self.strides).rev() {
            if n > 1 && s != step {
                return false;
            }
            step *= n;
        }
        true
    }

    fn is_f_contiguous(&self) -> bool {
        let mut step = self.itemsize;
        for (&n, &s) in self.shape.iter().zip(&self.strides) {
            if n > 1 && s != step {
                return false;
            }
            step *= n;
        }
        true
    }
}

// The request flags (CPython's `PyBUF_*`, HPy's `HPyBUF_*`).
const WRITABLE: c_int = 0x0001;
const FORMAT: c_int = 0x0004;
const ND: c_int = 0x0008;
const STRIDES: c_int = 0x0010 | ND;
const C_CONTIGUOUS: c_int = 0x0020 | STRIDES;
const F_CONTIGUOUS: c_int = 0x0040 | STRIDES;
const ANY_CONTIGUOUS: c_int = 0x0080 | STRIDES;

/// What the view's `obj` owns: the reference to the memory, and the shape and strides the view
/// points to.
struct Record {
    _keep: Box<dyn Send>,
    shape: Vec<isize>,
    strides: Vec<isize>,
}

/// Fills `view` from `export` for a request with `flags` (`bf_getbuffer`).
///
/// # Safety
///
/// `view` must be the view the runtime passed to this call.
pub(crate) unsafe fn fill_view<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    export: Export,
    view: *mut sys::HPy_buffer,
    flags: c_int,
) -> HPyResult<()> {
    let refuse = |why: &str| {
        Err(HPyErr::new(
            crate::ExceptionType::BufferError,
            format!("'{}' object: {why}", obj.type_name()),
        ))
    };
    if flags & WRITABLE != 0 && export.readonly {
        return refuse("the buffer is read-only");
    }
    let c = export.is_c_contiguous();
    if flags & STRIDES != STRIDES && !c {
        return refuse("the buffer is not C-contiguous (ask for strides)");
    }
    if flags & C_CONTIGUOUS == C_CONTIGUOUS && !c {
        return refuse("the buffer is not C-contiguous");
    }
    if flags & F_CONTIGUOUS == F_CONTIGUOUS && !export.is_f_contiguous() {
        return refuse("the buffer is not Fortran-contiguous");
    }
    if flags & ANY_CONTIGUOUS == ANY_CONTIGUOUS && !c && !export.is_f_contiguous() {
        return refuse("the buffer is not contiguous");
    }
    let len = export.len_bytes();
    let Export {
        keep,
        buf,
        itemsize,
        format,
        readonly,
        shape,
        strides,
        ..
    } = export;
    let ndim = shape.len() as c_int;
    let record = Record {
        _keep: keep,
        shape,
        strides,
    };
    // The vectors' buffers do not move with the record.
    let (shape_ptr, strides_ptr) = (
        record.shape.as_ptr().cast_mut(),
        record.strides.as_ptr().cast_mut(),
    );
    let capsule = Capsule::new(ctx, record, Some(c"hpy.buffer.export"))?;
    // SAFETY: `view` is the runtime's view for this call; the shape, strides and format live as
    // long as the capsule, which the view owns (`obj`) until it is released.
    unsafe {
        view.write(sys::HPy_buffer {
            buf: buf.cast(),
            obj: capsule.into_handle().into_raw(),
            len,
            itemsize,
            readonly: c_int::from(readonly),
            ndim: if flags & ND == ND { ndim } else { 1 },
            format: if flags & FORMAT != 0 {
                format.as_ptr().cast_mut()
            } else {
                core::ptr::null_mut()
            },
            shape: if flags & ND == ND {
                shape_ptr
            } else {
                core::ptr::null_mut()
            },
            strides: if flags & STRIDES == STRIDES {
                strides_ptr
            } else {
                core::ptr::null_mut()
            },
            suboffsets: core::ptr::null_mut(),
            internal: core::ptr::null_mut(),
        });
    }
    Ok(())
}

/// A copy of the elements of any object that supports the buffer protocol (`bytes`,
/// `bytearray`, `array.array`, numpy arrays, `memoryview`, classes exporting a
/// [`BufferVec`]), checked to hold `T`s: as a function parameter, `xs: BufferCopy<f64>` accepts
/// `array.array('d', ...)` or a float64 numpy array. It derefs to `[T]`.
///
/// HPy 0.9 has no call to read another object's buffer in place, so the elements are copied
/// (through `memoryview(obj).tobytes()`).
///
/// Errors: `TypeError` when the object has no buffer or its format is not `T`'s (format `B`,
/// `b` or `c` buffers of other element types are refused too), `ValueError` when its item size
/// is not `T`'s, `BufferError` when it is not C-contiguous.
#[derive(Clone, Debug, PartialEq)]
pub struct BufferCopy<T: Element>(pub Vec<T>);

impl<T: Element> core::ops::Deref for BufferCopy<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

/// Whether the `struct` format `fmt` describes native `T`s.
fn format_matches<T: Element>(fmt: &str) -> bool {
    let body = match fmt.as_bytes().first() {
        Some(b'@') | Some(b'=') => &fmt[1..],
        Some(b'<') if cfg!(target_endian = "little") => &fmt[1..],
        Some(b'>') | Some(b'!') if cfg!(target_endian = "big") => &fmt[1..],
        _ => fmt,
    };
    let [c] = body.as_bytes() else { return false };
    let kind = match c {
        b'b' | b'h' | b'i' | b'l' | b'q' | b'n' => b'i',
        b'B' | b'H' | b'I' | b'L' | b'Q' | b'N' => b'u',
        b'f' | b'd' => b'f',
        _ => return false,
    };
    kind == T::KIND
}

impl<'a, 'ctx, T: Element> FromPython<'a, 'ctx> for BufferCopy<T> {
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.ctx();
        let mv_type = ctx.builtin_type(crate::BuiltinType::MemoryView);
        let mv = mv_type.call((obj.clone(),)).map_err(|e| {
            e.discard(ctx);
            HPyErr::type_error(format!(
                "expected an object supporting the buffer protocol with {} items, not '{}'",
                T::NAME,
                obj.type_name()
            ))
        })?;
        let copy = (|| {
            let fmt: String = mv.get_attr("format")?.extract()?;
            if !format_matches::<T>(&fmt) {
                return Err(HPyErr::type_error(format!(
                    "expected a buffer of {} (format '{}'), got format '{fmt}'",
                    T::NAME,
                    T::FORMAT.to_str().unwrap_or("?")
                )));
            }
            let itemsize: usize = mv.get_attr("itemsize")?.extract()?;
            if itemsize != core::mem::size_of::<T>() {
                return Err(HPyErr::value_error(format!(
                    "expected a buffer of {}-byte items ({}), got {itemsize}-byte items",
                    core::mem::size_of::<T>(),
                    T::NAME
                )));
            }
            if !mv.get_attr("c_contiguous")?.is_true()? {
                return Err(HPyErr::new(
                    crate::ExceptionType::BufferError,
                    "expected a C-contiguous buffer",
                ));
            }
            let bytes = mv.call_method("tobytes", ())?;
            let raw: &[u8] = bytes.extract()?;
            let n = raw.len() / itemsize;
            let mut out: Vec<T> = Vec::with_capacity(n);
            // SAFETY: `raw` holds `n` items of `T`'s size, and every bit pattern is a valid `T`
            // (`Element`); the copy is unaligned-safe (bytes).
            unsafe {
                core::ptr::copy_nonoverlapping(
                    raw.as_ptr(),
                    out.as_mut_ptr().cast::<u8>(),
                    n * itemsize,
                );
                out.set_len(n);
            }
            Ok(BufferCopy(out))
        })()?;
        mv.call_method("release", ())?;
        Ok(copy)
    }
}
