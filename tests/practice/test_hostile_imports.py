"""A trainer's import as an attacker would write it: huge, deeply nested or badly typed JSON; CSV/XLSX bombs, odd
encodings and oversized cells; personal numbers in every field (full-width digits included); spreadsheet formulas
on export; Markdown in what the workbench shows. Each is refused with a Chinese sentence within bounded time and
memory, or stored as plain masked text, and a refused import leaves what was stored as it was."""
from __future__ import annotations

import ast
import io
import json
import sqlite3
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from assistant.practice import cases as case_lib
from assistant.practice import scenarios as lib

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = {"办理居住证要带哪些材料？"}
NUMBERS = ("110101199003071234", "13812345678", "6222021234567890123")
PII = "我身份证110101199003071234，电话13812345678，卡号6222021234567890123"
HEAD = "标题,情况,群众原话\n"


def _json(items) -> bytes:
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


def _stored(engine) -> str:
    """Everything the database holds, as one text: a personal number anywhere in it is a leak."""
    url = engine.url.database
    with sqlite3.connect(url) as con:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        return "\n".join(str(row) for t in tables for row in con.execute(f'select * from "{t}"'))


def _peak_mb(fn) -> tuple[float, BaseException | None]:
    tracemalloc.start()
    err = None
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - the caller checks what was raised
        err = exc
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak, err


# --- scenarios (JSON) ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000, b'[{"id": ' + b"9" * 5000 + b"}]"])
def test_deeply_nested_json_or_a_huge_number_is_refused_in_chinese(data):
    with pytest.raises(lib.ScenarioError, match="无法读取"):
        lib.import_bytes("a.json", data, QUESTIONS)


def test_junk_nested_inside_matter_is_not_stored(engine, scenario_entry):
    junk = '{"type": "not_in_kb", "topic": "排队规则", "more": '.encode() + b'{"a": ' * 500 + b"1" + b"}" * 501
    found = lib.import_bytes("a.json", _json([scenario_entry(matter="@")]).replace(b'"@"', junk), QUESTIONS)
    lib.import_scenarios(engine, found, "t")
    assert lib.authored(engine)[0].matter == {"type": "not_in_kb", "topic": "排队规则"}


@pytest.mark.parametrize("matter", [{"type": "not_in_kb", "topic": 5}, {"type": "not_in_kb", "topic": None},
                                    {"type": "faq", "question": ["办理居住证要带哪些材料？"]},
                                    {"type": "risk", "kind": {"a": 1}}, {"type": ["faq"]}])
def test_matter_values_of_the_wrong_type_are_refused(matter, scenario_entry):
    with pytest.raises(lib.ScenarioError) as err:
        lib.import_bytes("a.json", _json([scenario_entry(matter=matter)]), QUESTIONS)
    assert "导入没有进行" in str(err.value) and "第 1 个场景" in str(err.value)


@pytest.mark.parametrize("over, said", [({"opening": "等" * 600_000}, "开场白"), ({"background": "a" * 5000}, "情况说明"),
                                        ({"title": "t" * 5000}, "标题"), ({"next": ["a"] * 300_000}, "接下来会说"),
                                        ({"escalate": ["b" * 5000]}, "答得不好时的反应"),
                                        ({"matter": {"type": "not_in_kb", "topic": "事" * 5000}}, "知识库里没有的事")])
def test_oversized_fields_and_lists_are_refused(over, said, scenario_entry):
    t = time.monotonic()
    with pytest.raises(lib.ScenarioError) as err:
        lib.import_bytes("a.json", _json([scenario_entry(**over)]), QUESTIONS)
    assert said in str(err.value) and ("太长" in str(err.value) or "最多" in str(err.value))
    assert time.monotonic() - t < 3


def test_the_authoring_form_is_capped_too(engine, scenario_entry):
    with pytest.raises(lib.ScenarioError, match="太长"):
        lib.save(engine, lib.from_dict(scenario_entry(background="情况" * 3000)), "t")
    assert lib.authored(engine) == []


def test_every_scenario_field_is_masked_before_it_is_stored(engine, scenario_entry):
    hostile = scenario_entry(title=PII, background=PII, calmed=PII, case=PII, opening=PII, next=[PII],
                     escalate=[PII], matter={"type": "not_in_kb", "topic": PII})
    lib.import_scenarios(engine, lib.import_bytes("a.json", _json([hostile]), QUESTIONS), "t")
    stored = _stored(engine)
    assert "5678" in stored and not [n for n in NUMBERS if n in stored]


def test_full_width_digits_do_not_get_past_the_masking(engine, scenario_entry):
    wide = "电话１３８１２３４５６７８，身份证１１０１０１１９９００３０７１２３４"
    lib.import_scenarios(engine, lib.import_bytes("a.json", _json([scenario_entry(opening=wide)]), QUESTIONS), "t")
    case_lib.import_cases(engine, case_lib.import_bytes("a.csv", (HEAD + f"t,s,{wide}\n").encode()), "t")
    stored = _stored(engine)
    assert "１３８１２３４５６７８" not in stored and "１９９００３０７" not in stored and "13812345678" not in stored
    assert "138****5678" in stored


@pytest.mark.parametrize("encoding", ["utf-16", "gbk", "utf-8-sig"])
def test_json_saved_by_notepad_in_another_encoding_is_read(encoding, scenario_entry):
    data = json.dumps([scenario_entry()], ensure_ascii=False).encode(encoding)
    assert [s.title for s in lib.import_bytes("a.json", data, QUESTIONS)] == ["排队太久发火"]


def test_undecodable_or_empty_json_is_refused_in_chinese():
    for data in (b"", b"\x00\xff\x00\xfe\x81" * 50, "标题,情况\nt,s\n".encode()):
        with pytest.raises(lib.ScenarioError, match="无法"):
            lib.import_bytes("a.json", data, QUESTIONS)


def test_a_lone_surrogate_is_refused_and_nothing_changes(engine, scenario_entry):
    lib.import_scenarios(engine, lib.import_bytes("a.json", _json([scenario_entry(id="keep")]), QUESTIONS), "t")
    bad = b"[" + _json(scenario_entry(id="keep", title="改了")) + b"," + _json(scenario_entry(id="a2"))[:-1] + b', "background": "a\\ud800b"}]'
    with pytest.raises(lib.ScenarioError, match="导入没有进行"):
        lib.import_bytes("a.json", bad, QUESTIONS)
    assert [(s.id, s.title) for s in lib.authored(engine)] == [("keep", "排队太久发火")]


def test_a_scenario_import_failing_inside_the_transaction_stores_nothing(engine, scenario_entry):
    lib.import_scenarios(engine, lib.import_bytes("a.json", _json([scenario_entry(id="keep")]), QUESTIONS), "t")
    good = lib.check(lib.from_dict(scenario_entry(id="keep", title="改了")))
    broken = lib.from_dict(scenario_entry(id="zz", title="a\ud800"))   # past check(): the database refuses it
    with pytest.raises(UnicodeEncodeError):
        lib.import_scenarios(engine, [good, broken], "t")
    assert [(s.id, s.title) for s in lib.authored(engine)] == [("keep", "排队太久发火")]


def test_markdown_and_html_are_stored_as_text(engine, scenario_entry):
    html = "<script>alert(1)</script> ![x](http://e/p.png) **粗**"
    lib.import_scenarios(engine, lib.import_bytes("a.json", _json([scenario_entry(title=html, opening=html)]), QUESTIONS), "t")
    (sc,) = lib.authored(engine)
    assert sc.title == html and sc.opening == html


# --- cases (CSV / XLSX) --------------------------------------------------------------------------------------------

def test_a_csv_cell_past_the_csv_reader_limit_is_refused_in_chinese():
    with pytest.raises(case_lib.CaseError, match="太长"):
        case_lib.import_bytes("a.csv", (HEAD + "t," + "长" * 200_000 + ",x\n").encode())


def test_an_oversized_case_field_is_refused():
    with pytest.raises(case_lib.CaseError) as err:
        case_lib.import_bytes("a.csv", (HEAD + "t," + "长" * 100_000 + ",x\n").encode())
    assert "第 2 行" in str(err.value) and "情况" in str(err.value) and "太长" in str(err.value)
    with pytest.raises(case_lib.CaseError, match="太长"):
        case_lib.clean(case_lib.Case(title="t", situation="s", staff_said="回" * 3000))


@pytest.mark.parametrize("body", ["a,b\n" * 1_000_000, "\n" * 4_000_000, ",,\n" * 1_500_000])
def test_a_csv_with_a_million_rows_is_refused_without_reading_it_all(body):
    peak, err = _peak_mb(lambda: case_lib.import_bytes("a.csv", (HEAD + body).encode()))
    assert isinstance(err, case_lib.CaseError) and ("一次最多导入" in str(err) or "行数太多" in str(err))
    assert peak < 40, f"{peak:.0f} MB"


def _xlsx(sheet: bytes | None = None, chunks: int = 0, chunk: bytes = b"") -> bytes:
    """A real workbook whose first sheet is replaced by ``sheet`` (+ ``chunk`` written ``chunks`` times) and the end."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["标题", "情况"])
    book.active.append(["t", "s"])
    buf = io.BytesIO()
    book.save(buf)
    src = zipfile.ZipFile(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml" or sheet is None:
                z.writestr(info.filename, src.read(info.filename))
                continue
            with z.open(info.filename, "w", force_zip64=True) as f:
                f.write(sheet)
                for _ in range(chunks):
                    f.write(chunk)
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
TITLE_ROW = '<row><c t="inlineStr"><is><t>标题</t></is></c><c t="inlineStr"><is><t>情况</t></is></c></row>'.encode()
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked():
    data = _xlsx(SHEET + b"<sheetData>" + TITLE_ROW, chunks=80, chunk=ROW * 12_000)   # ~80 MB of XML, <1 MB zipped
    assert len(data) < case_lib.MAX_IMPORT_BYTES
    t = time.monotonic()
    with pytest.raises(case_lib.CaseError, match="太大"):
        case_lib.import_bytes("a.xlsx", data)
    assert time.monotonic() - t < 2


def test_an_xlsx_with_many_rows_is_refused_after_reading_only_what_is_needed():
    data = _xlsx(SHEET + b"<sheetData>" + TITLE_ROW, chunks=15, chunk=ROW * 10_000)   # 150k rows, ~14 MB of XML
    t = time.monotonic()
    with pytest.raises(case_lib.CaseError, match="一次最多导入"):
        case_lib.import_bytes("a.xlsx", data)
    assert time.monotonic() - t < 5


def test_an_xlsx_whose_dimension_claims_a_billion_cells_is_refused_quickly():
    sheet = (SHEET + b'<dimension ref="A1:XFD1048576"/><sheetData>' + TITLE_ROW.replace(b"<row>", b'<row r="1">')
             + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    peak, err = _peak_mb(lambda: case_lib.import_bytes("a.xlsx", _xlsx(sheet)))
    assert isinstance(err, case_lib.CaseError) and "行数太多" in str(err)
    assert peak < 60, f"{peak:.0f} MB"


@pytest.mark.parametrize("data", [HEAD.encode("gbk") + "标题一,情况,原话\n".encode("gbk"),
                                  (HEAD + "标题一,情况,原话\n").encode("utf-16"),
                                  ("\ufeff" + HEAD + "标题一,情况,原话\n").encode("utf-8")])
def test_gbk_utf16_and_bom_csv_are_read(data):
    assert [c.title for c in case_lib.import_bytes("a.csv", data)] == ["标题一"]


@pytest.mark.parametrize("name, data", [("a.csv", b""), ("a.csv", b'{"scenarios": [{"id": "x"}]}'),
                                        ("a.xlsx", b"PK\x03\x04 not really"), ("a.json", HEAD.encode())])
def test_empty_or_misnamed_case_files_are_refused_in_chinese(name, data):
    with pytest.raises(case_lib.CaseError):
        case_lib.import_bytes(name, data)


def test_every_case_field_is_masked_and_enums_drop_what_they_do_not_know(engine):
    row = ",".join(f'"{PII}"' for _ in case_lib.TEXT_FIELDS)
    header = ",".join(h for h, f in case_lib.HEADER.items() if f in case_lib.TEXT_FIELDS) + ",性格类型,风险类别"
    data = f"{header}\n{row},D{NUMBERS[1]},自伤{NUMBERS[0]}\n".encode()
    case_lib.import_cases(engine, case_lib.import_bytes("a.csv", data), "t")
    stored = _stored(engine)
    assert "5678" in stored and not [n for n in NUMBERS if n in stored]


def test_a_late_bad_row_in_a_big_table_stores_nothing(engine):
    case_lib.save_case(engine, case_lib.Case(title="原有案例", situation="原有情况"), "t")
    rows = "".join(f"标题{i},情况{i},原话{i}\n" for i in range(4999)) + "坏行,情况,原话,暴躁\n"
    with pytest.raises(case_lib.CaseError, match="第 5001 行"):
        case_lib.import_bytes("a.csv", ("标题,情况,群众原话,情绪\n" + rows).encode())
    good = case_lib.import_bytes("a.csv", (HEAD + "新案例,情况,原话\n").encode())
    broken = [*good, case_lib.Case(title="a\ud800", situation="s", id="cbroken")]   # the database refuses it
    with pytest.raises(UnicodeEncodeError):
        case_lib.import_cases(engine, broken, "t")
    assert [c.title for c in case_lib.list_cases(engine)] == ["原有案例"]


def test_exported_cells_that_look_like_formulas_do_not_run():
    texts = ['=HYPERLINK("http://e","x")', "+1+1", "-2+3", "@SUM(A1)", "'=already"]
    cases = [case_lib.clean(case_lib.Case(title=t, situation=t, citizen_said=t)) for t in texts]
    csv_text = case_lib.export_bytes(cases, "csv").decode("utf-8-sig")
    assert all(line.startswith("'") or line.startswith('"\'') for line in csv_text.splitlines()[1:])
    xlsx = case_lib.export_bytes(cases, "xlsx")
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    for suffix, data in (("csv", csv_text.encode()), ("xlsx", xlsx)):
        assert [c.title for c in case_lib.import_bytes(f"a.{suffix}", data)] == texts


def _calls(path: Path, method: str):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == method and node.args:
            arg = node.args[0]
            if not (isinstance(arg, ast.Call) and getattr(arg.func, "id", "") == "plain"):
                yield node.lineno, arg


def test_case_text_shown_in_an_expander_label_goes_through_plain():
    """A label renders Markdown (links, images): a case title like ![x](http://e/p.png) must show as written."""
    for path in sorted((REPO / "assistant" / "ui").rglob("*.py")):
        for line, label in _calls(path, "expander"):
            counted = {id(n) for p in ast.walk(label) if isinstance(p, ast.Call) and getattr(p.func, "id", "") == "len"
                       for n in ast.walk(p)}   # len(x.items) is a number, not text
            data = [n for n in ast.walk(label) if isinstance(n, ast.Attribute) and id(n) not in counted]
            assert not data, f"{path.name}:{line} puts {ast.unparse(label)} in a label without plain()"


def test_import_errors_on_the_practice_pages_show_the_file_as_written():
    """An import error names the file, the scenario's title or the row's text: st.error renders Markdown."""
    for name in ("practice_admin.py", "practice.py", "faq.py", "accounts.py"):
        for line, message in _calls(REPO / "assistant" / "ui" / "views" / name, "error"):
            assert not (isinstance(message, ast.Call) and getattr(message.func, "id", "") == "str"), \
                f"{name}:{line} shows {ast.unparse(message)} without plain()"
