"""Where and until when a document applies, read from its own title and opening: what a clerk relies on."""
from __future__ import annotations

from datetime import date

from assistant.documents.jurisdiction import DocumentMeta, derive, status_on
from assistant.documents.places import gazetteer, normalise_region


def test_a_city_tax_bureau_under_a_national_name_is_that_city():
    m = derive("国家税务总局南阳市税务局关于延长申报期限的通知", "各县（区）税务局：现将有关事项通知如下。")
    assert (m.region, m.level) == ("河南省/南阳市", "市")


def test_a_provincial_department_is_that_province():
    m = derive("", "甘肃省人力资源和社会保障厅关于阶段性减免社会保险费的通知\n各市（州）人社局：……")
    assert (m.region, m.level) == ("甘肃省", "省")


def test_national_bodies_without_a_place_apply_everywhere():
    for title in ("国务院办公厅关于进一步优化营商环境的意见", "国家医疗保障局关于异地就医直接结算的通知",
                  "人力资源社会保障部 财政部关于阶段性减免企业社会保险费的通知"):
        assert derive(title, "") == DocumentMeta(level="全国"), title
    addressed = derive("关于做好稳岗返还工作的通知", "各省、自治区、直辖市人民政府，新疆生产建设兵团：为……")
    assert (addressed.region, addressed.level) == ("", "全国")


def test_a_district_is_placed_under_its_city_and_province():
    m = derive("海陵区审批服务公告", "为全面贯彻落实区委、区政府决策部署，海陵区行政审批局公告如下。")
    assert (m.region, m.level) == ("江苏省/泰州市/海陵区", "区县")
    assert derive("门头沟区信访办公室关于暂停接待来访的通知", "").region == "北京市/门头沟区"


def test_street_names_and_datelines_are_not_places():
    assert derive("社区防控指南", "临汾路街道地处三区交界处，居民区出入口共95个。").region == ""
    m = derive("7万铁警驻守一线", "新华社北京2月1日电（记者 熊丰）春节假期即将结束，铁路客流将迎来返程高峰。")
    assert m.region == ""


def test_dates_and_repeal_are_read_from_the_text():
    m = derive("某省灵活就业人员参保办法", "本办法自2024年1月1日起施行，有效期至2025年12月31日。")
    assert (m.effective_from, m.valid_until, m.validity) == ("2024-01-01", "2025-12-31", "")
    years = derive("某市稳岗返还实施细则", "本细则自2023年3月1日起施行，有效期2年。")
    assert years.valid_until == "2025-02-28"
    gone = derive("某市居住证办理指南（已废止）", "居住证申领材料如下……")
    assert gone.validity == "repealed"
    replaced = derive("某市失业保险金申领办法", "本办法已被《某市失业保险条例实施细则》替代。")
    assert replaced.validity == "repealed" and replaced.replaced_by == "某市失业保险条例实施细则"


def test_a_document_that_repeals_an_older_one_is_itself_current():
    m = derive("某市失业保险条例实施细则", "本细则自2024年5月1日起施行。原《某市失业保险金申领办法》同时废止。")
    assert m.validity == "" and m.effective_from == "2024-05-01"


def test_validity_is_judged_on_the_day_asked():
    m = DocumentMeta(effective_from="2024-01-01", valid_until="2025-12-31")
    assert status_on(m, date(2025, 6, 1)) == ""
    assert status_on(m, date(2026, 1, 1)) == "expired"
    assert status_on(m, date(2023, 12, 1)) == "pending"
    assert status_on(DocumentMeta(validity="repealed"), date(2020, 1, 1)) == "repealed"


def test_questions_name_places_in_short_forms():
    gz = gazetteer()
    assert gz.regions_in("南阳的社保补贴怎么申请") == ["河南省/南阳市"]
    assert gz.regions_in("甘肃省灵活就业参保有什么补贴") == ["甘肃省"]
    assert gz.regions_in("河南省南阳市卧龙区哪里办居住证") == ["河南省/南阳市/卧龙区"]
    assert gz.regions_in("延长春节假期算不算休息日") == []  # “长春” inside “延长春节” is no place
    assert gz.regions_in("怎么办理社保") == []


def test_a_trainers_region_is_normalised():
    assert normalise_region("江西 南昌") == "江西省/南昌市"
    assert normalise_region("甘肃省") == "甘肃省"
    assert normalise_region("全国") == ""
