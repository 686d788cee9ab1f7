"""Build src/casefile/data/library/not_names.txt: words the segmenter tags as personal names (nr)
that are ordinary words (查明, 公正, 盖章, 建立健全 …), so the leak check does not report them.

Two sources: the jieba dictionary's nr entries with a frequency of at least MIN_FREQ (a real name of
an ordinary person is rare there; 张建军 has 3), and every nr-tagged word in the bundled statutes
(which name no private person). Run after a jieba upgrade or a change to the statutes:

    .venv/bin/python tools/build_common_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/casefile/data/library/not_names.txt"
LAWS = ROOT / "src/casefile/data/search/laws"
MIN_FREQ = 150


def build() -> str:
    import jieba

    from casefile.search_engines.analysis import segmenter

    words: set[str] = set()
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "nr" and int(parts[1]) >= MIN_FREQ and 2 <= len(parts[0]) <= 4:
                words.add(parts[0])
    seg = segmenter()
    for path in sorted(LAWS.glob("*.md")):
        for word, flag in seg.tag(path.read_text(encoding="utf-8")):
            if flag == "nr" and 2 <= len(word) <= 4:
                words.add(word)
    return "".join(w + "\n" for w in sorted(words))


def main() -> int:
    text = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {text.count(chr(10))} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
