"""No agreement, decision or correction may waive 社会保险费 or 滞纳金: checked sentence by sentence."""

from __future__ import annotations

import pytest

from casefile.errors import WaiverRefused
from casefile.rules.waiver import find_waivers, refuse_waivers

REFUSED = [
    ("宏远煤业同意免除2025年度单位应缴部分社会保险费", "contribution"),
    ("双方同意减免2025年社会保险费一半。", "contribution"),
    ("经协商，用人单位2024年1月至12月的养老保险单位部分不再缴纳。", "contribution"),
    ("职工自愿放弃参加社会保险，单位不再为其缴纳", "contribution"),
    ("税务机关同意不再加收该期间滞纳金。", "late_fee"),
    ("滞纳金由职工个人承担。", "shift"),
]
ALLOWED = [
    "用人单位分三期补缴社会保险费并提供担保。",
    "社会保险费依法不得减免，双方同意分期缴纳。",
    "申请人放弃经济补偿请求。",
    "用人单位于2026年12月31日前补缴2025年度社会保险费及滞纳金。",
]


@pytest.mark.parametrize(("text", "kind"), REFUSED)
def test_waivers_are_found_with_their_sentence(text: str, kind: str) -> None:
    body = text if text.endswith("。") else text + "。"
    found = find_waivers(["甲方已到场。" + body + "其余事项另行协商。"])
    assert [f.kind for f in found] == [kind]
    assert found[0].sentence.rstrip("。") == text.rstrip("。")


@pytest.mark.parametrize("text", ALLOWED)
def test_lawful_terms_pass(text: str) -> None:
    assert find_waivers([text]) == []


def test_refusal_quotes_every_sentence() -> None:
    with pytest.raises(WaiverRefused) as exc:
        refuse_waivers("调解协议", "宏远煤业同意免除2025年度单位应缴部分社会保险费；分两期付清。", "滞纳金由职工个人承担")
    msg = exc.value.message
    assert "“宏远煤业同意免除2025年度单位应缴部分社会保险费；”" in msg
    assert "滞纳金由职工个人承担" in msg and "第六十条" in msg and msg.startswith("调解协议")
