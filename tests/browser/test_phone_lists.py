"""At 375 px every list keeps its columns legible: no page scrolls sideways (nor any box inside
it), and no cell of a list is narrower than two characters — the lists become cards (site.css
`table.stack`). One test per list page, on the small demo city with its books."""

import pytest
from django.conf import settings

from sanwu.decisions import demo as decisions_demo
from sanwu.demo import generator
from sanwu.economy import demo as economy_demo
from sanwu.oversight import demo as oversight_demo

from .conftest import browser_page, login

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 375, "height": 740}

# What the page measures: its sideways overflow, any scrolling box that overflows, and every
# visible cell of a list narrower than two characters of its own font.
MEASURE = """() => {
  const out = {page: document.documentElement.scrollWidth - window.innerWidth, boxes: [], narrow: [], cells: 0};
  for (const el of document.querySelectorAll("main *")) {
    const cs = getComputedStyle(el);
    if ((cs.overflowX === "auto" || cs.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      const right = el.getBoundingClientRect().right;
      const wide = [...el.querySelectorAll("*")].filter(c => c.getBoundingClientRect().right > right + 1).slice(-1)[0];
      out.boxes.push((el.className || el.tagName) + (wide ? " ← " + wide.tagName + "." + wide.className + " " + wide.textContent.trim().slice(0, 20) + " " : ""));
    }
  }
  for (const cell of document.querySelectorAll("main table td, main table th")) {
    const r = cell.getBoundingClientRect();
    if (!r.width || !r.height || !cell.textContent.trim()) continue;
    out.cells += 1;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    const pad = parseFloat(getComputedStyle(cell).paddingLeft) + parseFloat(getComputedStyle(cell).paddingRight);
    if (r.width - pad < 2 * em) out.narrow.push(cell.textContent.trim().slice(0, 12) + " " + Math.round(r.width) + "px");
  }
  return out;
}"""

PAGES = {
    "decisions": ("county_yuexi", "/decisions/", "四议两公开"),
    "awards": ("county_yuexi", "/economy/awards/?region=340828000000&year=2020", "依据"),
    "townships": ("county_yuexi", "/economy/?region=340828000000&year=2020", "各乡镇对比"),
    "feed": ("township_1", "/oversight/feed/", "摘要"),
    "audit": ("county_yuexi", "/audit/", "审计记录"),
    "coop": ("county_yuexi", "/coop/", "股份经济合作社"),
}


@pytest.fixture
def city_with_books(transactional_db):
    generator.load("small", 2021)
    decisions_demo.load_demo(2021)
    economy_demo.load_demo("small", 2021)
    oversight_demo.load_demo(2021)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_list_fits_a_375px_phone_with_every_column_legible(city_with_books, live_server, name):
    username, url, shown = PAGES[name]
    with browser_page(SMALL_PHONE) as page:
        login(page, live_server.url, username, settings.SANWU_DEMO_PASSWORD)
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert shown in page.content()
        m = page.evaluate(MEASURE)
        errors = list(page.errors)
    assert m["cells"] > 0, "the list has rows"
    assert m["page"] <= 0 and m["boxes"] == [], m
    assert m["narrow"] == [], m["narrow"][:10]
    assert errors == [], errors
