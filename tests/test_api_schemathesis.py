"""schemathesis against /api/v1/openapi.json on a live server on loopback with a real token.

Every documented operation is called with generated data: no response is a server error, and each
response matches the status codes, content types and schemas the document declares.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

pytestmark = pytest.mark.slow
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def live(app, factory) -> Iterator[dict]:
    """The app served by a real HTTP server in a thread, with seeded rows and an owner's token."""
    app.config.update(SERVER_NAME=None, PROPAGATE_EXCEPTIONS=False, TESTING=False)
    org = factory.org()
    owner = factory.user(org)
    agency = factory.agency(org)
    factory.request(org, owner, agency)
    factory.request(org, owner, agency, visibility="private")
    token = factory.token(owner, org)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": f"http://127.0.0.1:{server.server_port}", "token": token}
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_every_operation_conforms(live):
    schema = schemathesis.openapi.from_url(f"{live['base']}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {live['token']}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            case.call_and_validate(
                base_url=f"{live['base']}/api/v1", headers=headers, checks=CHECKS
            )

        try:
            run()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # schemathesis raises a BaseExceptionGroup: collect them all
            failures.append(f"{operation.label}: {_summary(exc)}")
    assert operations >= 9
    assert not failures, "\n\n".join(failures)


def _summary(exc: BaseException) -> str:
    """The distinct first lines of every failure schemathesis found for one operation."""
    leaves = []
    stack = [exc]
    while stack:
        item = stack.pop()
        children = getattr(item, "exceptions", None)
        if children:
            stack.extend(children)
        else:
            text = str(item).strip().splitlines()
            leaves.append(f"{type(item).__name__}: {' | '.join(text[:3])}"[:400])
    return "; ".join(sorted(set(leaves)))
