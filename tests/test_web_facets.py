"""The facet sidebar groups townships under their province and county."""


def test_townships_are_grouped_under_province_and_county(client):
    page = client.get("/search?q=法治").get_data(as_text=True)
    assert '<p class="facet-group">安徽省 · 杜集区</p>' in page
    duanyuan = page.index('<p class="facet-group">安徽省 · 杜集区</p>')
    assert page.index("段园镇", duanyuan) < page.index('<p class="facet-group">', duanyuan + 10)


def test_search_page_links_to_the_concordance_and_trends_of_the_same_query(client):
    page = client.get("/search?q=枫桥经验&year=2024").get_data(as_text=True)
    assert "/kwic?q=%E6%9E%AB%E6%A1%A5%E7%BB%8F%E9%AA%8C&amp;year=2024" in page
    assert "/trends?q=%E6%9E%AB%E6%A1%A5%E7%BB%8F%E9%AA%8C&amp;year=2024" in page


def test_every_page_links_to_every_view(client):
    page = client.get("/about").get_data(as_text=True)
    for path in ("/kwic", "/trends", "/coverage", "/laws", "/duplicates"):
        assert f'href="{path}"' in page
