"""Turn pydantic's errors into Chinese findings that name the field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from casefile.errors import Finding

FIELD_LABELS: dict[str, str] = {
    "channel": "受理渠道",
    "channel_ref": "工单号",
    "received_at": "来访时间",
    "first_handler": "首问责任人",
    "intake_dept": "受理部门",
    "jurisdiction": "事项所在辖区",
    "applicant": "缴费人/反映人",
    "counterparty": "对方当事人",
    "categories": "争议类别",
    "insurance_types": "险种",
    "periods": "所属期",
    "amounts": "金额",
    "claim": "反映主要事项",
    "attachments": "附件",
    "payer_group": "争议群体",
    "kind": "类型",
    "name": "名称/姓名",
    "credit_code": "统一社会信用代码",
    "id_number": "身份证号",
    "mobile": "手机号码",
    "phone": "固定电话",
    "address": "地址",
    "legal_rep": "法定代表人",
    "code": "行政区划代码",
    "represents": "代表",
    "bank_account": "银行账号",
    "represents_count": "代表人数",
    "agent": "代理人",
    "outside": "辖区外",
    "note": "备注",
    "flags": "标记",
    # amounts
    "claimed_arrears": "反映欠缴金额",
    "arrears": "欠缴金额",
    "late_fee": "滞纳金",
    "refund": "退费金额",
    "benefit": "待遇金额",
    "base_difference": "缴费基数差额",
}

# enum values stored as codes, shown by their Chinese names
_ENUM_WORDS = {"'unit'": "单位", "'person'": "个人", "unit": "单位", "person": "个人"}

_TYPE_MESSAGES: dict[str, str] = {
    "missing": "必填项缺失",
    "extra_forbidden": "不是可识别的字段，请检查拼写",
    "string_too_short": "不能为空",
    "too_short": "至少需要填写一项",
    "string_too_long": "内容过长",
    "string_type": "应为文字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是/否（true/false）",
    "bool_type": "应为是/否（true/false）",
    "datetime_parsing": "不是有效的日期时间（如 2026-11-03T09:40:00+08:00）",
    "datetime_from_date_parsing": "不是有效的日期时间（如 2026-11-03T09:40:00+08:00）",
    "datetime_type": "不是有效的日期时间（如 2026-11-03T09:40:00+08:00）",
    "date_parsing": "不是有效的日期（如 2026-11-03）",
    "date_from_datetime_parsing": "不是有效的日期（如 2026-11-03）",
    "date_type": "不是有效的日期（如 2026-11-03）",
    "string_pattern_mismatch": "格式不正确",
    "list_type": "应为列表",
    "dict_type": "应为键值对",
    "model_type": "应为键值对",
    "model_attributes_type": "应为键值对",
    "decimal_parsing": "应为金额数字",
    "greater_than_equal": "不能小于允许的最小值",
    "less_than_equal": "超过允许的最大值",
}


def label_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for p in loc:
        if isinstance(p, int):
            out += f"第{p + 1}项"
        else:
            word = FIELD_LABELS.get(str(p), str(p))
            out += f"的{word}" if out else word
    return out


def findings_from(err: ValidationError) -> list[Finding]:
    out: list[Finding] = []
    for e in err.errors(include_url=False):
        loc = tuple(x for x in e["loc"] if x not in ("function-after", "function-before"))
        if e["type"] in ("value_error", "assertion_error"):
            ctx_err = (e.get("ctx") or {}).get("error")
            msg = str(ctx_err) if ctx_err else e["msg"]
        elif e["type"] == "enum":
            expected = str((e.get("ctx") or {}).get("expected", ""))
            for code, word in _ENUM_WORDS.items():
                expected = expected.replace(code, word)
            expected = expected.replace(" or ", "或").replace("'", "")
            msg = f"取值不正确，应为{expected}"
        else:
            msg = _TYPE_MESSAGES.get(e["type"], e["msg"])
        out.append(Finding(label_path(loc), msg, e["type"]))
    return out
