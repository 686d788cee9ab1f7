"""Who and where a free text names: people, companies, addresses below county level.

Used twice: on the source case's record, so that everyone it names (third parties in the narrative
too) gets a pseudonym, and on the text to be published, so that a name or an address that slipped
through (or that a trainer typed in later) is a leak-check finding.

Detection leans towards over-reporting: a false finding costs a trainer one rephrasing, a missed
one publishes a person. The person finder uses the segmenter's name tag (``nr``) and joins a lone
surname with the word after it (the segmenter reads 赵铁柱 as 赵 + 铁柱); a word followed by a place
suffix (张家庄村) is a place, not a person.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

COMMON_SURNAMES = frozenset(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴"
    "夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟"
    "安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂丛焦向柳邢路岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜詹关苗凌费纪靳盛童欧甄项"
    "曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "申屠", "西门", "百里", "呼延", "澹台",
                     "万俟", "闻人", "赫连", "太史", "公羊", "濮阳", "淳于", "单于", "仲孙", "拓跋", "完颜"]

# Words the segmenter may tag as names because they start with a surname character (申, 于, 何…).
ROLE_WORDS = frozenset({"申请人", "被申请人", "申诉人", "于是", "何时", "任何", "高于", "明确", "经办人", "代理人",
                        "当事人", "法定代表人", "负责人", "联系人", "反映人", "投诉人", "举报人", "证明人", "常年",
                        "常规", "时间", "文件", "江河", "万元", "关于", "向其", "于此", "石油", "安全", "金额",
                        "华北", "华东", "华南", "华中", "华西", "高新", "龙头", "白银", "黄金", "方面", "周期"})

# The legal forms that end a company's name (longest first so 有限公司 wins over 公司).
ORG_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "分公司", "合作社",
                "工作室", "商行", "门市部", "经营部", "事务所")
_ORG_RE = re.compile("(?:" + "|".join(ORG_SUFFIXES) + ")")
# Segmenter tags that cannot be part of a name before a legal form: verbs, prepositions, particles…
_ORG_STOP_FLAGS = ("p", "c", "u", "x", "r", "m", "q", "y", "e", "o")
# Words the segmenter tags as nouns that still start a clause (责令 is tagged n).
_ORG_STOP_WORDS = frozenset({"责令", "要求", "督促", "通知", "告知", "认定", "称", "反映", "投诉", "举报", "起诉", "经",
                             "由", "对", "向", "与", "和", "及", "将", "被", "让", "请", "令", "据", "原告", "被告",
                             "职工", "员工", "工人", "会计", "出纳", "经理", "股东", "法定代表人", "负责人"})
_ADVERBS = frozenset({"已经", "一直", "仍然", "同样", "曾经", "长期", "多次", "始终", "至今", "随后", "目前"})
_PLACE_AFTER_RE = re.compile(r"(?:[村庄屯镇乡沟堡营街路巷县区市省州旗里寨湾坪峪坡]|小区|花园|家园|公寓|新村|苑|大厦|广场)")

# Addresses below county level: a named village (with its group), a street with a house number, a
# named residential compound, a building/unit/room number.
_HAN = r"[\u4e00-\u9fa5]"
_NUM = r"(?:\d+|[一二三四五六七八九十]{1,3})"
_VILLAGE_RE = re.compile(r"(?P<name>" + _HAN + r"{1,6}?)(?:村|嘎查)(?:委会|民委员会)?(?:" + _NUM + r"(?:组|社|队))?"
                         r"(?:" + _NUM + r"号)?")
_STREET_RE = re.compile(r"(?P<name>" + _HAN + r"{1,8}?)(?:大街|大道|路|街|巷|胡同|弄|园区)" + _NUM + r"(?:[-—]\d+)?号"
                        r"(?:(?:院)?" + _NUM + r"(?:号楼|栋|幢|单元|层|室))*")
_COMPOUND_RE = re.compile(r"(?P<name>" + _HAN + r"{2,6}?)(?:小区|花园|家园|公寓|新村|苑)(?:" + _NUM + r"(?:号楼|栋|幢|单元|层|室|号))*")
_ROOM_RE = re.compile(r"\d+(?:号楼|栋|幢)(?:\d+单元)?(?:\d+(?:层|室|号))?|\d+单元\d+(?:室|号)")
# Where the name of a place starts: after an administrative level, a preposition, a pseudonym.
_PLACE_BOUNDARY = set("县区市镇乡旗省州住在于到的及和与至从向是为居位即、，。；：（）()“”某称其该原现 ")
_GENERIC_PLACE = frozenset({"农", "乡", "本", "该", "全", "同", "各", "邻", "进", "驻", "城中", "行政", "自然", "新农",
                            "山", "外", "回", "出", "老", "此", "每", "两", "多", "城乡", "美丽乡", "驻地"})


@dataclass(frozen=True)
class Mention:
    kind: str  # person | company | address
    start: int
    end: int
    text: str


def is_pseudonym(name: str) -> bool:
    """张某, 张某甲, 某建材公司, A建材公司, 某村, 某处 …: already de-identified."""
    return "某" in name or bool(re.fullmatch(r"[A-J][\u4e00-\u9fa5]{0,6}公司", name))


def tagged(text: str) -> list[tuple[int, str, str]]:
    from casefile.search_engines.analysis import segmenter

    out = []
    pos = 0
    for word, flag in segmenter().tag(text):
        i = text.find(word, pos)
        if i < 0:
            continue
        out.append((i, word, flag))
        pos = i + len(word)
    return out


def _is_surname_start(name: str) -> bool:
    return name[:1] in COMMON_SURNAMES or name[:2] in COMPOUND_SURNAMES


# Words after which a surname-initial word is a name even if it is also an ordinary word (职工高峰).
_ROLE_CONTEXT = frozenset({"职工", "员工", "工人", "证人", "会计", "出纳", "经理", "股东", "厂长", "矿长", "队长", "班长",
                           "老板", "法定代表人", "负责人", "代理人", "联系人", "妻子", "丈夫", "儿子", "女儿", "父亲",
                           "母亲", "同事", "工友", "村民", "居民", "主任", "书记", "先生", "女士", "、"})


_NOT_NAME_END = frozenset("称说讲道等和与及的在是向对也都被将把了")


@functools.cache
def not_names() -> frozenset[str]:
    """Ordinary words the segmenter tags as names (built by tools/build_common_words.py)."""
    text = resources.files("casefile.data.library").joinpath("not_names.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.split() if w)


def persons(text: str) -> list[Mention]:
    """Personal names: tagged ``nr`` (or a lone surname and the word after it), starting with a
    common surname, not a role word, an ordinary word (unless a role word comes before it: 职工高峰)
    or a place (张家庄村)."""
    tokens = tagged(text)
    common = not_names()
    out: list[Mention] = []
    for k, (i, word, flag) in enumerate(tokens):
        name = ""
        if flag == "nr" and (2 <= len(word) <= 3 or (len(word) == 4 and word[:2] in COMPOUND_SURNAMES)):
            name = word
        elif len(word) == 1 and word in COMMON_SURNAMES and flag == "nr" and k + 1 < len(tokens):
            j, nxt, nflag = tokens[k + 1]
            if j == i + 1 and 1 <= len(nxt) <= 2 and re.fullmatch(r"[\u4e00-\u9fa5]+", nxt) and nflag[:1] in ("n", "a"):
                name = word + nxt
        if len(name) == 3 and name[-1] in _NOT_NAME_END:
            name = name[:2]  # the tagger glues a following verb on: 孙丽称, 王芳说
        if not name or name in ROLE_WORDS or not _is_surname_start(name) or is_pseudonym(name):
            continue
        if name in common and not (k > 0 and tokens[k - 1][1] in _ROLE_CONTEXT):
            continue
        if _PLACE_AFTER_RE.match(text, i + len(name)):
            continue
        out.append(Mention("person", i, i + len(name), name))
    return out


def companies(text: str) -> list[Mention]:
    """Company names that end in a legal form: the words before it back to a preposition, a
    particle, punctuation or the start, less the verbs that open the span (责令/拖欠 山西宏远煤业有限公司
    → 山西宏远煤业有限公司). Verbs inside a name stay (惠民 超市(v) 连锁 有限公司)."""
    out: list[Mention] = []
    matches = list(_ORG_RE.finditer(text))
    if not matches:
        return out
    tokens = tagged(text)
    for m in matches:
        span: list[tuple[int, str, str]] = []
        start = m.start()
        for i, word, flag in reversed(tokens):
            if i >= m.start():
                continue
            if (i + len(word) != start or flag.startswith(_ORG_STOP_FLAGS) or word in _ORG_STOP_WORDS
                    or not re.fullmatch(r"[\u4e00-\u9fa5]+", word) or m.start() - i > 24):
                break
            span.insert(0, (i, word, flag))
            start = i
        while span and (span[0][2] in ("v", "vd", "ad") or span[0][1] in _ADVERBS
                        or (len(span[0][1]) == 1 and not span[0][2].startswith("n"))):
            span.pop(0)  # 大同 (tagged d) in 大同恒泰运输有限公司 stays
        start = span[0][0] if span else m.start()
        # A place name starts a company's name (山西…, 太原…): words before it belong to the sentence.
        place = next((i for i, _w, flag in span if flag == "ns"), start)
        start = place if m.start() - place >= 2 else start
        if m.start() - start >= 2:
            out.append(Mention("company", start, m.end(), text[start:m.end()]))
    return out


def _trim_place(text: str, m: re.Match[str], *, numbered: bool = False) -> int | None:
    """Where the place name in a village/street/compound match really starts, or None if generic."""
    name_start, name_end = m.start("name"), m.end("name")
    cut = name_start
    for k in range(name_end - 1, name_start - 1, -1):
        if text[k] in _PLACE_BOUNDARY:
            cut = k + 1
            break
    name = text[cut:name_end]
    if not name or name in _GENERIC_PLACE or (len(name) == 1 and not numbered and name not in COMMON_SURNAMES):
        return None
    return cut


def addresses(text: str) -> list[Mention]:
    """Places below county level: 张家庄村3组, 东大街12号, 阳光小区5号楼, 3单元201室."""
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_STREET_RE, _VILLAGE_RE, _COMPOUND_RE):
        for m in pattern.finditer(text):
            start = _trim_place(text, m, numbered=pattern is _STREET_RE)
            if start is None or any(a < m.end() and start < b for a, b in taken):
                continue
            taken.append((start, m.end()))
            out.append(Mention("address", start, m.end(), text[start:m.end()]))
    for m in _ROOM_RE.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            taken.append((m.start(), m.end()))
            out.append(Mention("address", m.start(), m.end(), m.group(0)))
    out.sort(key=lambda x: x.start)
    return out
