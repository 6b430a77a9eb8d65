//! Classes defined in Rust: `#[hpy_class]` and `#[hpy_methods]`.

use std::sync::atomic::{AtomicUsize, Ordering};

use hpy::prelude::*;
use hpy::Global;

/// A point in the plane.
#[hpy_class(subclass)]
pub struct Point {
    /// The x coordinate.
    #[hpy(get, set)]
    x: f64,
    y: f64,
}

#[hpy_methods]
impl Point {
    /// Makes a point.
    #[new]
    #[hpy_method(signature = (x, y = 0.0))]
    fn new(x: f64, y: f64) -> HPyResult<Point> {
        if x.is_nan() || y.is_nan() {
            return Err(HPyErr::value_error("Point() coordinates must not be NaN"));
        }
        Ok(Point { x, y })
    }

    /// Distance from the origin.
    fn norm(&self) -> f64 {
        self.x.hypot(self.y)
    }

    /// Moves the point.
    fn shift(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }

    /// Calls `f(self)` while the point is borrowed mutably.
    fn shift_then_call<'ctx>(this: &Obj<'ctx, Self>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let mut p = this.borrow_mut()?;
        p.x += 1.0;
        f.call((this,))
    }

    /// Reads the point while calling `f(self)` with a shared borrow held.
    fn read_then_call<'ctx>(this: &Obj<'ctx, Self>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let _p = this.borrow()?;
        f.call((this,))
    }

    /// The point as a tuple.
    #[getter]
    fn xy(&self) -> (f64, f64) {
        (self.x, self.y)
    }

    /// The y coordinate.
    #[getter]
    fn y(&self) -> f64 {
        self.y
    }

    /// The y coordinate, through a named setter.
    #[setter(y)]
    fn change_y(&mut self, value: f64) {
        self.y = value;
    }

    fn __repr__(&self) -> String {
        format!("Point({}, {})", self.x, self.y)
    }

    fn __str__(&self) -> String {
        format!("({}, {})", self.x, self.y)
    }

    fn __hash__(&self) -> u64 {
        self.x.to_bits() ^ self.y.to_bits().rotate_left(17)
    }

    fn __bool__(&self) -> bool {
        self.x != 0.0 || self.y != 0.0
    }

    fn __richcmp__(&self, other: Obj<'_, Point>, op: CompareOp) -> HPyResult<bool> {
        let o = other.borrow()?;
        let (a, b) = ((self.x, self.y), (o.x, o.y));
        Ok(match op {
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
            CompareOp::Lt => a < b,
            CompareOp::Le => a <= b,
            CompareOp::Gt => a > b,
            CompareOp::Ge => a >= b,
        })
    }

    fn __add__(&self, other: Obj<'_, Point>) -> HPyResult<Point> {
        let o = other.borrow()?;
        Ok(Point {
            x: self.x + o.x,
            y: self.y + o.y,
        })
    }

    fn __mul__(&self, k: f64) -> Point {
        Point {
            x: self.x * k,
            y: self.y * k,
        }
    }

    fn __rmul__(&self, k: f64) -> Point {
        self.__mul__(k)
    }

    fn __iadd__(&mut self, other: f64) {
        self.x += other;
        self.y += other;
    }

    fn __neg__(&self) -> Point {
        Point {
            x: -self.x,
            y: -self.y,
        }
    }

    fn __abs__(&self) -> f64 {
        self.norm()
    }

    fn __pow__(&self, e: i32, modulo: Option<i64>) -> HPyResult<Point> {
        if modulo.is_some() {
            return Err(HPyErr::type_error(
                "pow() with a modulo is not supported for Point",
            ));
        }
        Ok(Point {
            x: self.x.powi(e),
            y: self.y.powi(e),
        })
    }
}

/// Makes a point from Rust (`Obj::new`).
#[hpy_method]
pub fn make_point<'ctx>(ctx: Context<'ctx>, x: f64, y: f64) -> HPyResult<Obj<'ctx, Point>> {
    Obj::new(ctx, Point { x, y })
}

/// `x + y` of a point passed as an argument (the argument's type is checked).
#[hpy_method]
pub fn point_sum(p: Obj<'_, Point>) -> HPyResult<f64> {
    let p = p.borrow()?;
    Ok(p.x + p.y)
}

/// Returns a Point by value (converted with `IntoPython`).
#[hpy_method]
pub fn origin() -> Point {
    Point { x: 0.0, y: 0.0 }
}

/// A linked node holding Python objects in fields.
#[hpy_class]
pub struct Node {
    value: hpy::Field,
    next: hpy::Field,
    #[hpy(get)]
    label: String,
}

#[hpy_methods]
impl Node {
    #[new]
    #[hpy_method(signature = (value = None, label = String::new()))]
    fn new(value: Option<&Handle<'_>>, label: String) -> Node {
        let _ = value;
        Node {
            value: hpy::Field::new(),
            next: hpy::Field::new(),
            label,
        }
    }

    /// The stored value, or None.
    #[getter]
    fn value<'ctx>(this: &Obj<'ctx, Self>) -> HPyResult<Option<Handle<'ctx>>> {
        this.load(&this.borrow()?.value)
    }

    #[setter]
    fn set_value(this: &Obj<'_, Self>, v: Handle<'_>) -> HPyResult<()> {
        this.store(&this.borrow()?.value, Some(&v))
    }

    /// The next node, or None.
    #[getter]
    fn next<'ctx>(this: &Obj<'ctx, Self>) -> HPyResult<Option<Handle<'ctx>>> {
        this.load(&this.borrow()?.next)
    }

    #[setter]
    fn set_next(this: &Obj<'_, Self>, v: Option<&Handle<'_>>) -> HPyResult<()> {
        this.store(&this.borrow()?.next, v)
    }

    /// Clears both fields.
    fn clear(this: &Obj<'_, Self>) -> HPyResult<()> {
        let n = this.borrow()?;
        this.store(&n.value, None)?;
        this.store(&n.next, None)
    }

    /// Tries to load a field that is not part of this object.
    fn load_foreign<'ctx>(this: &Obj<'ctx, Self>) -> HPyResult<Option<Handle<'ctx>>> {
        let stray = hpy::Field::new();
        this.load(&stray)
    }
}

/// Instances made without `#[new]` hold `Default::default()` (HPyType_GenericNew).
#[hpy_class(default)]
#[derive(Default)]
pub struct Counter {
    #[hpy(get)]
    count: i64,
}

#[hpy_methods]
impl Counter {
    /// Adds one and returns the new count.
    fn bump(&mut self) -> i64 {
        self.count += 1;
        self.count
    }

    /// A call function, but the class has no `__call__`.
    #[call_function]
    fn peek(&self) -> i64 {
        self.count
    }

    /// Fails: HPy_SetCallFunction needs a class with `__call__`.
    fn callable_mode(this: &Obj<'_, Self>) -> HPyResult<()> {
        this.set_call_function(&Self::PEEK)
    }
}

/// A class without `#[new]` or `default`: Python cannot make instances.
#[hpy_class]
pub struct Sealed {
    #[hpy(get)]
    secret: i64,
}

/// Makes a Sealed from Rust.
#[hpy_method]
pub fn make_sealed(secret: i64) -> Sealed {
    Sealed { secret }
}

/// A `float` subclass with Rust data (shape Float).
#[hpy_class(extends = float)]
#[derive(Default)]
pub struct Measure {
    #[hpy(get, set)]
    unit: String,
}

#[hpy_methods]
impl Measure {
    /// The value with its unit.
    fn describe(this: &Obj<'_, Self>) -> HPyResult<String> {
        let v: f64 = this.extract()?;
        Ok(format!("{v} {}", this.borrow()?.unit))
    }
}

/// A `list` subclass with Rust data (shape List).
#[hpy_class(extends = list)]
#[derive(Default)]
pub struct Bag {
    #[hpy(get, set)]
    owner: String,
}

/// A container: `len`, `[]`, `in`, item assignment and deletion.
#[hpy_class]
pub struct Store {
    items: Vec<i64>,
}

#[hpy_methods]
impl Store {
    #[new]
    fn new(items: Vec<i64>) -> Store {
        Store { items }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, i: isize) -> HPyResult<i64> {
        self.index(i).map(|i| self.items[i])
    }

    fn __setitem__(&mut self, i: isize, v: i64) -> HPyResult<()> {
        let i = self.index(i)?;
        self.items[i] = v;
        Ok(())
    }

    fn __delitem__(&mut self, i: isize) -> HPyResult<()> {
        let i = self.index(i)?;
        self.items.remove(i);
        Ok(())
    }

    fn __contains__(&self, v: i64) -> bool {
        self.items.contains(&v)
    }

    /// The items as a list.
    fn to_list(&self) -> Vec<i64> {
        self.items.clone()
    }
}

impl Store {
    fn index(&self, i: isize) -> HPyResult<usize> {
        let n = self.items.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if (0..n).contains(&j) {
            Ok(j as usize)
        } else {
            Err(HPyErr::index_error("Store index out of range"))
        }
    }
}

/// Callable instances: `__call__`, and a per-object call function.
#[hpy_class]
pub struct Adder {
    base: i64,
}

#[hpy_methods]
impl Adder {
    #[new]
    fn new(base: i64) -> Adder {
        Adder { base }
    }

    fn __call__(&self, x: i64) -> i64 {
        self.base + x
    }

    /// The call function installed by `multiply_mode`.
    #[call_function]
    fn times(&self, x: i64) -> i64 {
        self.base * x
    }

    /// From now on this object multiplies (HPy_SetCallFunction).
    fn multiply_mode(this: &Obj<'_, Self>) -> HPyResult<()> {
        this.set_call_function(&Self::TIMES)
    }
}

static DROPS: AtomicUsize = AtomicUsize::new(0);
pub static FINALIZED: Global = Global::new();

/// Counts `Drop` (tp_destroy) and `__del__` (tp_finalize) runs.
#[hpy_class]
pub struct Tracked {
    #[hpy(get)]
    name: String,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::SeqCst);
    }
}

#[hpy_methods]
impl Tracked {
    #[new]
    fn new(name: String) -> Tracked {
        Tracked { name }
    }

    fn __del__(&self, ctx: Context<'_>) -> HPyResult<()> {
        if self.name == "fail" {
            return Err(HPyErr::value_error("__del__ failed on purpose"));
        }
        let log = FINALIZED.get_or_try_init(ctx, || Vec::<i64>::new().into_python(ctx))?;
        log.call_method("append", (self.name.as_str(),))?;
        Ok(())
    }
}

/// How many Tracked values have been dropped.
#[hpy_method]
pub fn tracked_drops() -> usize {
    DROPS.load(Ordering::SeqCst)
}

/// The names `Tracked.__del__` has logged.
#[hpy_method]
pub fn tracked_finalized<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    match FINALIZED.get(ctx) {
        Some(h) => Ok(h),
        None => Vec::<i64>::new().into_python(ctx),
    }
}

/// Named documents: a setter that validates, a getter that can fail, and a collection argument.
#[hpy_class]
pub struct Corpus {
    docs: Vec<String>,
    name: String,
}

#[hpy_methods]
impl Corpus {
    #[new]
    fn new(docs: Vec<String>) -> Corpus {
        Corpus {
            docs,
            name: "corpus".to_owned(),
        }
    }

    /// The corpus's name (never empty).
    #[getter]
    fn name(&self) -> String {
        self.name.clone()
    }

    #[setter]
    fn set_name(&mut self, name: String) -> HPyResult<()> {
        if name.is_empty() {
            return Err(HPyErr::value_error("a corpus name must not be empty"));
        }
        self.name = name;
        Ok(())
    }

    /// The name, refused when it starts with `!`.
    #[getter]
    fn checked_name(&self) -> HPyResult<String> {
        if self.name.starts_with('!') {
            return Err(HPyErr::value_error(format!("the name was '{}'", self.name)));
        }
        Ok(self.name.clone())
    }

    fn __len__(&self) -> usize {
        self.docs.len()
    }
}
