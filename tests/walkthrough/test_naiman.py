"""奈曼旗 (naiman profile): a 职责不清 matter through 报送 to 旗政府办, the refusal of a department and the
referral of the 线索 to 纪委监委, the 承办反馈, written feedback to both sides and follow-up.

Seed: 奈政字〔2024〕123号 §四(八) 报送办理. Asserts states, deadlines, document codes and that nothing a
person reads is in English.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from casefile import workflow as wf
from casefile.deadlines import calendar_for
from casefile.errors import CasefileError
from casefile.models.enums import Flag, State
from walkthrough.common import Officer, at


def _naiman_form() -> dict[str, Any]:
    from importlib.resources import files

    data: dict[str, Any] = yaml.safe_load(
        files("casefile.data.examples").joinpath("intake-naiman.yaml").read_text(encoding="utf-8"))
    return data


def test_unclear_duties_through_referral_and_discipline(naiman_ws: Any) -> None:
    o = Officer(naiman_ws)
    cal = calendar_for(o.ws.root / "holidays.toml")
    cid = o.register(_naiman_form(), "09-29 10:15")
    assert o.case(cid).state is State.TRIAGE and o.docs(cid) == ["D01", "D02"]
    with pytest.raises(CasefileError, match="--class"):
        o.do(cid, "09-29 11:00", lambda s: wf.triage(s, risk="中"))
    o.do(cid, "09-29 15:00", lambda s: wf.triage(s, case_class="职责不清", note="人社与税务均称登记信息传递不属本部门职责",
                                                 suggest="人社局"))
    case = o.case(cid)
    assert case.state is State.REFERRED and case.referral is not None
    assert "D07" in o.docs(cid)
    reply_due = o.due(cid, "referral_reply")
    assert reply_due == cal.add_working_days(at("09-29 00:00").date(), 5) and cal.is_workday(reply_due)
    d07 = o.document_text(cid)[case.documents_of("D07")[0].doc_id]
    assert "政府办" in d07

    # 催办 on the dates it really happened, then the refusal without good reason: the 线索 goes to 纪委监委
    with pytest.raises(CasefileError, match="催办"):
        o.do(cid, "10-09 10:00", lambda s: wf.refer_refuse(s, "人社局", "拒不办理"))
    o.do(cid, "10-09 10:00", lambda s: wf.refer_urge(s, on=at("10-09 00:00").date(), text="电话催办，要求三日内反馈",
                                                     dept="人社局"))
    o.do(cid, "10-13 10:00", lambda s: wf.refer_urge(s, on=at("10-13 00:00").date(), text="书面催办", dept="人社局"))
    o.do(cid, "10-14 10:00", lambda s: wf.refer_refuse(s, "人社局", "经两次电话催办，仍以不属本部门职责为由拒不办理",
                                                       evidence=["职责不清事项报送单", "催办电话记录"]))
    case = o.case(cid)
    assert case.state is State.REFERRED and Flag.DISCIPLINE_REFERRAL in case.flags
    d09 = case.documents_of("D09")[0]
    assert d09.recipient and "纪委" in d09.recipient
    d09_text = o.document_text(cid)[d09.doc_id]
    assert "催办电话记录" in d09_text
    assert "2026年10月9日、2026年10月13日催办" in d09_text  # the 催办 dates on record, none invented

    o.do(cid, "10-16 10:00", lambda s: wf.refer_reply(s, "人社局", "已补传2026年上半年工伤保险参保登记信息，单位可正常申报。",
                                                      "NM20261016-0102"))
    assert o.case(cid).state is State.DECIDED
    o.do(cid, "10-16 15:00", lambda s: wf.notify(s))
    o.do(cid, "10-22 10:00", lambda s: wf.followup(s, method="电话", respondent="奈曼旗沙海物流有限公司",
                                                   satisfaction="满意"))
    case = o.case(cid)
    assert case.state is State.CLOSED
    assert [t for t in o.docs(cid) if t not in ("D22",)] == ["D01", "D02", "D07", "D32", "D32", "D09", "D12", "D14"]  # one 催办函 per urge
    o.assert_no_english(cid)
