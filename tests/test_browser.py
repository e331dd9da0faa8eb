"""A real browser (Debian's headless Chromium, driven by Playwright) searches, filters and follows a hit.

Skips with a sentence where Chromium or Playwright is missing; .ci/run installs both.
"""
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed; run `apt-get install chromium` to run the browser test.", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed; run `pip install -e '.[test]'`.")


@pytest.fixture(scope="module")
def server_url(app):
    # Werkzeug's server (Flask's own dependency) can be stopped from another thread: shutdown() waits for
    # serve_forever() to return before the socket closes. Closing a waitress server under its running loop
    # makes that loop's select() fail with EBADF in the server thread.
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="module")
def page(server_url):
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        # What the Content-Security-Policy blocks (an inline script, a style attribute) shows up as a console error.
        page.problems = []
        page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        yield page
        browser.close()


@pytest.fixture(autouse=True)
def no_console_errors(page):
    """Each test ends with no script error and nothing the browser refused to run or apply."""
    page.problems.clear()
    yield
    assert page.problems == []


def test_search_tick_a_facet_and_land_on_the_highlighted_passage(server_url, page):
    page.goto(server_url + "/")
    page.fill("input#q", "枫桥经验")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1.summary")
    assert "2 篇报告中的 2 个段落" in page.inner_text("h1.summary")

    page.click("aside.facets a:has-text('2024年')")
    page.wait_for_selector("h1.summary:has-text('2024年')")
    assert "1 篇报告中的 1 个段落" in page.inner_text("h1.summary")
    assert page.locator("aside.facets a[aria-pressed='true']").count() == 1

    page.click("ol.hits li.hit h2 a")
    page.wait_for_selector(".passage.is-target")
    target = page.locator(".passage.is-target")
    assert target.get_attribute("id") == "anhui-duji-duanyuan-2024-p11"
    assert target.locator("mark").first.inner_text() == "枫桥经验"
    assert target.is_visible()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled into view
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-passage.png"))


def test_phone_width_search_page_keeps_results_readable(server_url, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server_url + "/search?q=法律明白人")
    hits = page.locator("ol.hits")
    facets = page.locator("aside.facets")
    assert hits.bounding_box()["width"] <= 390
    assert facets.bounding_box()["y"] > hits.bounding_box()["y"]  # facets move below the hits
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1200, "height": 900})


def test_keyboard_reaches_the_search_box_and_submits(server_url, page):
    page.goto(server_url + "/about")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("三重一大")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1.summary")
    assert "三重一大" in page.inner_text("h1.summary")


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/kwic?q=枫桥经验", "枫桥经验"),
        ("/trends?q=枫桥经验&q=网格化", "枫桥经验"),
        ("/coverage", "普法"),
        ("/laws", "民法典"),
        ("/laws/民法典", "民法典"),
        ("/duplicates", "相近段落"),
        ("/review", "要件齐全"),
        ("/review?county=鲁山县", "瓦屋镇"),
        ("/figures?q=矛盾纠纷", "410件"),
        ("/townships", "乡镇"),
        ("/townships/瓦屋镇", "2024年"),
        ("/compare?a=henan-jiyuan-sili-2024&b=henan-lushan-wawu-2024", "存在问题和不足"),
    ],
)
def test_research_views_render_in_the_browser(server_url, page, path, expected):
    response = page.goto(server_url + path)
    assert response.status == 200
    assert expected in page.inner_text("main")
    name = path.strip("/").split("?")[0].replace("/", "-")
    # Issue 9's content security policy forbids inline scripts, handlers and styles; these views use none.
    assert page.locator("main script, main [style], main [onclick], main [onload]").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "name, path",
    [("search", "/search?q=法治"), ("kwic", "/kwic?q=法治&year=2024"), ("trends", "/trends?q=枫桥经验、普法")],
)
def test_screenshots_of_search_kwic_and_trends_at_desktop_and_phone_width(server_url, page, name, path, width):
    page.set_viewport_size(WIDTHS[width])
    try:
        assert page.goto(server_url + path).status == 200
        results = page.locator("#results")
        facets = page.locator("aside.facets")
        assert results.bounding_box()["width"] <= WIDTHS[width]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]  # no sideways scrolling
        if width == "phone":
            assert facets.bounding_box()["y"] > results.bounding_box()["y"]  # below the results, reached by 筛选
            assert page.locator(".filter-toggle a").is_visible()
        else:
            assert facets.bounding_box()["x"] < results.bounding_box()["x"]  # a sidebar beside them
            assert not page.locator(".filter-toggle a").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        assert shot.stat().st_size > 10_000
    finally:
        page.set_viewport_size(WIDTHS["desktop"])


def test_the_filter_link_opens_the_facets_above_the_results_on_a_phone(server_url, page):
    page.set_viewport_size(WIDTHS["phone"])
    try:
        page.goto(server_url + "/search?q=法治")
        page.click(".filter-toggle a")
        facets, results = page.locator("aside.facets"), page.locator("#results")
        assert page.get_attribute(".filter-toggle a", "aria-expanded") == "true"
        assert facets.bounding_box()["y"] < results.bounding_box()["y"]
        page.click("aside.facets a:has-text('2024年')")
        page.wait_for_selector("h1.summary:has-text('2024年')")
        assert page.locator("aside.facets a[aria-pressed='true']").count() == 1
    finally:
        page.set_viewport_size(WIDTHS["desktop"])
