"""The template builder: generates the statutory document templates ``templates/D01.docx`` … ``D32.docx``.

The templates are docxtpl (Jinja) documents built programmatically with python-docx and raw
OOXML, so that they are reproducible and reviewable: edit this script, re-run it, commit the
.docx files. Offices customise a copy in their workspace (see templates/README.md).

Usage::

    python tools/build_templates.py                 # write templates/D01.docx … D29.docx and check them
    python tools/build_templates.py --preview OUT   # also render each with sample data → OUT/*.docx, *.pdf, *.png

Layout constants and their source (GB/T 9704-2012《党政机关公文格式》, docs/domain.md §7):

- Paper A4 210 × 297 mm (§5.2.1). Margins: 天头 37 mm (top), 订口 28 mm (left) (§5.2.2);
  bottom 35 mm and right 26 mm follow from the 版心 156 × 225 mm.
- Grid: 22 lines × 28 characters of 3号 (16 pt) per page (§5.2.3), stored as
  ``w:docGrid w:type="lines" w:linePitch="579"`` plus text condensed by 0.25 pt (``w:spacing w:val="-5"``
  in the document defaults):
  * ``linePitch`` = 579 twips = 28.95 pt (225 mm = 12 756 twips; 22 × 579 = 12 738 ≤ 12 756, so 22
    lines fit; 580 would push the 22nd line off the page). Body paragraphs use the same value as an
    exact line spacing, so text sits on the grid in Word, WPS and LibreOffice alike.
  * 28 characters: the 156 mm 版心 is 442.2 pt, 28 × 16 pt = 448 pt does not fit, 28 × 15.75 pt = 441 pt
    does. Word's own way (``linesAndChars`` with ``charSpace`` −849) is not used because LibreOffice 7.4
    lays it out as one or two grid cells per character (1 or 14 characters a line) and with charSpace 0
    as 27; the condensed text on a line grid gives 28 in Word, WPS and LibreOffice, so a plain
    ``soffice --convert-to pdf`` of the .docx and casefile's own conversion agree.
- Fonts (§5.2.4, §7): title 2号小标宋 (22 pt, ``方正小标宋简体``); body 3号仿宋 (16 pt,
  ``仿宋_GB2312``); level-1 headings "一、" 3号黑体; level-2 "（一）" 3号楷体 (``楷体_GB2312``);
  levels 3–4 "1." "（1）" 仿宋. Only the East Asian font name is set (``w:eastAsia``); Latin text
  and digits use Times New Roman. Fonts are named, never embedded.
- 发文机关标志: red 小标宋, top edge 35 mm below the top of the 版心 (§7.2.4); 发文字号 two lines
  below it, centred (§7.2.5); red separator 4 mm below the 发文字号, full 版心 width (§7.2.7).
  Title two lines below the separator (§7.3.1); 主送机关 one line below the title (§7.3.2).
- 署名/成文日期 (§7.3.5): sealed documents put the date 4 characters from the right and centre the
  署名 over it. The 署名 paragraph is centred between a left indent of 13.5 characters and the right
  margin, i.e. on an axis 7.25 characters from the right edge = 4 characters + half a typical date
  (6–7 character widths). A 署名 longer than 14.5 characters wraps within that box instead of running
  into the margin. Unsealed (``署名（不盖章）``/``成文日期（不盖章）``): 署名 2 characters from the
  right; the date on the next line, also 2 characters from the right (the rule for a date longer
  than the 署名; a Word user shifts it by hand otherwise).
- 页码 (§7.5): 4号 (14 pt) 宋体 Arabic numerals between em dashes "— 1 —", 7 mm below the 版心;
  odd pages right-aligned and indented one character, even pages left-aligned and indented one
  character (``w:evenAndOddHeaders``). The footer sits 20 mm above the page edge; the page number
  line (14 pt) plus 3 mm spacing after puts its top 28 mm above the edge = 7 mm under the 版心.
- 信函格式 (§10.1, D04/D09/D24): the organ name in red 30 mm from the top of the page (first-page
  header, header distance 30 mm), a red double rule (thick over thin) 4 mm below it and a red double
  rule (thin over thick) 20 mm above the bottom edge, both 170 mm long and centred; 文号 flush right
  under the rule; no page number on page 1.
- 纪要格式 (§10.3, D11): red mark "××纪要" 35 mm below the top of the 版心; attendance lines with
  "出席：" "列席：" "请假：" in 3号黑体, names in 仿宋, wrapped lines aligned after the colon; no seal.
- 版记 (§7.4): 4号仿宋 between a first and a last thick rule (0.35 mm).
- Enforcement forms (D16–D22; docs/domain.md §7): one-page tables with the agency name and the document
  name as the header and the 文号 flush right; table text in 小四 (12 pt) or 五号 (10.5 pt).

Modules, one job each: ``geometry`` (page, grid and font constants), ``ooxml`` (raw OOXML paragraphs,
runs and tables), ``styles``, ``builder`` (the document builder and the deterministic writer), ``blocks``
(text and rows several templates share), ``intake``/``handling``/``enforcement``/``archive`` (one function
per document type), ``build`` (type → function, write and check), ``readme``, ``sample`` and ``preview``
(``--preview``), ``cli``. The check after building is casefile's own (``casefile templates check``).

Template variables: see docs/architecture.md ("Template context") and
``casefile.documents.doctypes.DOC_TYPES`` (the ``x.*`` names per type). Each ``{{ … }}`` is written
as a run of its own; paragraph and row tags (``{%p … %}``, ``{%tr … %}``) stand alone.
"""
