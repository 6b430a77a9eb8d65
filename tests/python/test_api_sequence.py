"""The sequence slots (`#[hpy_methods(sequence)]`, tests/apimod/src/protocols/seq.rs): `sq_item`,
`sq_ass_item`, `sq_length`, `sq_contains`, `sq_concat`, `sq_repeat` and their in-place forms.
The runtime adds `len()` to a negative index before the method sees it."""

import pytest

from conftest import requires_classes

pytestmark = requires_classes


def test_item_access(apimod):
    s = apimod.Seq([10, 20, 30])
    assert len(s) == 3
    assert (s[0], s[2], s[-1], s[-3]) == (10, 30, 30, 10)
    with pytest.raises(IndexError, match="Seq index out of range"):
        s[3]
    with pytest.raises(IndexError, match="Seq index out of range"):
        s[-4]
    with pytest.raises(TypeError):
        s["a"]
    with pytest.raises(TypeError):
        s[0:2]  # the sequence slots take integers only
    assert 20 in s and 25 not in s


def test_assignment_and_deletion(apimod):
    s = apimod.Seq([1, 2, 3])
    s[0] = 5
    s[-1] = 7
    assert s.to_list() == [5, 2, 7]
    with pytest.raises(TypeError):
        s[0] = "x"
    del s[1]
    assert s.to_list() == [5, 7]
    with pytest.raises(IndexError):
        del s[5]


def test_concat_and_repeat(apimod):
    s = apimod.Seq([1, 2])
    assert (s + [3]).to_list() == [1, 2, 3]
    assert (s * 3).to_list() == [1, 2] * 3
    assert (s * 0).to_list() == []
    t = s
    s += [4]
    assert s is t and s.to_list() == [1, 2, 4]
    s *= 2
    assert s is t and s.to_list() == [1, 2, 4, 1, 2, 4]
    with pytest.raises(TypeError):
        s + "ab"


def test_old_style_iteration_through_sq_item(apimod):
    # Without __iter__, iter() walks sq_item until IndexError.
    assert list(apimod.Seq([3, 4, 5])) == [3, 4, 5]


def test_mapping_indexing_for_comparison(apimod):
    m = apimod.Mapped([1, 2, 3])
    assert (m[0], m[-1], len(m)) == (1, 3, 3)
