"""Every table of the product, imported once so ``SQLModel.metadata`` knows them all.

Import this module (not ``records.models``) where the whole schema must be known: the app
factory, Alembic's environment, backups, ``create_all`` in tests and benchmarks. The core tables
live in ``records.models``; each feature keeps its own beside it, and none of them imports this
module, so ``records.models`` never has to import its features back.
"""

from __future__ import annotations

from records import (  # noqa: F401
    models,
    models_filing,
    models_letters,
    models_lifecycle,
    models_notify,
    models_ops,
    models_projects,
)
from records.inbound import models as inbound_models  # noqa: F401
from records.register import models as register_models  # noqa: F401
from records.reports import models as report_models  # noqa: F401
