//! Joining the pieces of a module's type-stub description at compile time (see
//! `#[hpy_module]`): the result is one byte array the library exports.

/// The total length of `parts`.
pub const fn stub_len(parts: &[&str]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

/// `parts` one after the other, as bytes; `N` is [`stub_len`] of them.
pub const fn stub_join<const N: usize>(parts: &[&str]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        let bytes = parts[i].as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            out[at] = bytes[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Gives every type an empty `__HPY_STUB_METHODS`, which a class's `#[hpy_methods]` block
/// replaces with its own (an inherent constant is found before a trait's).
pub trait NoStubMethods {
    /// No methods.
    const __HPY_STUB_METHODS: &'static str = "";
}
impl<T> NoStubMethods for T {}

#[cfg(test)]
mod tests {
    #[test]
    fn parts_are_joined_in_order() {
        const PARTS: &[&str] = &["ab", "", "c"];
        const JOINED: [u8; super::stub_len(PARTS)] = super::stub_join(PARTS);
        assert_eq!(&JOINED, b"abc");
    }
}
