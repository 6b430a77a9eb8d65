"""The object protocol (HPy's test_object.py and test_00_basic.py checks) through tests/apimod."""

import pytest


class Thing:
    pass


@pytest.mark.parametrize("how", ["s", "o"])
def test_attributes(apimod, how):
    t = Thing()
    apimod.set_attr(t, "color", "red", how)
    assert t.color == "red"
    assert apimod.get_attr(t, "color", how) == "red"
    assert apimod.has_attr(t, "color", how) is True
    assert apimod.has_attr(t, "nope", how) is False
    apimod.del_attr(t, "color", how)
    assert not hasattr(t, "color")
    with pytest.raises(AttributeError, match="color"):
        apimod.get_attr(t, "color", how)
    with pytest.raises(AttributeError):
        apimod.del_attr(t, "color", how)
    with pytest.raises(AttributeError):
        apimod.set_attr(1, "x", 2, how)


def test_attribute_names_with_nul_use_str_objects(apimod):
    t = Thing()
    apimod.set_attr(t, "a\0b", 5, "s")
    assert getattr(t, "a\0b") == 5
    assert apimod.get_attr(t, "a\0b", "s") == 5


def test_has_attr_swallows_errors(apimod):
    class Raises:
        @property
        def boom(self):
            raise RuntimeError("no")

    assert apimod.has_attr(Raises(), "boom", "s") is False
    assert apimod.has_attr(Raises(), "boom", "o") is False


@pytest.mark.parametrize("how", ["i", "o"])
def test_items_by_index(apimod, how):
    lst = [10, 20, 30]
    assert apimod.get_item(lst, 1, how) == 20
    assert apimod.get_item(lst, -1, how) == 30
    apimod.set_item(lst, 0, "x", how)
    assert lst[0] == "x"
    apimod.del_item(lst, 1, how)
    assert lst == ["x", 30]
    with pytest.raises(IndexError):
        apimod.get_item(lst, 5, how)
    with pytest.raises(TypeError):
        apimod.set_item((1, 2), 0, 3, how)


@pytest.mark.parametrize("how", ["s", "o"])
def test_items_by_key(apimod, how):
    d = {"a": 1}
    assert apimod.get_item(d, "a", how) == 1
    apimod.set_item(d, "b", 2, how)
    assert d == {"a": 1, "b": 2}
    apimod.del_item(d, "a", how)
    assert d == {"b": 2}
    with pytest.raises(KeyError, match="zz"):
        apimod.get_item(d, "zz", how)
    with pytest.raises(KeyError):
        apimod.del_item(d, "zz", how)


def test_item_errors(apimod):
    with pytest.raises(TypeError, match="unhashable"):
        apimod.get_item({}, [], "o")
    with pytest.raises(TypeError):
        apimod.get_item(42, 0, "i")
    with pytest.raises(OverflowError):
        apimod.get_item([1], 2**70, "i")


def test_length_contains(apimod):
    assert apimod.length([1, 2, 3]) == 3
    assert apimod.length("héllo") == 5
    assert apimod.length({}) == 0
    with pytest.raises(TypeError, match="has no len"):
        apimod.length(42)
    assert apimod.contains([1, 2], 2) is True
    assert apimod.contains({"k": 1}, "v") is False
    assert apimod.contains("hello", "ell") is True
    with pytest.raises(TypeError):
        apimod.contains(42, 1)


def test_types(apimod):
    assert apimod.type_of(1) is int
    assert apimod.type_of(Thing()) is Thing
    assert apimod.type_check(True, int) is True
    assert apimod.type_check(1, str) is False
    assert apimod.type_check(Thing(), object) is True
    assert apimod.is_subtype(bool, int) is True
    assert apimod.is_subtype(int, bool) is False
    assert apimod.type_name(Thing) == "Thing"
    assert apimod.type_name(int) == "int"
    with pytest.raises(TypeError, match=r"is_subtype\(\) argument 'sub': must be type, not int"):
        apimod.is_subtype(1, int)
    with pytest.raises(TypeError, match=r"type_name\(\) argument 'ty': must be type, not str"):
        apimod.type_name("int")


def test_is_and_truth(apimod):
    a = object()
    assert apimod.is_(a, a) is True
    assert apimod.is_(a, object()) is False
    assert apimod.is_true([]) is False
    assert apimod.is_true([0]) is True

    class Bad:
        def __bool__(self):
            raise ValueError("no truth")

    with pytest.raises(ValueError, match="no truth"):
        apimod.is_true(Bad())


def test_repr_str_ascii_bytes(apimod):
    assert apimod.to_text("é", "repr") == "'é'"
    assert apimod.to_text(1.5, "str") == "1.5"
    assert apimod.to_text("é", "ascii") == "'\\xe9'"
    assert apimod.to_text(b"ab", "bytes") == b"ab"

    class HasBytes:
        def __bytes__(self):
            return b"zz"

    assert apimod.to_text(HasBytes(), "bytes") == b"zz"
    with pytest.raises(TypeError):
        apimod.to_text(object(), "bytes")

    class BadRepr:
        def __repr__(self):
            raise RuntimeError("repr fails")

    with pytest.raises(RuntimeError, match="repr fails"):
        apimod.to_text(BadRepr(), "repr")


@pytest.mark.parametrize("op", ["<", "<=", "==", "!=", ">", ">="])
def test_rich_compare(apimod, op):
    for a, b in ((1, 2), (2, 2), (3, 2), ("a", "b")):
        expected = eval(f"a {op} b")
        assert apimod.compare(a, b, op) == expected
        assert apimod.compare_bool(a, b, op) is expected


def test_rich_compare_returns_any_object(apimod):
    class Weird:
        def __lt__(self, other):
            return "weird"

    assert apimod.compare(Weird(), 1, "<") == "weird"
    assert apimod.compare_bool(Weird(), 1, "<") is True
    with pytest.raises(TypeError, match="not supported"):
        apimod.compare(1, "a", "<")


def test_hash(apimod):
    assert apimod.hash("abc") == hash("abc")
    assert apimod.hash(7) == 7
    with pytest.raises(TypeError, match="unhashable"):
        apimod.hash([])


def test_dump_runs(apimod, capfd):
    apimod.dump(42)
