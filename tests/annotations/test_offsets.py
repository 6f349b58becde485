from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from toolkit.annotations.offsets import astral_positions, cp_to_utf16, utf16_to_cp

TEXT = st.text(alphabet=st.sampled_from(["a", " ", "é", "😀", "🎉", "\n", "中", "\U0001d11e"]), max_size=40)


@given(TEXT, st.data())
def test_utf16_code_point_round_trip(text: str, data: st.DataObject) -> None:
    cp = data.draw(st.integers(0, len(text)))
    u16 = cp_to_utf16(text, cp)
    assert u16 == len(text[:cp].encode("utf-16-le")) // 2
    assert utf16_to_cp(text, u16) == cp


@given(TEXT)
def test_offsets_inside_a_surrogate_pair_are_refused(text: str) -> None:
    for k, pos in enumerate(astral_positions(text)):
        assert utf16_to_cp(text, pos + k + 1) is None


def test_known_values() -> None:
    text = "Warga 😀🎉 Jakarta"
    assert astral_positions(text) == [6, 7]
    assert text[9:16] == "Jakarta"
    assert cp_to_utf16(text, 9) == 11 and utf16_to_cp(text, 11) == 9
    assert astral_positions("ascii only") == []
