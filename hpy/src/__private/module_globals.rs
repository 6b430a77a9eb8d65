//! The list of globals every module's `HPyModuleDef.globals` holds: the SDK's own first (the
//! module's `PanicError` and the keyword-name pool of `kwcache.rs`), then the user's.

use super::kwcache::KW_POOL_SIZE;
use crate::{sys, Global};

/// The globals every module lists: the SDK's own (`panic_error`, then `pool`, which are
/// `PANIC_ERROR` and [`KW_POOL`](super::KW_POOL)), then the user's (`user`), then NULL. `M` must be
/// `N + SDK_GLOBALS + 1`.
#[doc(hidden)]
pub const fn module_globals<const N: usize, const M: usize>(
    panic_error: *mut sys::HPyGlobal,
    pool: &'static [Global; KW_POOL_SIZE],
    user: [*mut sys::HPyGlobal; N],
) -> [*mut sys::HPyGlobal; M] {
    assert!(M == N + SDK_GLOBALS + 1, "module_globals: wrong length");
    let mut all = [core::ptr::null_mut(); M];
    all[0] = panic_error;
    let mut i = 0;
    while i < KW_POOL_SIZE {
        all[1 + i] = pool[i].as_ptr();
        i += 1;
    }
    let mut j = 0;
    while j < N {
        all[SDK_GLOBALS + j] = user[j];
        j += 1;
    }
    all
}

/// How many globals the SDK lists before the user's: `PanicError` and the keyword pool.
#[doc(hidden)]
pub const SDK_GLOBALS: usize = 1 + KW_POOL_SIZE;
