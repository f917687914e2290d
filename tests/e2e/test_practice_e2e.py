"""Practice in a real browser: a trainee completes a five-turn scenario (each reply scored, the citizen reacting),
a trainer authors a scenario and reads the cohort view, and the workbench shows 类似情况曾这样化解. Screenshots go
to docs/screenshots/. The seconds each turn took in the browser are printed (run with -s), not asserted; the
figures in the README come from `python -m assistant.bench practice`."""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_browser_e2e import _ask, _shot, _sign_in, app_url, browser  # noqa: E402,F401  (fixtures)
from test_pages_e2e import _english  # noqa: E402

from app_harness import STAFF, TRAINER  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
BAD = "上次不是跟你说过了吗？你自己没看清楚。"
GOOD = ("您跑了三趟，换谁都窝火，您就是想一次弄明白。请一次带齐：本人居民身份证原件；居住证明任选一项，房屋产权证明、"
        "已备案的房屋租赁合同或单位、学校出具的住宿证明；就业或就读证明任选一项，劳动合同、营业执照、在职证明或在读证明；照片多数受理点现场采集。")


def _reply(page, text: str) -> float:
    before = page.get_by_test_id("stChatMessage").count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    started = time.perf_counter()
    box.press("Enter")
    try:
        page.wait_for_function(f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {before + 2}",
                               timeout=30_000)
    except Exception:
        page.screenshot(path="/tmp/practice-debug.png", full_page=True)
        raise
    return time.perf_counter() - started


def test_a_trainee_completes_a_five_turn_scenario(browser, app_url):
    page = _sign_in(browser, app_url, *STAFF)
    page.get_by_role("link", name="练习").click()
    page.get_by_role("button", name="开始练习").click()
    try:
        page.get_by_text("第三趟").first.wait_for(timeout=60_000)
    except Exception:
        page.screenshot(path="/tmp/practice-debug.png", full_page=True)
        raise
    times = [_reply(page, text) for text in (BAD, GOOD, BAD, GOOD)]
    page.get_by_text("怎么又成我的错了").first.wait_for()
    _shot(page, "practice-turns.png")
    times.append(_reply(page, GOOD))
    page.get_by_text("练习结束").first.wait_for()
    page.get_by_text("本次练习报告").wait_for()
    assert page.get_by_text("参考答复").count() >= 1
    _shot(page, "practice-report.png")
    assert not _english(page), " | ".join(sorted(_english(page)))
    print(f"\nbrowser seconds per practice turn: {[round(t, 2) for t in times]}, median {statistics.median(times):.2f}")
    page.close()


def test_a_trainer_authors_a_scenario_and_reads_the_cohort_view(browser, app_url):
    page = _sign_in(browser, app_url, *TRAINER)
    page.get_by_role("link", name="练习与案例").click()
    page.get_by_text("最薄弱的技能").wait_for()   # the trainee's session above
    _shot(page, "practice-cohort.png")
    assert not _english(page), " | ".join(sorted(_english(page)))
    page.get_by_role("tab", name="编写练习场景").click()
    page.get_by_label("场景编号（字母或数字）").fill("t02")
    page.get_by_label("场景标题").fill("窗口排长队群众不满")
    page.get_by_label("群众的开场白").fill("排了一个小时还没到我，你们到底几个窗口在办？")
    page.get_by_label("答得不好时的反应（每行一句）").fill("你这是什么态度？")
    page.get_by_role("button", name="保存场景").click()
    page.get_by_text("已保存练习场景").wait_for()
    page.get_by_text("窗口排长队群众不满").first.wait_for()
    page.get_by_role("link", name="练习", exact=True).click()
    page.get_by_text("选择练习场景").wait_for()
    assert "窗口排长队群众不满" in page.get_by_test_id("stApp").inner_text()
    page.close()


def test_the_workbench_shows_similar_past_cases(browser, app_url):
    page = _sign_in(browser, app_url, *STAFF)
    _ask(page, "我都跑了三趟了，每次都说缺一样材料，办居住证到底要带什么？")
    page.get_by_text("类似情况曾这样化解").wait_for()
    _shot(page, "workbench-similar-cases.png")
    page.close()


def _settled(page) -> None:
    """The rerun is over: one set of tabs on the page (a rerun briefly shows the old elements beside the new)."""
    page.wait_for_timeout(800)
    page.wait_for_function("document.querySelectorAll('[data-testid=stTabs]').length === 1", timeout=30_000)


def test_a_trainer_edits_a_scenario_in_place_and_imports_scenarios(browser, app_url):
    import json
    import re

    page = _sign_in(browser, app_url, *TRAINER)
    page.get_by_role("link", name="练习与案例").click()
    page.get_by_role("tab", name="编写练习场景").click()
    page.get_by_role("combobox", name=re.compile("修改已有场景")).click()
    page.get_by_role("option", name=re.compile(r"（s02[，）]")).click()
    page.wait_for_function("[...document.querySelectorAll('input')].some(i => i.value === 's02')", timeout=15_000)
    page.get_by_label("场景标题").fill("改过的示例场景")
    page.get_by_role("button", name="保存场景").click()
    page.get_by_text("已修改练习场景").wait_for()
    page.get_by_text("改过的示例场景").first.wait_for()

    page.get_by_role("tab", name="编写练习场景").click()
    page.get_by_text("导入场景（JSON）").click()
    entry = {"id": "imp9", "title": "叫号机坏了群众着急", "temperament": "C", "emotion": "anxious",
             "matter": {"type": "not_in_kb", "topic": "叫号机故障时的排队办法"}, "opening": "叫号机怎么不出号了？",
             "escalate": ["那我到底排哪儿？"]}
    bad = dict(entry, id="imp10", temperament="X")
    box = page.get_by_test_id("stExpander").filter(has_text="导入场景（JSON）")
    for scenarios, said in (([entry, bad], "编号 imp10"), ([entry], "已导入 1 个练习场景")):
        box.locator("input[type=file]").set_input_files(files=[{
            "name": "场景.json", "mimeType": "application/json",
            "buffer": json.dumps({"scenarios": scenarios}, ensure_ascii=False).encode()}])
        # the upload reruns the page, which may show the first tab again (the flash above the tabs is gone)
        page.get_by_text(re.compile(r"场景\.json")).first.wait_for(state="attached")
        _settled(page)
        page.get_by_role("tab", name="编写练习场景").click()
        go = box.get_by_role("button", name="导入", exact=True)
        if not go.is_visible():
            page.get_by_text("导入场景（JSON）").click()
        try:
            go.click(timeout=20_000)
            page.get_by_text(said).first.wait_for()
            _settled(page)
        except Exception:
            page.screenshot(path="/tmp/practice-import-debug.png", full_page=True)
            raise
        page.get_by_role("tab", name="编写练习场景").click()
    _shot(page, "practice-scenario-import.png")
    assert not _english(page), " | ".join(sorted(_english(page)))
    page.close()
