//! Capsules: Python objects that carry a Rust value (or, for C interoperability, a raw pointer).

use core::any::TypeId;
use core::ffi::{c_char, c_void, CStr};

use crate::sys;

use crate::{Context, HPyErr, HPyResult};

typed_handle! {
    /// A handle to a capsule (see [`Capsule::new`]).
    Capsule: is_capsule, "capsule";
}

/// Marks capsules made by [`Capsule::new`] in this module: their context pointer is this
/// static's address, and their pointer is a `Box<Payload<T>>`.
static RUST_PAYLOAD: u8 = 0;

#[repr(C)]
struct Payload<T> {
    type_id: TypeId,
    value: T,
}

/// The capsule destructor for `Payload<T>`: drops the value, never unwinding into C.
unsafe extern "C" fn drop_payload<T: 'static>(
    _name: *const c_char,
    pointer: *mut c_void,
    _context: *mut c_void,
) {
    if pointer.is_null() {
        return;
    }
    // SAFETY: capsules carrying this destructor were made by `Capsule::new::<T>` from a
    // `Box<Payload<T>>`, and the runtime calls the destructor once.
    let payload = unsafe { Box::from_raw(pointer.cast::<Payload<T>>()) };
    if let Err(panic) =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(payload)))
    {
        // The panic's own payload may panic when dropped: that one is contained too.
        crate::err::panic::drop_payload(panic);
        eprintln!("hpy: a panic in Drop of a capsule value was ignored");
    }
}

/// The CPython-side trampoline that hands the destructor to the runtime.
unsafe extern "C" fn drop_trampoline<T: 'static>(capsule: *mut sys::cpy_PyObject) {
    // SAFETY: the CAPSULE_DESTRUCTOR calling convention passes the capsule object as the
    // argument, and `drop_payload::<T>` has the `HPyFunc_Capsule_Destructor` signature.
    unsafe {
        crate::ffi::loader_context::call_real(
            sys::HPyFunc_Signature::HPyFunc_CAPSULE_DESTRUCTOR,
            core::mem::transmute::<
                unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void),
                sys::HPyCFunction,
            >(drop_payload::<T>),
            capsule.cast(),
        )
    }
}

struct Destructor<T>(core::marker::PhantomData<T>);

impl<T: 'static> Destructor<T> {
    const DESTRUCTOR: sys::HPyCapsule_Destructor = sys::HPyCapsule_Destructor {
        cpy_trampoline: Some(drop_trampoline::<T>),
        impl_: Some(drop_payload::<T>),
    };
}

impl<'ctx> Capsule<'ctx> {
    /// A capsule that owns `value`; the value is dropped when the capsule is. `name` (if any)
    /// is the capsule's name, which C code checks when it reads the pointer.
    pub fn new<T: Send + 'static>(
        ctx: Context<'ctx>,
        value: T,
        name: Option<&'static CStr>,
    ) -> HPyResult<Self> {
        let payload = Box::into_raw(Box::new(Payload {
            type_id: TypeId::of::<T>(),
            value,
        }));
        let destructor: &'static sys::HPyCapsule_Destructor = &Destructor::<T>::DESTRUCTOR;
        let name_ptr = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: the pointer is non-null, the name static, and the destructor static; the
        // runtime does not write through the destructor pointer.
        let made = unsafe {
            ctx.own(call!(
                ctx,
                ctx_Capsule_New,
                payload.cast(),
                name_ptr,
                (destructor as *const sys::HPyCapsule_Destructor).cast_mut()
            ))
        };
        let cap = match made {
            Ok(h) => Capsule::new_unchecked(h),
            Err(e) => {
                // SAFETY: the capsule was not made, so the box is still ours.
                drop(unsafe { Box::from_raw(payload) });
                return Err(e);
            }
        };
        // SAFETY: the capsule is open; the context pointer is only compared, never written.
        let rc = unsafe {
            call!(
                ctx,
                ctx_Capsule_Set,
                cap.as_raw(),
                sys::_HPyCapsule_key_HPyCapsule_key_Context,
                (&RUST_PAYLOAD as *const u8).cast_mut().cast()
            )
        };
        crate::err::status(rc)?;
        Ok(cap)
    }

    /// The value of a capsule made by [`Capsule::new`] with a `T`, borrowed for as long as the
    /// handle. Any other capsule (another type, or one made elsewhere) is a `TypeError`.
    pub fn get<T: 'static>(&self) -> HPyResult<&T> {
        if self.context_ptr()? != (&RUST_PAYLOAD as *const u8).cast_mut().cast() {
            return Err(HPyErr::type_error("capsule: not made by Capsule::new"));
        }
        let name = self.name()?;
        let p = self.pointer(name)?;
        // SAFETY: capsules with this context marker hold a `Box<Payload<U>>` for some `U` (its
        // pointer can only be changed through the unsafe setters); `type_id` is at offset 0
        // whatever `U` is, and the box lives as long as the capsule, which the borrow of
        // `self` keeps alive.
        unsafe {
            if (*p.cast::<Payload<()>>()).type_id != TypeId::of::<T>() {
                return Err(HPyErr::type_error(format!(
                    "capsule: holds another type than {}",
                    core::any::type_name::<T>()
                )));
            }
            Ok(&(*p.cast::<Payload<T>>()).value)
        }
    }

    /// The raw pointer, checked against `name` (`HPyCapsule_GetPointer`); a wrong name is a
    /// `ValueError`. Using the pointer is up to the caller.
    pub fn pointer(&self, name: Option<&CStr>) -> HPyResult<*mut c_void> {
        let ctx = self.ctx();
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: the capsule is open and the name NUL-terminated or NULL.
        let p = unsafe {
            call!(
                ctx,
                ctx_Capsule_Get,
                self.as_raw(),
                sys::_HPyCapsule_key_HPyCapsule_key_Pointer,
                n
            )
        };
        if p.is_null() {
            Err(HPyErr::fetch())
        } else {
            Ok(p)
        }
    }

    /// The capsule's name (`HPyCapsule_GetName`), borrowed for as long as the handle.
    pub fn name(&self) -> HPyResult<Option<&CStr>> {
        let p = self.get_key(sys::_HPyCapsule_key_HPyCapsule_key_Name)?;
        // SAFETY: a capsule's name is NULL or a NUL-terminated string that the capsule's creator
        // keeps alive at least as long as the capsule.
        Ok((!p.is_null()).then(|| unsafe { CStr::from_ptr(p.cast::<c_char>()) }))
    }

    /// The context pointer (`HPyCapsule_GetContext`).
    pub fn context_ptr(&self) -> HPyResult<*mut c_void> {
        self.get_key(sys::_HPyCapsule_key_HPyCapsule_key_Context)
    }

    fn get_key(&self, key: sys::_HPyCapsule_key) -> HPyResult<*mut c_void> {
        let ctx = self.ctx();
        // SAFETY: the capsule is open; Name and Context ignore the name argument.
        let p = unsafe { call!(ctx, ctx_Capsule_Get, self.as_raw(), key, core::ptr::null()) };
        crate::err::checked(ctx, p, core::ptr::null_mut())
    }

    /// Whether the capsule is valid with this name (`HPyCapsule_IsValid`).
    pub fn is_valid(&self, name: Option<&CStr>) -> bool {
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: the capsule is open and the name NUL-terminated or NULL.
        unsafe { call!(self.ctx(), ctx_Capsule_IsValid, self.as_raw(), n) != 0 }
    }

    /// Renames the capsule (`HPyCapsule_SetName`).
    pub fn set_name(&self, name: Option<&'static CStr>) -> HPyResult<()> {
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: the name is static, so it outlives the capsule.
        unsafe {
            self.set_key(
                sys::_HPyCapsule_key_HPyCapsule_key_Name,
                n.cast_mut().cast(),
            )
        }
    }

    /// A capsule around a raw pointer, for C interoperability (`HPyCapsule_New`).
    ///
    /// # Safety
    ///
    /// `pointer` must be non-null; `destructor` (if any) must be safe to call with it once when
    /// the capsule dies.
    pub unsafe fn new_raw(
        ctx: Context<'ctx>,
        pointer: *mut c_void,
        name: Option<&'static CStr>,
        destructor: Option<&'static sys::HPyCapsule_Destructor>,
    ) -> HPyResult<Self> {
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        let d = destructor.map_or(core::ptr::null_mut(), |d| {
            (d as *const sys::HPyCapsule_Destructor).cast_mut()
        });
        // SAFETY: forwarded from the caller; the name and destructor are static.
        unsafe { ctx.own(call!(ctx, ctx_Capsule_New, pointer, n, d)) }.map(Capsule::new_unchecked)
    }

    /// Replaces the pointer (`HPyCapsule_SetPointer`).
    ///
    /// # Safety
    ///
    /// The capsule's destructor and every reader of the capsule must accept the new pointer.
    pub unsafe fn set_pointer(&self, pointer: *mut c_void) -> HPyResult<()> {
        // SAFETY: forwarded from the caller.
        unsafe { self.set_key(sys::_HPyCapsule_key_HPyCapsule_key_Pointer, pointer) }
    }

    /// Replaces the context pointer (`HPyCapsule_SetContext`).
    ///
    /// # Safety
    ///
    /// Readers of the capsule must accept the new context.
    pub unsafe fn set_context(&self, context: *mut c_void) -> HPyResult<()> {
        // SAFETY: forwarded from the caller.
        unsafe { self.set_key(sys::_HPyCapsule_key_HPyCapsule_key_Context, context) }
    }

    /// Replaces the destructor (`HPyCapsule_SetDestructor`).
    ///
    /// # Safety
    ///
    /// The destructor must be safe to call with the capsule's pointer.
    pub unsafe fn set_destructor(
        &self,
        destructor: Option<&'static sys::HPyCapsule_Destructor>,
    ) -> HPyResult<()> {
        let d = destructor.map_or(core::ptr::null_mut(), |d| {
            (d as *const sys::HPyCapsule_Destructor).cast_mut()
        });
        // SAFETY: forwarded from the caller.
        unsafe { self.set_key(sys::_HPyCapsule_key_HPyCapsule_key_Destructor, d.cast()) }
    }

    /// # Safety
    ///
    /// `value` must be valid for `key` as `HPyCapsule_Set` documents.
    unsafe fn set_key(&self, key: sys::_HPyCapsule_key, value: *mut c_void) -> HPyResult<()> {
        // SAFETY: the capsule is open; the value is the caller's responsibility.
        crate::err::status(unsafe { call!(self.ctx(), ctx_Capsule_Set, self.as_raw(), key, value) })
    }
}
