//! Dictionaries.

use crate::conversion::take_pending;
use crate::types::object::ItemKey;
use crate::types::{expect_type, List};
use crate::HPyErr;
use crate::{Context, ExceptionType, HPyResult, Handle, IntoPython};

typed_handle! {
    /// A handle to a `dict` (or a subclass).
    Dict: is_dict, "dict";
}

impl<'ctx> Dict<'ctx> {
    /// A new empty dict.
    pub fn new(ctx: Context<'ctx>) -> HPyResult<Self> {
        // SAFETY: plain call; the result is owned or NULL with an exception set.
        unsafe { ctx.own(call!(ctx, ctx_Dict_New)) }.map(Dict::new_unchecked)
    }

    /// `self[key]`, or `None` when the key is missing (other errors, such as an unhashable key,
    /// are returned).
    pub fn get<K: ItemKey<'ctx>>(&self, key: K) -> HPyResult<Option<Handle<'ctx>>> {
        match self.get_item(key) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_set() && take_pending(self.ctx(), ExceptionType::KeyError) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `self[key] = value`.
    pub fn set<K: ItemKey<'ctx>, V: IntoPython<'ctx>>(&self, key: K, value: V) -> HPyResult<()> {
        self.set_item(key, value)
    }

    /// The keys, as a new list (`HPyDict_Keys`).
    pub fn keys(&self) -> HPyResult<List<'ctx>> {
        let ctx = self.ctx();
        // SAFETY: the handle is an open dict; the result is owned or NULL with an exception set.
        let keys = unsafe { ctx.own(call!(ctx, ctx_Dict_Keys, self.as_raw())) }?;
        expect_type(keys, Handle::is_list, List::new_unchecked, "HPyDict_Keys")
    }

    /// A shallow copy (`HPyDict_Copy`).
    pub fn copy(&self) -> HPyResult<Dict<'ctx>> {
        let ctx = self.ctx();
        // SAFETY: the handle is an open dict; the result is owned or NULL with an exception set.
        let copy = unsafe { ctx.own(call!(ctx, ctx_Dict_Copy, self.as_raw())) }?;
        expect_type(copy, Handle::is_dict, Dict::new_unchecked, "HPyDict_Copy")
    }

    /// The entries in storage order, read from the dict's storage without running any Python
    /// code (no `__hash__`, `__eq__` or `__getitem__`), or `None` where the runtime offers no
    /// such walk: HPy 0.9's API has none. It exists in the CPython ABI and on hpy-rs's own
    /// runtime (`hpy_rs_runtime`), both with CPython's `PyDict_Next`; hpy 0.9.0's runtime and
    /// PyPy's HPy return `None` (use [`Dict::items`], which falls back to a lookup per key).
    ///
    /// Changes made to the dict during the walk behave as for `PyDict_Next`: entries deleted
    /// before their turn are not seen, and entries added may or may not be.
    pub fn iter_storage(&self) -> Option<DictEntries<'_, 'ctx>> {
        let next = crate::ffi::extensions::dict_next(self.ctx())?;
        Some(DictEntries {
            dict: self,
            pos: 0,
            next,
        })
    }

    /// Whether the running runtime can walk a dict's storage: whether
    /// [`Dict::iter_storage`] returns `Some` (the same for every dict of the process).
    pub fn storage_walk_available(ctx: Context<'ctx>) -> bool {
        crate::ffi::extensions::dict_next(ctx).is_some()
    }

    /// The `(key, value)` pairs, in insertion order (a snapshot): read from the storage where
    /// the runtime can ([`Dict::iter_storage`]), otherwise the keys (`HPyDict_Keys`) and a
    /// lookup of each, which runs the keys' `__hash__` and `__eq__` and cannot find a key whose
    /// hash changed since it was inserted: that raises `RuntimeError` ("dictionary keys changed
    /// during iteration"), so that no entry is ever left out without a word.
    pub fn items(&self) -> HPyResult<Vec<(Handle<'ctx>, Handle<'ctx>)>> {
        if let Some(entries) = self.iter_storage() {
            return Ok(entries.collect());
        }
        let keys = self.keys()?;
        let n = keys.len()?;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let k = keys.get(i)?;
            let v = self.get_item(&k).map_err(|e| self.lost_key(e))?;
            out.push((k, v));
        }
        Ok(out)
    }

    /// The error of a key of the dict's own key list that a lookup did not find.
    #[cold]
    fn lost_key(&self, e: HPyErr) -> HPyErr {
        let ctx = self.ctx();
        if !e.matches(ctx, ExceptionType::KeyError) {
            return e;
        }
        e.discard(ctx);
        HPyErr::runtime_error(
            "dictionary keys changed during iteration: a key cannot be found in its dict (its hash changed since it was inserted)",
        )
    }
}

/// A walk over a dict's entries in storage order ([`Dict::iter_storage`]): each item is a new
/// `(key, value)` pair of handles. It raises nothing.
pub struct DictEntries<'a, 'ctx> {
    dict: &'a Dict<'ctx>,
    pos: isize,
    next: crate::sys::hpy_rs::DictNext,
}

impl<'ctx> Iterator for DictEntries<'_, 'ctx> {
    type Item = (Handle<'ctx>, Handle<'ctx>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let ctx = self.dict.ctx();
        let mut key = crate::sys::HPy_NULL;
        let mut value = crate::sys::HPy_NULL;
        // SAFETY: `next` is the running runtime's `ctx_Dict_Next`, called with its context, an
        // open handle and a position that only it has written; on 1 it stored two new handles,
        // which become owned here.
        unsafe {
            if (self.next)(
                ctx.as_ptr(),
                self.dict.as_raw(),
                &mut self.pos,
                &mut key,
                &mut value,
            ) == 0
            {
                return None;
            }
            Some((Handle::from_raw(ctx, key), Handle::from_raw(ctx, value)))
        }
    }
}

impl<'ctx> crate::Context<'ctx> {
    /// The built-in called `name` (e.g. `"len"`, `"set"`), whether the runtime exposes the
    /// built-ins as a dict or as a module; a missing name is a `NameError`.
    pub fn builtin(self, name: &str) -> HPyResult<Handle<'ctx>> {
        let b = self.builtins();
        if !b.is_dict() {
            return b.get_attr(name);
        }
        match Dict::try_from_handle(b)?.get(name)? {
            Some(v) => Ok(v),
            None => Err(HPyErr::new(
                crate::ExceptionType::NameError,
                format!("name '{name}' is not defined"),
            )),
        }
    }
}
