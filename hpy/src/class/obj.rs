//! `Obj<T>`: a handle known to be an instance of an `#[hpy_class]`, and borrows of its value.

use core::cell::Cell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use super::layout::{
    check_thread, claim, payload, raw_field, value_offset, Header, FREE, MUT, UNINIT,
};
use super::{Field, HPyClass};
use crate::err::status;
use crate::sys;
use crate::{Context, FromPython, HPyErr, HPyResult, Handle, IntoPython};

/// An owned handle to an instance of the `#[hpy_class]` `T` (or of a Python subclass of it).
///
/// It derefs to [`Handle`] for the object protocol, and reaches the Rust value through
/// [`borrow`](Obj::borrow) and [`borrow_mut`](Obj::borrow_mut). As a parameter of an
/// `#[hpy_method]` it checks the argument's type (`TypeError` otherwise); in `#[hpy_methods]`,
/// `this: &Obj<'_, Self>` in place of `&self` gives the method its own object.
pub struct Obj<'ctx, T: HPyClass> {
    handle: Handle<'ctx>,
    /// The instance's struct, or NULL until first needed: a method that takes
    /// `this: &Obj<'_, Self>` and never reaches the value makes no `HPy_AsStruct` call (a context
    /// call of 25-30 ns on PyPy).
    data: Cell<*mut u8>,
    _t: PhantomData<*const T>,
}

impl<'ctx, T: HPyClass> Obj<'ctx, T> {
    /// Creates an instance holding `value` (`HPy_New` on the class's type).
    ///
    /// The class must have been added to a module that has been created; only classes with the
    /// plain object shape can be made this way.
    pub fn new(ctx: Context<'ctx>, value: T) -> HPyResult<Self> {
        let ty = T::export().type_object(ctx)?;
        // SAFETY: `ty` is the class's type.
        unsafe { Self::new_of_type(ctx, &ty, value) }
    }

    /// `HPy_New` on `ty` and moves `value` in.
    ///
    /// # Safety
    ///
    /// `ty` must be `T`'s type or a subtype of it.
    #[doc(hidden)]
    pub unsafe fn new_of_type(ctx: Context<'ctx>, ty: &Handle<'ctx>, value: T) -> HPyResult<Self> {
        if T::SPEC.shape != crate::BuiltinShape::Object {
            return Err(HPyErr::type_error(format!(
                "{} extends a built-in type: create it by calling the type",
                T::SPEC.py_name()
            )));
        }
        check_new_type_on_pypy::<T>(ctx, ty)?;
        let mut data: *mut core::ffi::c_void = core::ptr::null_mut();
        // SAFETY: `ty` is an open type handle; `HPy_New` writes the address of the zeroed struct.
        let h = unsafe { ctx.own(call!(ctx, ctx_New, ty.as_raw(), &raw mut data))? };
        check_subclass_instance::<T>(&h)?;
        // For a Python subclass, CPython's `HPy_New` reports the object's own address (it is not
        // an HPy type); the struct is where the class's accessor says.
        // SAFETY: `h` is an instance of `ty`, a subtype of `T`'s type.
        let data = NonNull::new(unsafe { payload::<T>(ctx, h.as_raw()) })
            .ok_or_else(|| HPyErr::system_error("HPy_New returned no instance data"))?;
        // SAFETY: the struct is zeroed (state UNINIT) and sized for `T` at `value_offset`.
        unsafe {
            data.as_ptr()
                .add(value_offset::<T>())
                .cast::<T>()
                .write(value);
            let header = &*data.as_ptr().cast::<Header>();
            header.state.set(FREE);
            claim::<T>(data.as_ptr());
        }
        Ok(Obj {
            handle: h,
            data: Cell::new(data.as_ptr()),
            _t: PhantomData,
        })
    }

    /// Wraps a handle whose type the runtime has already checked (`self` of a method or slot).
    ///
    /// # Safety
    ///
    /// `h` must be an instance of `T`'s type or of a subtype.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn trusted(h: Handle<'ctx>) -> HPyResult<Self> {
        check_subclass_instance::<T>(&h)?;
        // SAFETY: forwarded.
        Ok(unsafe { Self::unchecked(h) })
    }

    /// As `trusted`, without the debug-mode subclass check.
    ///
    /// # Safety
    ///
    /// As `trusted`, and the struct must be reachable (see `check_subclass_instance`).
    #[inline(always)]
    pub(crate) unsafe fn unchecked(h: Handle<'ctx>) -> Self {
        // The struct is fetched when first needed (`data`), which the caller's promise covers:
        // `h` stays an instance of `T` for as long as the `Obj` holds it.
        Obj {
            handle: h,
            data: Cell::new(core::ptr::null_mut()),
            _t: PhantomData,
        }
    }

    /// The instance's struct (`HPy_AsStruct` on first use).
    #[inline(always)]
    fn data(&self) -> HPyResult<NonNull<u8>> {
        match NonNull::new(self.data.get()) {
            Some(p) => Ok(p),
            None => {
                let h = &self.handle;
                // SAFETY: `h` is an instance of `T`'s type or a subtype whose struct is reachable
                // (the constructors' contract).
                let p = NonNull::new(unsafe { payload::<T>(h.ctx(), h.as_raw()) })
                    .ok_or_else(no_struct::<T>)?;
                self.data.set(p.as_ptr());
                Ok(p)
            }
        }
    }

    /// Whether `obj` is an instance of `T`'s type (false before the class was added to a module).
    pub fn is_instance(obj: &Handle<'ctx>) -> HPyResult<bool> {
        let ty = T::export().type_object(obj.ctx())?;
        Ok(obj.type_check(&ty))
    }

    /// The instance behind `obj`, or `None` if it is of another type.
    pub fn cast(obj: &Handle<'ctx>) -> HPyResult<Option<Self>> {
        if Self::is_instance(obj)? {
            // SAFETY: just checked.
            unsafe { Self::trusted(obj.clone()) }.map(Some)
        } else {
            Ok(None)
        }
    }

    /// The instance's handle.
    pub fn handle(&self) -> &Handle<'ctx> {
        &self.handle
    }

    /// Gives up the typed view.
    pub fn into_handle(self) -> Handle<'ctx> {
        self.handle
    }

    /// The header of the struct at `data` (this instance's, from [`Obj::data`]).
    fn header_at(&self, data: NonNull<u8>) -> &Header {
        // SAFETY: every instance struct starts with the header; it lives as long as `self`.
        unsafe { &*data.as_ptr().cast::<Header>() }
    }

    /// Where the value sits in the struct at `data` (this instance's, from [`Obj::data`]).
    fn value_at(data: NonNull<u8>) -> *mut T {
        data.as_ptr().wrapping_add(value_offset::<T>()).cast()
    }

    /// Stores `T::default()` into an instance made without `#[new]`, if the class allows it;
    /// returns the header of the struct at `data` (this instance's).
    #[inline(always)]
    fn ensure_init(&self, data: NonNull<u8>) -> HPyResult<&Header> {
        let header = self.header_at(data);
        if header.state.get() != UNINIT {
            // SAFETY: the struct of this live instance of `T`.
            unsafe { check_thread::<T>(data.as_ptr()) }?;
            return Ok(header);
        }
        self.init_default(data)?;
        Ok(header)
    }

    #[cold]
    fn init_default(&self, data: NonNull<u8>) -> HPyResult<()> {
        match T::lazy_default() {
            Some(v) => {
                // `lazy_default` cannot re-enter Python (it gets no context), so the state is
                // still UNINIT here.
                // SAFETY: the value slot is unused (UNINIT) and sized for `T`.
                unsafe { Self::value_at(data).write(v) };
                self.header_at(data).state.set(FREE);
                // SAFETY: the struct of this live instance of `T`.
                unsafe { claim::<T>(data.as_ptr()) };
                Ok(())
            }
            None => Err(HPyErr::type_error(format!(
                "{} object is not initialized (it was not created by {}.__new__)",
                T::SPEC.py_name(),
                T::SPEC.py_name()
            ))),
        }
    }

    /// Borrows the Rust value; `RuntimeError` while it is mutably borrowed.
    #[inline]
    pub fn borrow(&self) -> HPyResult<Ref<'_, T>> {
        let data = self.data()?;
        let header = self.ensure_init(data)?;
        let state = &header.state;
        let s = state.get();
        if s == MUT {
            return Err(HPyErr::runtime_error(format!(
                "{} object is already mutably borrowed",
                T::SPEC.py_name()
            )));
        }
        state.set(s + 1);
        Ok(Ref {
            // SAFETY: the value is initialised and no mutable borrow exists (flag checked).
            value: unsafe { &*Self::value_at(data) },
            header,
        })
    }

    /// Borrows the Rust value mutably; `RuntimeError` while it is borrowed.
    #[inline]
    pub fn borrow_mut(&self) -> HPyResult<RefMut<'_, T>> {
        let data = self.data()?;
        let header = self.ensure_init(data)?;
        let state = &header.state;
        if state.get() != FREE {
            return Err(HPyErr::runtime_error(format!(
                "{} object is already borrowed",
                T::SPEC.py_name()
            )));
        }
        state.set(MUT);
        Ok(RefMut {
            // SAFETY: the value is initialised and no other borrow exists (flag checked).
            value: unsafe { &mut *Self::value_at(data) },
            header,
        })
    }

    /// Which raw field `field` names; an error if it is not a member of this instance's value.
    fn field_index(&self, field: &Field) -> HPyResult<usize> {
        let off =
            (field as *const Field as usize).wrapping_sub(Self::value_at(self.data()?) as usize);
        T::SPEC
            .field_offsets
            .iter()
            .position(|&o| o == off)
            .ok_or_else(|| {
                HPyErr::system_error(format!(
                    "the Field is not a member of this {} object",
                    T::SPEC.py_name()
                ))
            })
    }

    /// The object in `field` (`HPyField_Load`), or `None` if the field is empty.
    pub fn load(&self, field: &Field) -> HPyResult<Option<Handle<'ctx>>> {
        let i = self.field_index(field)?;
        let ctx = self.handle.ctx();
        let raw = raw_field::<T>(self.data()?.as_ptr(), i);
        // SAFETY: `raw` is one of this instance's raw fields, only written by `HPyField_Store`.
        unsafe {
            if (*raw)._i == 0 {
                return Ok(None);
            }
            ctx.own(call!(ctx, ctx_Field_Load, self.handle.as_raw(), *raw))
                .map(Some)
        }
    }

    /// Puts `value` into `field` (`HPyField_Store`), or empties it with `None`; the previous
    /// object is released.
    pub fn store(&self, field: &Field, value: Option<&Handle<'ctx>>) -> HPyResult<()> {
        let i = self.field_index(field)?;
        let ctx = self.handle.ctx();
        let raw = raw_field::<T>(self.data()?.as_ptr(), i);
        let v = crate::handle::raw_or_null(value);
        // SAFETY: `raw` is one of this instance's raw fields and the owner is the instance;
        // `Store` does not steal `v`.
        unsafe { call!(ctx, ctx_Field_Store, self.handle.as_raw(), raw, v) };
        Ok(())
    }

    /// Makes `f` this object's call function (`HPy_SetCallFunction`). The class must define
    /// `__call__`, otherwise the runtime raises `TypeError`.
    ///
    /// PyPy 3.11's HPy installs the function for every instance of the type rather than for
    /// this object; there this raises `NotImplementedError` and changes nothing.
    pub fn set_call_function(&self, f: &'static CallFunction<T>) -> HPyResult<()> {
        let ctx = self.handle.ctx();
        if !crate::ffi::runtime::is_cpython() {
            return Err(HPyErr::new(
                crate::ExceptionType::NotImplementedError,
                "set_call_function: this runtime's HPy_SetCallFunction changes every instance of the type, not one object",
            ));
        }
        // SAFETY: the call function is static and has the KEYWORDS signature.
        status(unsafe {
            call!(
                ctx,
                ctx_SetCallFunction,
                self.handle.as_raw(),
                (&raw const f.raw).cast_mut()
            )
        })
    }
}

/// Whether an instance of a Python subclass of `T` is harmless on PyPy: PyPy's HPy fails an
/// RPython assertion (killing the process) when it calls `tp_destroy` on such an instance, and
/// `T` has no `tp_destroy` when it needs no `Drop` and holds no `Field` (as a `subclass` class).
pub(crate) const fn subclass_instances_harmless<T: HPyClass>() -> bool {
    T::SPEC.subclass || (!core::mem::needs_drop::<T>() && T::SPEC.field_offsets.is_empty())
}

/// The check CPython's `__new__` wrapper makes and PyPy's HPy does not: that `ty`, the class
/// `T::__new__` was called with, is `T`'s type or a subtype of it (else `HPy_New` would make an
/// instance of another class, whose struct the Rust value would overrun). And, as PyPy's HPy
/// ignores a missing `HPy_TPFLAGS_BASETYPE`: the SDK's `__init_subclass__` refuses the class
/// statement there, but a second base can get past it, so an instance of a Python subclass of a
/// class whose instances would crash PyPy (see [`subclass_instances_harmless`]) is refused too.
#[inline]
pub(crate) fn check_new_type_on_pypy<'ctx, T: HPyClass>(
    ctx: Context<'ctx>,
    ty: &Handle<'ctx>,
) -> HPyResult<()> {
    if crate::ffi::runtime::is_cpython() {
        return Ok(());
    }
    let own = T::export().type_object(ctx)?;
    if ty.is(&own) {
        return Ok(());
    }
    not_own_type::<T>(ty, own)
}

#[cold]
fn not_own_type<'ctx, T: HPyClass>(ty: &Handle<'ctx>, own: Handle<'ctx>) -> HPyResult<()> {
    let ty = crate::Type::try_from_handle(ty.clone())?;
    let name = ty.name()?;
    if !ty.is_subtype(&crate::Type::try_from_handle(own)?) {
        let own = T::SPEC.py_name();
        return Err(HPyErr::type_error(format!(
            "{own}.__new__({name}): {name} is not a subtype of {own}"
        )));
    }
    if subclass_instances_harmless::<T>() {
        return Ok(());
    }
    Err(HPyErr::type_error(format!(
        "cannot create instances of '{name}', a Python subclass of '{}': that class is not marked `subclass` (the subclass got past its `__init_subclass__` through another base's)",
        T::SPEC.py_name()
    )))
}

/// PyPy's `object.__new__(cls)` makes an instance of an HPy type without a struct (CPython
/// refuses to: `cls.__new__` must make it); its struct address is NULL.
#[cold]
fn no_struct<T: HPyClass>() -> HPyErr {
    HPyErr::type_error(format!(
        "this {name} object has no instance data: object.__new__({name}) is not safe, use {name}.__new__()",
        name = T::SPEC.py_name()
    ))
}

/// HPy's debug mode aborts the process when the struct of an instance of a Python subclass of an
/// HPy type is asked for: on CPython such a subclass reports the legacy shape. Raise instead.
#[cold]
fn subclass_mismatch(h: &Handle<'_>, name: &str) -> HPyResult<()> {
    let ctx = h.ctx();
    let shape = h.get_type().builtin_shape()?;
    if shape != crate::BuiltinShape::Legacy || !ctx.name().contains("Debug") {
        return Ok(());
    }
    Err(HPyErr::type_error(format!(
        "HPy's debug mode cannot reach the Rust value of a {} object made by the Python subclass '{}' (HPy 0.9 reports such classes as legacy types)",
        name,
        h.type_name()
    )))
}

/// Whether the struct of `h` (an instance of `T`'s type or a subtype) can be reached: PyPy's HPy
/// does not implement the accessors of the built-in shapes, and the debug mode of CPython's
/// runtime refuses Python subclasses.
#[inline]
pub(crate) fn check_subclass_instance<T: HPyClass>(h: &Handle<'_>) -> HPyResult<()> {
    if T::SPEC.shape != crate::BuiltinShape::Object && !crate::ffi::runtime::is_cpython() {
        return Err(HPyErr::new(
            crate::ExceptionType::NotImplementedError,
            format!(
                "this runtime's HPy cannot reach the Rust value of {} (a class extending a built-in)",
                T::SPEC.py_name()
            ),
        ));
    }
    if !T::SPEC.subclass {
        return Ok(());
    }
    let ty = h.get_type();
    if T::export().type_object(h.ctx()).is_ok_and(|t| t.is(&ty)) {
        return Ok(());
    }
    subclass_mismatch(h, T::SPEC.py_name())
}

impl<'ctx, T: HPyClass> Deref for Obj<'ctx, T> {
    type Target = Handle<'ctx>;
    fn deref(&self) -> &Handle<'ctx> {
        &self.handle
    }
}

impl<T: HPyClass> Clone for Obj<'_, T> {
    fn clone(&self) -> Self {
        Obj {
            handle: self.handle.clone(),
            data: Cell::new(self.data.get()),
            _t: PhantomData,
        }
    }
}

impl<'a, 'ctx, T: HPyClass> FromPython<'a, 'ctx> for Obj<'ctx, T> {
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        Self::cast(obj)?.ok_or_else(|| {
            crate::conversion::wrong_type(obj, &format!("{} object", T::SPEC.py_name()))
        })
    }
}

impl<'ctx, T: HPyClass> IntoPython<'ctx> for Obj<'ctx, T> {
    fn into_python(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self.handle)
    }
}

impl<'ctx, T: HPyClass> IntoPython<'ctx> for &Obj<'ctx, T> {
    fn into_python(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self.handle.clone())
    }
}

/// A shared borrow of an instance's value ([`Obj::borrow`]).
pub struct Ref<'a, T> {
    value: &'a T,
    header: &'a Header,
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> Drop for Ref<'_, T> {
    fn drop(&mut self) {
        self.header.state.set(self.header.state.get() - 1);
    }
}

/// A mutable borrow of an instance's value ([`Obj::borrow_mut`]).
pub struct RefMut<'a, T> {
    value: &'a mut T,
    header: &'a Header,
}

impl<T> Deref for RefMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> DerefMut for RefMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
    }
}

impl<T> Drop for RefMut<'_, T> {
    fn drop(&mut self) {
        self.header.state.set(FREE);
    }
}

/// A per-object call function (HPy's `HPyCallFunction`), made by `#[call_function]` in
/// `#[hpy_methods]` and installed with [`Obj::set_call_function`].
pub struct CallFunction<T> {
    raw: sys::HPyCallFunction,
    _t: PhantomData<fn() -> T>,
}

impl<T> CallFunction<T> {
    #[doc(hidden)]
    pub const fn from_raw(raw: sys::HPyCallFunction) -> Self {
        CallFunction {
            raw,
            _t: PhantomData,
        }
    }
}
