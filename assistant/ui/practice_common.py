"""Display helpers the practice pages share: the scenario list, a scenario's matter from the KB, one reply's score,
a run's report. Business logic stays in assistant.practice."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant.feedback.faq_edit import faq_documents, load_entries
from assistant.practice import scenarios as practice_scenarios
from assistant.practice.model_reply import model_reply
from assistant.practice.scorer import Matter, Score
from assistant.practice.session import Run
from assistant.practice.skills import SKILL_ZH, SKILLS
from assistant.ui import resources
from assistant.ui.common import plain


class MatterError(ValueError):
    """The scenario's FAQ entry is no longer in the knowledge base."""


def scenarios() -> list[practice_scenarios.Scenario]:
    cfg = resources.settings()
    return practice_scenarios.all_scenarios(resources.engine(), cfg.knowledge_dir)


def faq_answers() -> dict[str, str]:
    """标准问题 -> 标准答案 of every FAQ table in the knowledge base."""
    kb = resources.knowledge_base()
    return {e.question: e.answer for doc in faq_documents(kb) for e in load_entries(kb, doc)}


def matter_for(sc: practice_scenarios.Scenario) -> Matter:
    m = sc.matter
    if m.get("type") == "faq":
        answers = faq_answers()
        if m.get("question") not in answers:
            raise MatterError(f"场景引用的问答“{m.get('question')}”已不在知识库里：请培训管理员修改场景，或换一个场景练习。")
        return Matter("faq", question=m["question"], answer=answers[m["question"]])
    if m.get("type") == "not_in_kb":
        return Matter("not_in_kb", topic=m.get("topic", ""))
    return Matter("risk", kind=m.get("kind", ""))


def vary():
    """With an LLM endpoint configured, the citizen's scripted line may be reworded (bounded by the script)."""
    cfg = resources.settings()
    if not cfg.llm_base_url:
        return None
    from assistant.practice.wording import Rewording

    return Rewording(cfg)


def render_score(score: Score, run: Run, index: int) -> None:
    latest = index == len([t for t in run.turns if t.score is not None]) - 1
    met = [k for k in SKILLS if score.skills.get(k) is True]
    missed = score.failed()
    title = "评分：全部做到" if not missed else f"评分：{len(missed)} 项没做到"
    with st.expander(title, expanded=latest, icon=":material/grading:"):
        st.markdown("  \n".join([f":green[:material/check_circle:] {SKILL_ZH[k]}" for k in met] +
                                [f":red[:material/cancel:] **{SKILL_ZH[k]}**" for k in missed]))
        parts = "　".join(f"{name}{'有' if ok else '缺'}" for name, ok in score.nvc.items())
        st.caption(f"非暴力沟通四部分：{parts}")
        for note in score.notes:
            st.markdown(f"- {plain(note)}")
        if score.missing_items:
            st.markdown("一次性告知漏了：" + "；".join(plain(x) for x in score.missing_items))
        for flag in score.tone:
            with st.container(border=True):
                st.markdown(f"**{plain(flag.category)}**：“{plain(flag.span)}”")
                st.caption(plain(flag.reason))
                st.markdown(f"建议改为：{plain(flag.rewrite)}")
        st.markdown("**参考答复**")
        st.info(plain(model_reply(run.matter, run.scenario.emotion)))


def session_report(run: Run) -> None:
    rows = []
    for k in SKILLS:
        got = [t.score.skills.get(k) for t in run.turns if t.score is not None and t.score.skills.get(k) is not None]
        if got:
            rows.append({"技能": SKILL_ZH[k], "做到": sum(got), "共": len(got), "做到比例": f"{sum(got) / len(got):.0%}"})
    st.subheader("本次练习报告")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    weak = [r["技能"] for r in rows if r["做到"] < r["共"]]
    if weak:
        st.markdown("下次重点练：" + "、".join(weak))
