"""The portal: pages, the guide directory and guide pages, the JSON API and the widget route."""

from __future__ import annotations

import re

import pytest

from guidebot.config import load_settings
from guidebot.db import unit_of_work
from guides.catalogue import load_directory
from guides.store import import_bundle
from portal import create_app
from tests.helpers import default_items, item_yaml


@pytest.fixture
def app_for(make_catalogue, tmp_path):
    def build(engine, widget_dir=None):
        items = {**default_items(),
                 "items/hukou.yaml": item_yaml("H-QX-001", "新生儿入户", department="nn-gaj", region="450103000000",
                                               level="县级", aliases=["孩子落户", "上户口"],
                                               extra="topics: [户籍办理]\nlegal_basis: '《户口登记条例》<b>第七条</b>'\n")}
        with unit_of_work(engine) as session:
            import_bundle(session, load_directory(make_catalogue(items)))
        settings = load_settings({"GUIDEBOT_PORTAL_URL": "http://portal.test", "GUIDEBOT_RASA_URL": "http://rasa.test:5005",
                                  "GUIDEBOT_DATA_DIR": str(tmp_path)})
        app = create_app(settings, engine=engine, widget_dir=widget_dir or tmp_path / "no-widget")
        return app.test_client()
    return build


@pytest.fixture
def client(app_for, sqlite_engine):
    return app_for(sqlite_engine)


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_home_is_a_chinese_demo_portal_with_the_widget_tag(client):
    html = page(client, "/")
    assert '<html lang="zh-CN">' in html and "示例数据" in html
    for section in ("办事指南", "政务公开", "政府信息公开"):
        assert section in html
    tag = re.search(r"<script src=\"/widget/guidebot-widget.js\"[^>]*>", html).group(0)
    assert 'data-server="http://rasa.test:5005"' in tag and "data-title=" in tag
    assert "http://" not in html.replace("http://rasa.test:5005", "")  # no CDN or other outside address
    assert page(client, "/zwgk") and "依申请公开" in page(client, "/xxgk")


def test_directory_filters_by_department_level_topic_region_and_name(client):
    names = lambda html: re.findall(r'<a href="/guides/([^"]+)">', html)  # noqa: E731
    assert sorted(names(page(client, "/guides"))) == ["H-QX-001", "P-LZ-001", "P-NN-001", "T-001"]
    assert sorted(names(page(client, "/guides?department=nn-gaj"))) == ["H-QX-001", "P-NN-001"]
    assert names(page(client, "/guides?level=县级")) == ["H-QX-001"]
    assert names(page(client, "/guides?topic=户籍办理")) == ["H-QX-001"]
    assert names(page(client, "/guides?region=450200000000")) == ["P-LZ-001"]
    assert names(page(client, "/guides?q=孩子落户")) == ["H-QX-001"]  # aliases count
    assert names(page(client, "/guides?q=%25")) == []  # LIKE wildcards are text
    assert "没有符合条件的事项" in page(client, "/guides?q=' OR 1=1 --")
    assert len(names(page(client, "/guides?page=abc&level=nonsense"))) == 4


def test_guide_page_shows_every_element_and_escapes_content(client):
    html = page(client, "/guides/H-QX-001")
    for heading in ("受理条件", "申请材料", "办理流程", "法定办结时限", "承诺办结时限", "是否收费", "办理地点", "办理时间",
                    "咨询电话", "监督投诉电话", "设定依据", "是否网办", "到现场次数", "常见问题"):
        assert heading in html, heading
    assert "示例数据" in html and "打印本页" in html
    assert "&lt;b&gt;第七条&lt;/b&gt;" in html and "<b>第七条</b>" not in html
    assert "居民身份证" in html and "验原件" in html
    assert "页面不存在" in page(client, "/guides/NOPE", 404)
    page(client, "/guides/" + "x" * 200, 404)


def test_search_api_answers_or_says_not_confident(client):
    data = client.get("/api/search?q=孩子落户要什么").get_json()
    assert data["confident"] and data["results"][0]["code"] == "H-QX-001"
    assert client.get("/api/search?q=今天天气怎么样").get_json()["results"] == []
    for url, status in (("/api/search?q=", 400), ("/api/search?q=" + "办" * 300, 400), ("/api/search?q=护照&limit=x", 400),
                        ("/api/search?q=护照&limit=0", 400)):
        response = client.get(url)
        assert response.status_code == status and re.search(r"[\u4e00-\u9fff]", response.get_json()["error"])
    for odd in ("😀😀😀", "<script>alert(1)</script>", "'; DROP TABLE service_items; --", "\x00\x1b护照"):
        assert client.get("/api/search", query_string={"q": odd}).status_code in (200, 400)
    assert client.get("/api/search?q=护照").get_json()["results"]  # still there after the SQL-ish text


def test_completion_matches_names_and_aliases(client):
    data = client.get("/api/complete?q=高等").get_json()
    assert [s["code"] for s in data["suggestions"]] == ["T-001"]
    data = client.get("/api/complete?q=教资").get_json()
    assert data["suggestions"][0] == {"code": "T-001", "name": "高等学校教师资格认定", "department": "广西壮族自治区教育厅",
                                   "region": "广西壮族自治区", "matched": "高校教资"}
    data = client.get("/api/complete?q=护照&limit=1").get_json()
    assert len(data["suggestions"]) == 1
    assert client.get("/api/complete?q=").get_json()["suggestions"] == []
    assert client.get("/api/complete?q=%25_").get_json()["suggestions"] == []
    assert client.get("/api/complete?q=护照&limit=99").status_code == 400
    assert client.get("/api/complete?q=护照").headers["Access-Control-Allow-Origin"] == "*"


def test_hot_questions_and_one_guide_as_json(client):
    assert len(client.get("/api/hot-questions").get_json()["questions"]) >= 5
    data = client.get("/api/guides/T-001").get_json()
    assert data["url"] == "http://portal.test/guides/T-001" and data["sample"] is True
    assert client.get("/api/guides/NOPE").status_code == 404


def test_widget_route_serves_the_bundle_or_says_how_to_build_it(app_for, sqlite_engine, tmp_path):
    client = app_for(sqlite_engine)
    response = client.get("/widget/guidebot-widget.js")
    assert response.status_code == 503 and b"make widget" in response.data
    built = tmp_path / "dist"
    built.mkdir()
    (built / "guidebot-widget.js").write_text("window.GuideBotWidget={};", "utf-8")
    other = create_app(load_settings({"GUIDEBOT_DATA_DIR": str(tmp_path)}), engine=sqlite_engine, widget_dir=built)
    response = other.test_client().get("/widget/guidebot-widget.js")
    assert response.status_code == 200 and response.mimetype == "application/javascript"
    assert response.data == b"window.GuideBotWidget={};"


def test_directory_and_completion_on_both_databases(app_for, engine):
    client = app_for(engine)
    assert "新生儿入户" in page(client, "/guides?q=上户口")
    assert client.get("/api/complete?q=护照").get_json()["suggestions"][0]["name"] == "普通护照签发"
