"""The templates' ``url_for`` remembers paths and builds what Flask's would."""

from __future__ import annotations

from flask import url_for


def test_remembered_paths_are_flasks_paths(app):
    remembered = app.jinja_env.globals["url_for"]
    calls = [
        ("requests.index", {}),
        ("requests.index", {"sort": "title", "dir": "asc", "page": 1}),
        ("requests.index", {"page": True}),
        ("requests.index", {"page": "1"}),
        ("requests.index", {"due": None, "status": "sent"}),
        ("requests.show", {"request_id": 7}),
        ("static", {"filename": "app.css"}),
        ("requests.show", {"request_id": 7, "_anchor": "letters"}),
        ("requests.show", {"request_id": 7, "_external": True}),
    ]
    for root in ("", "/desk"):
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
            for _ in range(2):  # built, then remembered
                for endpoint, values in calls:
                    assert remembered(endpoint, **values) == url_for(endpoint, **values)
            assert remembered("requests.index").startswith(root + "/requests")
    with app.app_context():  # outside a request (emails): Flask's own, external URLs
        app.config["SERVER_NAME"] = "records.example.org"
        assert remembered("requests.index") == url_for("requests.index")
