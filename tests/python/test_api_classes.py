"""Classes defined in Rust (`#[hpy_class]`, `#[hpy_methods]`) through tests/apimod.

The checks follow HPy's test_hpytype.py, test_slots.py and test_hpyfield.py: name, module and
doc; instance data created zeroed and filled by `__new__`; methods, properties and every slot
kind; subclassing; HPyType_GenericNew; HPy_SetCallFunction; fields visited by the GC and
released with the object; tp_finalize and tp_destroy.
"""

import gc
import inspect
import pydoc
import re
import sys

import pytest

from conftest import HPY_RS_RUNTIME, NESTED_CALLS_ABORT, PYPY, collect, requires_classes

# PyPy 3.11's HPy (0.9.1.dev61) differs from CPython's runtime for types; where the SDK cannot
# hide a difference, the test pins what PyPy does (see the README's PyPy table).
pytestmark = requires_classes


def test_type_name_module_doc(apimod):
    P = apimod.Point
    assert P.__name__ == "Point"
    assert P.__qualname__ == "Point"
    assert P.__module__ == "apimod"
    # The struct's doc comment, then #[new]'s.
    assert P.__doc__ == "A point in the plane.\n\nMakes a point."
    assert repr(P) == "<class 'apimod.Point'>"
    assert P.norm.__doc__ == "Distance from the origin."
    assert P.x.__doc__ == "The x coordinate."
    assert isinstance(P(1, 2), P)


def test_signatures_like_builtins(apimod):
    """On CPython a method's text signature starts with `$self`, as a built-in method's, and the
    class's comes from #[new]: inspect and help() show them. A class without #[new] has none."""
    P = apimod.Point
    assert P.shift.__doc__ == "Moves the point."
    if PYPY:
        # PyPy 3.11's HPy gives method descriptors no __text_signature__ and types none, and its
        # inspect ignores the text signatures of built-ins: there is nothing to show them.
        assert not hasattr(P.shift, "__text_signature__")
        assert P.__text_signature__ is None
        with pytest.raises(ValueError, match="no signature found for builtin"):
            inspect.signature(P.shift)
        assert str(inspect.signature(P)) == "(*args, **keywords)"
        return
    assert P.shift.__text_signature__ == "($self, dx, dy)"
    assert P.norm.__text_signature__ == "($self)"
    assert str(inspect.signature(P.shift)) == "(self, /, dx, dy)"
    assert str(inspect.signature(P(1, 2).shift)) == "(dx, dy)"
    assert str(inspect.signature(P.norm)) == "(self, /)"
    assert P.__text_signature__ == "(x, y=0.0)"
    assert str(inspect.signature(P)) == "(x, y=0.0)"
    text = pydoc.render_doc(P, renderer=pydoc.plaintext)
    assert "Point(x, y=0.0)" in text
    assert "shift(self, /, dx, dy)" in text
    assert "Moves the point." in text
    assert apimod.Sealed.__text_signature__ is None


def test_new_and_methods(apimod):
    p = apimod.Point(3, 4)
    assert (p.x, p.y, p.xy) == (3.0, 4.0, (3.0, 4.0))
    assert p.norm() == 5.0
    assert p.shift(1, dy=2) is None
    assert p.xy == (4.0, 6.0)
    assert apimod.Point(1, y=5).xy == (1.0, 5.0)
    assert apimod.Point(7).xy == (7.0, 0.0)
    with pytest.raises(TypeError, match=r"^Point\(\) missing 1 required positional argument: 'x'"):
        apimod.Point()
    with pytest.raises(TypeError, match=r"^Point\(\) argument 'x': must be real number, not str"):
        apimod.Point("a")
    with pytest.raises(TypeError, match="must be real number, not str"):
        apimod.Point("a")
    with pytest.raises(ValueError, match="must not be NaN"):
        apimod.Point(float("nan"))
    with pytest.raises(TypeError):
        p.norm(1)


def test_properties(apimod):
    """A property's errors reach the caller on CPython and PyPy alike (PyPy's HPy drops a getset's
    errors: there the SDK makes the property a `property` calling methods), with the same
    messages; deletion reaches the setter on both."""
    p = apimod.Point(1, 2)
    p.x = 10
    p.y = 20
    assert p.xy == (10.0, 20.0)
    with pytest.raises(TypeError, match="^attribute 'x' must be real number, not str$"):
        p.x = "a"
    with pytest.raises(TypeError, match="^cannot delete attribute 'x'$"):
        del p.x
    with pytest.raises(AttributeError, match="^attribute 'xy' of 'Point' objects is not writable$"):
        p.xy = (1, 2)
    with pytest.raises(AttributeError, match="^attribute 'xy' of 'Point' objects is not writable$"):
        del p.xy
    assert p.xy == (10.0, 20.0)
    # Nothing is left pending or reported: the next calls work.
    assert p.norm() == pytest.approx(22.360679774997898)
    assert apimod.Point.x.__doc__ is None or isinstance(apimod.Point.x.__doc__, str)
    assert "__hpy_get_x" not in dir(apimod.Point) and "__hpy_set_x" not in dir(apimod.Point)


def test_setter_error_reaches_the_caller(apimod, hpy_mode):
    """A `#[setter]` returning `Err(ValueError)` raises it at the assignment, which does nothing,
    on CPython and PyPy, in universal and debug mode (PyPy used to print "Exception ignored in:
    'the setter of Corpus.name'" and go on)."""
    c = apimod.Corpus(["a b", "b c"])
    c.name = "docs"
    assert c.name == "docs"
    with pytest.raises(ValueError, match="^a corpus name must not be empty$"):
        c.name = ""
    assert c.name == "docs"
    # A getter's error reaches the caller too.
    c.name = "!fail"
    with pytest.raises(ValueError, match="^the name was '!fail'$"):
        c.checked_name


def test_borrow_conflicts_raise(apimod, hpy_mode):
    if PYPY and hpy_mode == "debug":
        pytest.skip(NESTED_CALLS_ABORT)
    p = apimod.Point(1, 2)
    with pytest.raises(RuntimeError, match="already mutably borrowed"):
        p.shift_then_call(lambda s: s.norm())
    assert p.x == 2.0  # the mutable borrow ended with the call
    assert p.read_then_call(lambda s: s.norm()) == pytest.approx(2.8284271247461903)
    with pytest.raises(RuntimeError, match="already borrowed"):
        p.read_then_call(lambda s: s.shift(1, 1))
    assert p.xy == (2.0, 2.0)


def test_repr_str_hash_bool(apimod):
    p = apimod.Point(1.5, -2)
    assert repr(p) == "Point(1.5, -2)"
    assert str(p) == "(1.5, -2)"
    assert hash(p) == hash(apimod.Point(1.5, -2))
    assert hash(p) != -1
    assert bool(p) is True
    assert bool(apimod.Point(0)) is False


def test_richcompare(apimod):
    P = apimod.Point
    assert P(1, 2) == P(1, 2)
    assert P(1, 2) != P(2, 1)
    assert P(1, 2) < P(2, 0) and P(1, 2) <= P(1, 2)
    assert P(3, 0) > P(2, 9) and P(3, 0) >= P(3, 0)
    assert (P(1, 2) == 5) is False  # NotImplemented on both sides: identity
    with pytest.raises(TypeError):
        P(1, 2) < 5


def test_number_slots(apimod):
    P = apimod.Point
    assert (P(1, 2) + P(3, 4)).xy == (4.0, 6.0)
    assert (P(1, 2) * 3).xy == (3.0, 6.0)
    # __rmul__ (PyPy's HPy makes no reflected methods from the slots: the SDK adds them there)
    assert (3 * P(1, 2)).xy == (3.0, 6.0)
    assert P(1, 2).__rmul__(3).xy == (3.0, 6.0)
    assert (-P(1, 2)).xy == (-1.0, -2.0)
    assert abs(P(3, 4)) == 5.0
    assert (P(2, 3) ** 2).xy == (4.0, 9.0)
    with pytest.raises(TypeError, match="pow\\(\\) with a modulo"):
        pow(P(2, 3), 2, 5)
    with pytest.raises(TypeError, match="unsupported operand"):
        P(1, 2) + 1
    # CPython: "can't multiply sequence by non-int"; PyPy: "cannot be interpreted as an integer"
    with pytest.raises(TypeError, match="can't multiply sequence|cannot be interpreted as an integer"):
        P(1, 2) * "x"
    p = P(1, 2)
    q = p
    q += 1
    assert q is p and p.xy == (2.0, 3.0)


def test_objects_made_in_rust(apimod):
    p = apimod.make_point(1, 2)
    assert type(p) is apimod.Point and p.xy == (1.0, 2.0)
    assert apimod.point_sum(apimod.Point(1, 2)) == 3.0
    assert apimod.origin().xy == (0.0, 0.0)
    with pytest.raises(TypeError, match=r"point_sum\(\) argument 'p': must be Point object, not int"):
        apimod.point_sum(5)


def test_python_subclass(apimod, hpy_mode):
    class Sub(apimod.Point):
        def twice(self):
            return self.norm() * 2

    assert issubclass(Sub, apimod.Point)
    if hpy_mode == "debug" and not PYPY and not HPY_RS_RUNTIME:
        # HPy 0.9.0's CPython runtime reports Python subclasses as legacy types; the debug mode
        # would abort on reaching the struct, the SDK raises instead.
        with pytest.raises(TypeError, match="debug mode cannot reach the Rust value"):
            Sub(3, 4)
        return
    s = Sub(3, 4)
    assert type(s) is Sub
    assert s.twice() == 10.0
    assert s.x == 3.0 and repr(s) == "Point(3, 4)"
    assert apimod.point_sum(s) == 7.0
    del s
    collect()


def test_not_subclassable_and_not_instantiable(apimod):
    # CPython refuses the class statement (no HPy_TPFLAGS_BASETYPE); PyPy's HPy ignores the flag,
    # and there the SDK's `__init_subclass__` refuses it, in CPython's words.
    for cls in (apimod.Store, apimod.Counter, apimod.Sealed):
        with pytest.raises(TypeError, match=rf"^type 'apimod\.{cls.__name__}' is not an acceptable base type$"):
            class Sub(cls):
                pass
    with pytest.raises(TypeError, match="cannot create 'Sealed' instances"):
        apimod.Sealed()
    assert apimod.make_sealed(7).secret == 7


def test_new_called_directly(apimod):
    # As CPython's `__new__` wrapper: the class must be the type or a subtype.
    with pytest.raises(TypeError, match=r"is not a subtype of"):
        apimod.Store.__new__(apimod.Counter, [1])
    if PYPY:
        # PyPy's own `__new__` makes default classes' instances; the SDK's `__init__` refuses
        # arguments in a call of the class, not in a direct call of `__new__` (see runtimes.md).
        assert apimod.Counter.__new__(apimod.Counter, 1, x=2).bump() == 1
    else:
        with pytest.raises(TypeError, match=r"^apimod\.Counter\(\) takes no arguments$"):
            apimod.Counter.__new__(apimod.Counter, 1, x=2)
    assert apimod.Counter.__new__(apimod.Counter).bump() == 1


def test_object_new_without_struct(apimod):
    # CPython refuses `object.__new__` for a type with its own `__new__`, and makes a default
    # class's instance; PyPy makes an instance without a struct, which the SDK refuses to use.
    if not PYPY:
        with pytest.raises(TypeError, match=r"object\.__new__\(apimod\.Store\) is not safe"):
            object.__new__(apimod.Store)
        assert object.__new__(apimod.Counter).bump() == 1
        return
    for make, use in ((apimod.Counter, lambda o: o.bump()), (apimod.Store, len)):
        o = object.__new__(make)
        with pytest.raises(TypeError, match=rf"object\.__new__\({make.__name__}\) is not safe"):
            use(o)
        del o
        gc.collect()


def test_subclasses_pypy_cannot_host(apimod):
    # Point is marked `subclass`. CPython refuses the layout conflict itself, and runs __del__.
    with pytest.raises(TypeError, match="cannot both be bases|not an acceptable base type"):
        class Multi(apimod.Point, apimod.Counter):
            pass
    with pytest.raises(TypeError, match="cannot both be bases|lay-out conflict"):
        class Multi2(apimod.Point, apimod.InitBase):
            pass

    class Finalized:
        def __del__(self):
            pass

    if PYPY:
        with pytest.raises(TypeError, match="cannot have __del__ on PyPy"):
            class WithDel(apimod.Point):
                def __del__(self):
                    pass
        with pytest.raises(TypeError, match="cannot have __del__ on PyPy"):
            class MixedDel(apimod.Point, Finalized):
                pass

    class Plain(apimod.Point):
        pass

    class Deeper(Plain):
        pass

    # The hook lets ordinary subclasses through, at any depth (instances: test_python_subclass).
    assert issubclass(Deeper, apimod.Point)


def test_pickling_needs_reduce(apimod):
    import copy
    import pickle

    c = apimod.Counter()
    c.bump()
    for save in (copy.copy, pickle.dumps):
        with pytest.raises(TypeError, match=r"^cannot pickle 'apimod\.Counter' object$"):
            save(c)


def test_subclass_past_init_subclass(apimod):
    class Quiet:
        def __init_subclass__(cls, **kwargs):
            pass  # does not call super().__init_subclass__, so the SDK's is not reached

    if not PYPY:
        with pytest.raises(TypeError, match="not an acceptable base type"):
            class Refused(Quiet, apimod.Store):
                pass
        return
    # Store needs Drop: PyPy would crash destroying an instance of the subclass, so none is made.
    class Sub(Quiet, apimod.Store):
        pass

    with pytest.raises(TypeError, match="that class is not marked `subclass`"):
        Sub([1])
    # Counter needs no Drop and holds no Field: an instance of the subclass is harmless, and made.
    class Harmless(Quiet, apimod.Counter):
        pass

    h = Harmless()
    assert h.bump() == 1 and h.count == 1
    del h
    gc.collect()


def test_generic_new_and_default(apimod):
    c = apimod.Counter()
    assert c.count == 0
    assert c.bump() == 1 and c.bump() == 2
    assert c.count == 2
    # As `object()`: on CPython `object.__new__` makes the instance, elsewhere the SDK's tp_new.
    for call in (lambda: apimod.Counter(1), lambda: apimod.Counter(x=3)):
        with pytest.raises(TypeError, match=r"^apimod\.Counter\(\) takes no arguments$"):
            call()


def test_extends_float_and_list(apimod):
    if PYPY:
        # PyPy's HPy passes no usable `self` to the methods of such classes (and has no
        # _HPy_AsStruct_Float/_List): the SDK leaves them out of the module there.
        assert not hasattr(apimod, "Measure") and not hasattr(apimod, "Bag")
        return
    m = apimod.Measure(2.5)
    assert isinstance(m, float) and m == 2.5 and m * 2 == 5.0
    assert m.unit == ""
    m.unit = "km"
    assert m.describe() == "2.5 km"
    b = apimod.Bag([1, 2])
    b.append(3)
    b.owner = "me"
    assert b == [1, 2, 3] and b.owner == "me" and len(b) == 3


def test_mapping_and_sequence_slots(apimod):
    s = apimod.Store([1, 2, 3])
    assert len(s) == 3
    assert (s[0], s[-1]) == (1, 3)
    assert 2 in s and 9 not in s
    s[0] = 10
    del s[1]
    assert s.to_list() == [10, 3]
    with pytest.raises(IndexError, match="Store index out of range"):
        s[10]
    with pytest.raises(IndexError):
        del s[5]
    with pytest.raises(TypeError):
        s["a"]
    with pytest.raises(TypeError):
        s[0] = "x"
    with pytest.raises(TypeError):
        "x" in s


def test_call_and_call_function(apimod):
    a = apimod.Adder(5)
    assert callable(a)
    assert a(1) == 6 and a(x=2) == 7
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'x'"):
        a()
    b = apimod.Adder(5)
    if PYPY:
        # PyPy's HPy_SetCallFunction would change every instance of the type: refused.
        with pytest.raises(NotImplementedError, match="changes every instance of the type"):
            b.multiply_mode()
        assert b(3) == 8 and a(3) == 8
    else:
        b.multiply_mode()  # HPy_SetCallFunction on this object only
        assert b(3) == 15
        assert a(3) == 8
    with pytest.raises(NotImplementedError if PYPY else TypeError, match="changes every instance" if PYPY else "does not implement the HPy call protocol"):
        apimod.Counter().callable_mode()


def test_fields_store_load(apimod):
    N = apimod.Node
    a, b = N(label="a"), N(label="b")
    assert a.next is None and a.value is None
    a.next = b
    a.value = [1, 2]
    assert a.next is b and a.value == [1, 2]
    a.value = "replaced"
    assert a.value == "replaced"
    a.next = None
    assert a.next is None
    with pytest.raises(SystemError, match="the Field is not a member of this Node object"):
        a.load_foreign()
    a.clear()
    assert a.value is None


def test_fields_keep_objects_alive_and_release_them(apimod):
    import weakref

    class Payload:
        pass

    n = apimod.Node()
    obj = Payload()
    ref = weakref.ref(obj)
    n.value = obj
    del obj
    collect()
    assert ref() is not None  # kept by the field
    del n
    collect()
    assert ref() is None  # released when the node died


def test_fields_cycles_are_collected(apimod):
    import weakref

    class Payload:
        pass

    a, b = apimod.Node(label="a"), apimod.Node(label="b")
    a.next, b.next = b, a  # a cycle through fields: only the GC can free it
    p = Payload()
    a.value = p
    ref = weakref.ref(p)
    del a, b, p
    collect()
    assert ref() is None
    if hasattr(gc, "is_tracked"):
        assert gc.is_tracked(apimod.Node())  # HAVE_GC: the class has fields


def test_destroy_and_finalize(apimod):
    before = apimod.tracked_drops()
    t = apimod.Tracked("one")
    del t
    collect()
    assert apimod.tracked_drops() == before + 1
    assert "one" in apimod.tracked_finalized()


def test_finalize_error_is_unraisable(apimod):
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(u)
    try:
        t = apimod.Tracked("fail")
        del t
        collect()
    finally:
        sys.unraisablehook = old
    assert any(isinstance(u.exc_value, ValueError) for u in seen)


@pytest.mark.skipif(not PYPY, reason="a PyPy debug-mode defect")
def test_pypy_debug_nested_call_aborts(apimod, hpy_mode):
    """Pins the PyPy defect behind the NESTED_CALLS_ABORT skips: in debug mode, a module function
    called (through Python) from inside another call of the module aborts the process. It
    happens with HPy modules written in C as well. When this test fails, PyPy has fixed it."""
    import subprocess
    import textwrap

    if hpy_mode != "debug":
        assert apimod.call_no_args(lambda: apimod.call_no_args(lambda: 5)) == 5
        return
    code = textwrap.dedent(f"""
        import importlib.util, hpy.universal
        spec = importlib.util.spec_from_file_location("apimod", {apimod.__file__!r})
        m = hpy.universal.load("apimod", {apimod.__file__!r}, spec, mode=hpy.universal.MODE_DEBUG)
        print(m.call_no_args(lambda: m.call_no_args(lambda: 5)))
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert "Wrong HPy Context!" in r.stderr


# CPython's messages for a foreign `self`: a method descriptor's and a slot wrapper's. PyPy's
# method descriptors and slot wrappers check `self` too, with their own words.
FOREIGN_SELF = (
    r"^descriptor '{name}' (for '\S+' objects doesn't apply to a '\S+' object"
    r"|requires a '\S+' object but received a '\S+')$"
)


def test_foreign_self_of_methods_and_slots(apimod):
    P, Store, Adder, Counter = apimod.Point, apimod.Store, apimod.Adder, apimod.Counter
    calls = {
        "norm": lambda: P.norm(5),
        "shift": lambda: P.shift("x", 1.0, 2.0),
        "shift_then_call": lambda: P.shift_then_call(5, print),
        "__repr__": lambda: P.__repr__(5),
        "__add__": lambda: P.__add__(5, P(1, 2)),
        "__iadd__": lambda: P.__iadd__(5, 1.0),
        "__hash__": lambda: P.__hash__(5),
        "__bool__": lambda: P.__bool__(5),
        "__lt__": lambda: P.__lt__(5, P(1, 2)),
        "__len__": lambda: Store.__len__(5),
        "__getitem__": lambda: Store.__getitem__(5, 0),
        "__setitem__": lambda: Store.__setitem__(5, 0, 1),
        "__delitem__": lambda: Store.__delitem__(5, 0),
        "__contains__": lambda: Store.__contains__(5, 0),
        "__call__": lambda: Adder.__call__(5, 1),
        "bump": lambda: Counter.bump(5),
        "to_list": lambda: Store.to_list(Counter()),
    }
    for name, call in calls.items():
        with pytest.raises(TypeError, match=FOREIGN_SELF.format(name=name)):
            call()


def test_foreign_self_of_properties(apimod):
    # PyPy's HPy does not check `self` of a property: the SDK does, with CPython's message.
    P = apimod.Point

    def message(name, cls="Point", other="int"):
        return rf"^descriptor '{name}' for '(apimod\.)?{cls}' objects doesn't apply to a '{other}' object$"

    def raises(pattern, call):
        with pytest.raises(TypeError, match=pattern):
            call()

    raises(message("xy"), lambda: P.xy.__get__(5))
    raises(message("x"), lambda: P.x.__get__(5))
    raises(message("value", "Node", "str"), lambda: apimod.Node.value.__get__("node"))
    raises(message("xy", other=r"(apimod\.)?Counter"), lambda: P.xy.__get__(apimod.Counter()))
    raises(message("x"), lambda: P.x.__set__(5, 1.0))
    raises(message("y"), lambda: P.y.__set__(5, 1.0))
    assert P(1, 2).xy == (1.0, 2.0)
