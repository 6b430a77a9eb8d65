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

    /// The `(key, value)` pairs, in insertion order (a snapshot).
    pub fn items(&self) -> HPyResult<Vec<(Handle<'ctx>, Handle<'ctx>)>> {
        let keys = self.keys()?;
        let n = keys.len()?;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let k = keys.get(i)?;
            let v = self.get_item(&k)?;
            out.push((k, v));
        }
        Ok(out)
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
