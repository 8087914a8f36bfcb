from tests.web.centre_fixtures import centre_wiring, centre_app, centre_client  # noqa: F401
def test_smoke(centre_client, client):
    for path in ["/privacy", "/cookies", "/privacy/history", "/contact"]:
        r = centre_client.get(path)
        print(path, r.status_code)
        open("/tmp/centre" + path.replace("/", "_") + ".html", "w").write(r.text)
        assert r.status_code == 200
    for path in ["/privacy", "/cookies", "/privacy/history", "/contact"]:
        r = client.get(path)
        open("/tmp/centre_none" + path.replace("/", "_") + ".html", "w").write(r.text)
        assert r.status_code == 200
