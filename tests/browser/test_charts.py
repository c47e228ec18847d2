"""Charts: every chart has its title (a figure caption, or the heading of the panel it alone is
in) with its unit; the 万元 unit of a horizontal chart sits below its axis, never past the edge;
the county dashboard's chart by township uses the page's width and names every township."""

import pytest
from django.conf import settings

from sanwu.demo import generator
from sanwu.economy import demo as economy_demo
from sanwu.oversight import demo as oversight_demo
from sanwu.regions.models import Region

from .conftest import DESKTOP, browser_page, login

pytestmark = pytest.mark.browser

TITLES = """() => [...document.querySelectorAll("[data-chart]")].map(el => {
  const fig = el.closest("figure");
  const caption = fig && fig.querySelector("figcaption");
  const section = el.closest("section");
  const heading = section && section.querySelectorAll("[data-chart]").length === 1 && section.querySelector("h2");
  return [el.getAttribute("data-chart"), (caption || heading || {textContent: ""}).textContent.trim()];
})"""


@pytest.fixture
def city_with_books(transactional_db):
    generator.load("small", 2021)
    economy_demo.load_demo("small", 2021)
    oversight_demo.load_demo(2021)
    return sorted(Region.objects.filter(parent_id="340828000000").values_list("name", flat=True))


def test_every_chart_has_a_title_with_its_unit_and_the_township_chart_names_every_township(city_with_books, live_server):
    townships = city_with_books
    with browser_page(DESKTOP) as page:
        login(page, live_server.url, "county_yuexi", settings.SANWU_DEMO_PASSWORD)
        page.goto(live_server.url + "/oversight/dashboard/?region=340828000000")
        page.wait_for_selector("[data-chart=children] canvas")
        dashboard = page.evaluate(TITLES)
        children = page.evaluate("""() => {
          const el = document.querySelector("[data-chart=children]");
          const o = echarts.getInstanceByDom(el).getOption();
          return {names: o.yAxis[0].data, interval: o.yAxis[0].axisLabel.interval, rotate: o.yAxis[0].axisLabel.rotate || 0,
                  width: el.getBoundingClientRect().width, page: document.querySelector(".charts").getBoundingClientRect().width};
        }""")
        page.goto(live_server.url + "/economy/?region=340828000000&year=2020")
        page.wait_for_selector("[data-chart=eco-children-average][data-ready]")
        economy = page.evaluate(TITLES)
        average = page.evaluate("""() => {
          const o = echarts.getInstanceByDom(document.querySelector("[data-chart=eco-children-average]")).getOption();
          return {name: o.xAxis[0].name, location: o.xAxis[0].nameLocation, names: o.yAxis[0].data};
        }""")
        page.goto(live_server.url + "/economy/trends/?region=340828000000")
        page.wait_for_selector("[data-chart][data-ready]")
        trends = page.evaluate(TITLES)
        errors = list(page.errors)
    for name, title in dashboard + economy + trends:
        assert title, f"chart {name} has no title"
        assert "（" in title and title.endswith("）"), f"chart {name}: its title gives no unit: {title}"
    assert sorted(children["names"]) == townships and children["interval"] == 0 and children["rotate"] == 0
    assert children["width"] >= children["page"] - 20  # the whole row, not one grid cell
    assert (average["name"], average["location"]) == ("万元", "middle") and sorted(average["names"]) == townships
    assert errors == [], errors
