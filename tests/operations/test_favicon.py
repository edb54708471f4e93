import pytest


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.svg")
    assert (
        client.get("/").content.decode().count('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">') == 1
    )
