//! Conversions between Python containers and Rust collections.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use hpy::prelude::*;

#[hpy_method]
pub fn rt_vec_i64(v: Vec<i64>) -> Vec<i64> {
    v
}

#[hpy_method]
pub fn rt_vec_str(v: Vec<String>) -> Vec<String> {
    v
}

#[hpy_method]
pub fn rt_vec_u8(v: Vec<u8>) -> Vec<u8> {
    v
}

#[hpy_method]
pub fn rt_nested(v: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    v
}

#[hpy_method]
pub fn rt_tuple3(t: (i64, String, Option<bool>)) -> (i64, String, Option<bool>) {
    t
}

#[hpy_method]
pub fn rt_tuple12(
    t: (u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8),
) -> (u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8) {
    t
}

#[hpy_method]
pub fn rt_hashmap(m: HashMap<String, i64>) -> HashMap<String, i64> {
    m
}

#[hpy_method]
pub fn rt_btreemap(m: BTreeMap<i64, Vec<String>>) -> BTreeMap<i64, Vec<String>> {
    m
}

#[hpy_method]
pub fn rt_hashset(s: HashSet<i64>) -> HashSet<i64> {
    s
}

#[hpy_method]
pub fn rt_btreeset(s: BTreeSet<String>) -> BTreeSet<String> {
    s
}

#[hpy_method]
pub fn rt_bytes_slice(b: &[u8]) -> Vec<u8> {
    b.to_vec()
}

/// `**kwargs` collected into a Rust map.
#[hpy_method(signature = (**kwargs))]
pub fn kwargs_map(kwargs: Option<HashMap<String, i64>>) -> BTreeMap<String, i64> {
    kwargs.unwrap_or_default().into_iter().collect()
}

/// A user type with its own conversions through the public traits.
pub struct Point {
    x: f64,
    y: f64,
}

impl<'a, 'ctx> FromPython<'a, 'ctx> for Point {
    fn from_python(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let (x, y) = obj.extract::<(f64, f64)>()?;
        Ok(Point { x, y })
    }
}

impl<'ctx> IntoPython<'ctx> for Point {
    fn into_python(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let d = Dict::new(ctx)?;
        d.set("x", self.x)?;
        d.set("y", self.y)?;
        Ok(d.into_handle())
    }
}

#[hpy_method]
pub fn mirror(p: Point) -> Point {
    Point { x: -p.x, y: p.y }
}
