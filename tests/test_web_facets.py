"""The facet sidebar groups townships under their province and county."""


def test_townships_are_grouped_under_province_and_county(client):
    page = client.get("/search?q=法治").get_data(as_text=True)
    assert '<p class="facet-group">安徽省 · 杜集区</p>' in page
    duanyuan = page.index('<p class="facet-group">安徽省 · 杜集区</p>')
    assert page.index("段园镇", duanyuan) < page.index('<p class="facet-group">', duanyuan + 10)
