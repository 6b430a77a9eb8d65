"""Raising, matching, warnings and exception types (test_hpyerr.py) through tests/apimod."""

import builtins
import errno
import os
import warnings

import pytest


def test_every_exception_and_warning_constant(apimod):
    types = apimod.exception_types()
    assert len(types) == 64  # h_BaseException ... h_ResourceWarning
    for name, ty in types:
        assert ty is getattr(builtins, name), name
        if issubclass(ty, UnicodeError) and ty is not UnicodeError:
            continue  # their constructors need more than a message, as in C
        with pytest.raises(ty) as info:
            apimod.raise_builtin(name, f"msg {name}")
        assert type(info.value) is ty
        assert str(info.value) in (f"msg {name}", f"'msg {name}'")


def test_raise_with_class_and_object(apimod):
    class MyErr(Exception):
        pass

    with pytest.raises(MyErr, match="custom"):
        apimod.raise_with_class(MyErr, "custom")
    with pytest.raises(KeyError) as info:
        apimod.raise_object(KeyError, ("a", 1))
    assert info.value.args == ("a", 1)  # a tuple value is the argument tuple, as in C
    inst = ValueError("ready")
    with pytest.raises(ValueError) as info:
        apimod.raise_object(ValueError, inst)
    assert info.value is inst
    with pytest.raises(TypeError, match="exceptions must derive from BaseException"):
        apimod.raise_with_class(int, "x")
    with pytest.raises(TypeError, match="exceptions must derive from BaseException"):
        apimod.raise_with_class("not a class", "x")


def test_message_with_nul(apimod):
    with pytest.raises(ValueError) as info:
        apimod.raise_builtin("ValueError", "a\0b")
    assert str(info.value) == "a\0b"


def test_new_exception_kept_in_global(apimod):
    assert issubclass(apimod.MyError, Exception)
    assert apimod.MyError.__name__ == "MyError"
    assert apimod.MyError.__module__ == "apimod"
    assert apimod.MyError.__doc__ == "A test error."
    with pytest.raises(apimod.MyError, match="from a global"):
        apimod.raise_my_error("from a global")


def test_new_exception_variants(apimod):
    e = apimod.new_exception("m.Plain", None, None, None)
    assert e.__name__ == "Plain" and e.__module__ == "m" and issubclass(e, Exception)
    assert e.__doc__ is None
    sub = apimod.new_exception("m.Sub", "doc", KeyError, {"extra": 5})
    assert issubclass(sub, KeyError) and sub.extra == 5 and sub.__doc__ == "doc"
    multi = apimod.new_exception("m.Multi", None, (ValueError, KeyError), None)
    assert issubclass(multi, ValueError) and issubclass(multi, KeyError)
    with pytest.raises(SystemError, match="module.class"):
        apimod.new_exception("nodot", None, None, None)


def test_matching(apimod):
    class Base(Exception):
        pass

    class Child(Base):
        pass

    def raise_child():
        raise Child("c")

    assert apimod.catch(raise_child, Base) == "caught"
    assert apimod.catch(raise_child, Exception) == "caught"
    with pytest.raises(Child):
        apimod.catch(raise_child, KeyError)
    assert apimod.catch(lambda: 5, Base) == 5


def test_errno(apimod):
    with pytest.raises(FileNotFoundError) as info:
        apimod.raise_errno(errno.ENOENT, None, None, None)
    assert info.value.errno == errno.ENOENT
    assert info.value.strerror == os.strerror(errno.ENOENT)
    with pytest.raises(PermissionError) as info:
        apimod.raise_errno(errno.EACCES, "/some/file", None, None)
    assert info.value.filename == "/some/file"
    with pytest.raises(OSError) as info:
        apimod.raise_errno(errno.EXDEV, "a", "b", None)
    assert (info.value.filename, info.value.filename2) == ("a", "b")
    with pytest.raises(FileExistsError) as info:
        apimod.raise_errno(errno.EEXIST, None, None, "rust name")
    assert info.value.filename == "rust name"


def test_no_memory_and_state(apimod):
    with pytest.raises(MemoryError):
        apimod.no_memory()
    assert apimod.err_state() is True


def test_warnings(apimod):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        apimod.warn(UserWarning, "be careful")
    assert len(caught) == 1
    assert caught[0].category is UserWarning and str(caught[0].message) == "be careful"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DeprecationWarning, match="old"):
            apimod.warn(DeprecationWarning, "old")
    with pytest.raises(TypeError, match="exceptions must derive from BaseException"):
        apimod.warn(int, "x")


def test_write_unraisable(apimod):
    import sys

    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        marker = object()
        apimod.write_unraisable(marker)
        apimod.write_unraisable(None)
    finally:
        sys.unraisablehook = old
    assert len(seen) == 2
    assert seen[0].exc_type is ValueError and str(seen[0].exc_value) == "unraisable!"
    # CPython passes the object to the hook; PyPy only puts its repr into the message.
    assert seen[0].object is marker or repr(marker) in seen[0].err_msg
