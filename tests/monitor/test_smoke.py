from django.test import Client

from tests.conftest import sign_in


def test_pages_render(world, history):
    history(6, months_ago=2)
    for user in (world.chair, world.analyst, world.consultant, world.coordinator):
        client = sign_in(Client(), user)
        for url in ("/monitor/", "/monitor/buurten/", "/monitor/tafel/", "/monitor/contingenten/"):
            r = client.get(url)
            assert r.status_code in (200, 403), (url, r.status_code)
        r = client.get("/api/v1/monitor/flow/")
        assert r.status_code == 200, r.content
    client = sign_in(Client(), world.chair)
    assert client.get("/monitor/flow/export.xlsx").status_code == 200
    assert client.get("/monitor/where/export.csv").status_code == 200
    assert client.get("/monitor/kwartaalrapport.pdf").status_code == 200
