"""Cleaning and quality checks on text written for these tests (no shared data needed)."""
from __future__ import annotations

import pytest

from assistant.documents.cleaning import clean_cell, clean_text, dedupe_lines, normalize_chars, to_simplified
from assistant.documents.common import extract_date, first_meaningful_line, sensible_title
from assistant.documents.quality import PageVerdict, looks_garbled, page_verdict
from assistant.documents.text import decode_bytes


def test_kangxi_and_radical_supplement_become_ordinary_characters():
    # what a browser-printed PDF yields for 比对工作 / 人民 / 门户
    assert normalize_chars("\u2f50对\u2f2f作，\u2f08\u2ea0\u2ed4\u2f3e") == "比对工作，人民门户"


def test_full_width_punctuation_and_circled_numbers_survive_normalisation():
    text = "（一）申请条件：①年满１８周岁；②２０２０年后参保。"
    assert normalize_chars(text) == "（一）申请条件：①年满18周岁；②2020年后参保。"


def test_traditional_text_becomes_simplified_and_simplified_text_is_untouched():
    assert to_simplified("溝通管理策略總結報告") == "沟通管理策略总结报告"
    simplified = "窗口工作人员应当一次性告知申请人需要补正的全部材料。"
    assert to_simplified(simplified) == simplified


def test_pinyin_glosses_are_removed_but_units_in_brackets_stay():
    assert clean_text("總結(jié)報(bào)告") == "总结报告"
    assert clean_text("每户限重(kg)以内，单位(API)不变") == "每户限重(kg)以内，单位(API)不变"


@pytest.mark.parametrize("line", [
    "下载本文档", "版权说明：本文档由用户上传，如有侵权请联系删除", "已阅读5页，还剩14页未读 继续免费阅读",
    "举报", "免责声明：本站内容来源于网络，仅供学习交流。", "上一篇：窗口服务规范", "文档评论(0)", "分享到：",
])
def test_boilerplate_lines_are_removed(line):
    content = [f"第{n}条 本办法第{n}项规定适用于市政务服务中心各窗口。" for n in "一二三四五六"]
    text = "\n".join(content[:2] + [line] + content[2:])
    assert clean_text(text, web=True) == "\n".join(content)


def test_content_lines_that_mention_click_or_share_are_kept():
    text = ("申请人可点击“我要办”按钮，上传身份证明材料后提交申请，系统将在1个工作日内反馈结果。\n"
            "办理进度可以分享给家人，也可以拨打12345热线查询。")
    assert clean_text(text, web=True) == text


def test_page_number_lines_are_removed_and_numbers_in_content_kept():
    page = "- 1 -\n第一条 补贴标准为每人每月300元。\n–– 2 ––\n第 3 页 共 9 页\n968\n合计 1047\n12"
    assert clean_text(page) == "第一条 补贴标准为每人每月300元。\n968\n合计 1047"


def test_a_section_pasted_three_times_is_kept_once():
    block = ["一、办理流程", "1.提交材料", "申请人向窗口提交身份证、户口簿和申请表原件。",
             "2.受理审核", "窗口工作人员当场审核材料并出具受理通知书。"]
    text = "\n\n".join(block + ["二、办理时限", "自受理之日起5个工作日内办结。"] + block + block)
    lines = [ln for ln in clean_text(text, web=True).split("\n") if ln]
    assert len(lines) == len(set(lines))
    assert lines[:5] == block and "二、办理时限" in lines


def test_a_short_heading_used_twice_in_real_content_stays():
    lines = ["一、个人申请", "所需材料：", "身份证原件及复印件一份。", "二、单位申请", "所需材料：",
             "营业执照副本及法定代表人授权委托书。"]
    assert dedupe_lines(lines, min_len=12, head_zone=0) == lines


def test_an_expanded_repeat_keeps_new_text_and_drops_repeated_headings():
    first = ["（一）内部沟通", "内部沟通主要在部门之间传递信息，特点是直接和高频。", "1.建立渠道", "每周召开一次例会。"]
    again = ["（一）内部沟通", "内部沟通主要在部门之间传递信息，特点是直接和高频。需要按层级区分。",
             "1.建立渠道", "每周召开一次例会，并形成会议纪要。"]
    kept = dedupe_lines(first + again)
    assert kept.count("（一）内部沟通") == 1 and kept.count("1.建立渠道") == 1
    assert "每周召开一次例会，并形成会议纪要。" in kept


def test_line_breaks_and_clause_headings_survive_whitespace_collapse():
    text = "第一条\u3000\u3000为了规范   窗口服务，\n\n\n\n（一）  总则\n  一、适用范围  "
    assert clean_text(text) == "第一条 为了规范窗口服务，\n\n（一）总则\n一、适用范围"


def test_wrapped_pdf_lines_are_joined_but_headings_are_not():
    page = "本报告根据《中华人民共和国政府信息公开条例》（国令第711号）\n要求编制。\n一、总体情况\n2023年全年公开信息。"
    assert clean_text(page, wrapped=True) == (
        "本报告根据《中华人民共和国政府信息公开条例》（国令第711号）要求编制。\n一、总体情况\n2023年全年公开信息。")


def test_cleaning_is_idempotent():
    text = "溝通(gōu)技巧\n\n- 3 -\n免责声明：来源网络\n第一条  为了规范\n第一条  为了规范"
    once = clean_text(text, web=True)
    assert clean_text(once, web=True) == once
    assert clean_cell(clean_cell(" 溝通  技巧 \n 第二行 ")) == clean_cell(" 溝通  技巧 \n 第二行 ")


@pytest.mark.parametrize("text,expected", [
    ("关于调整社保缴费基数的通知\n2020年3月5日", "2020-03-05"),
    ("发布日期：2020-03-05\n正文", "2020-03-05"),
    ("某某局\n二〇二〇年三月五日", "2020-03-05"),
    ("本办法自2020年3月5日起施行。", ""),
    ("办理日期 2021/13/40", ""),
])
def test_document_date_is_the_date_it_states_for_itself(text, expected):
    assert extract_date(text) == expected


def test_title_prefers_official_title_and_rejects_template_leftovers():
    text = "一份公文文件\n某局发〔2012〕21号\n某局关于调整办事时间的通知\n各有关单位："
    assert first_meaningful_line(text) == "某局关于调整办事时间的通知"
    assert sensible_title("（填写标准名称）") == "" and sensible_title("标准名称") == ""
    assert sensible_title("甘审办发〔2011〕号") == ""
    assert sensible_title("Microsoft Word - 社保缴费指南.doc") == "社保缴费指南"


def test_mojibake_and_unmapped_fonts_are_flagged_but_real_text_is_not():
    mojibake = "政府信息公开工作年度报告".encode("utf-8").decode("latin-1")
    assert looks_garbled(mojibake * 3)
    assert looks_garbled('"7+%-')
    assert not looks_garbled("第一条 为规范政务服务窗口工作，制定本办法。")
    assert not looks_garbled("pdf encryption test password: asdfzxcv")
    assert not looks_garbled("Le délai de réponse est de cinq jours ouvrés à compter de la réception.")
    assert looks_garbled("Ab" + "\ufffd" * 10 + "cd" * 5)


def test_page_verdicts():
    assert page_verdict("", has_images=True) is PageVerdict.SCANNED
    assert page_verdict("", has_images=False) is PageVerdict.BLANK
    assert page_verdict('"7+%-', has_images=False) is PageVerdict.GARBLED
    assert page_verdict("我是文字", has_images=True) is PageVerdict.TEXT


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_bytes_decode_without_mojibake(encoding):
    text = "社会保险缴费基数调整说明：请于每月15日前到窗口办理。"
    assert decode_bytes(text.encode(encoding)) == text
