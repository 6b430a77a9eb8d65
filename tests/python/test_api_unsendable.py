"""`#[hpy_class(unsendable)]`: the value (holding an `Rc`) is usable on the thread that created it;
any use from another thread raises `RuntimeError`, and an instance freed on another thread leaks
its value (with a message) instead of dropping it there."""

import gc
import threading

import pytest

from conftest import requires_classes

pytestmark = requires_classes

MESSAGE = r"Local is unsendable \(#\[hpy_class\(unsendable\)\]\): it can only be used by the thread that created it"


def in_thread(fn):
    """Runs `fn` in a new thread; returns what it returned or raised."""
    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            out["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join()
    return out


def test_unsendable_works_on_its_thread(apimod):
    local = apimod.Local(5)
    assert local.bump() == 6
    assert local.bump() == 7
    assert local.owners() == 1


def test_unsendable_raises_on_another_thread(apimod):
    local = apimod.Local(1)
    out = in_thread(local.bump)
    assert isinstance(out.get("error"), RuntimeError), out
    with pytest.raises(RuntimeError, match=MESSAGE):
        raise out["error"]
    assert local.bump() == 2  # untouched by the refused call


def test_unsendable_made_on_another_thread_belongs_to_it(apimod):
    out = in_thread(lambda: apimod.Local(10))
    local = out["value"]
    with pytest.raises(RuntimeError, match=MESSAGE):
        local.bump()


def test_unsendable_freed_on_another_thread_is_leaked_not_dropped(apimod, capfd):
    holder = [apimod.Local(3)]

    def free():
        holder.clear()
        gc.collect()

    assert in_thread(free) == {"value": None}
    assert "a Local object was freed on another thread" in capfd.readouterr().err
