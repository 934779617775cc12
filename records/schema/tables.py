"""Every table of the product, imported once so ``SQLModel.metadata`` knows them all.

Import this module (not ``records.core.models``) where the whole schema must be known: the app
factory, Alembic's environment, backups, ``create_all`` in tests and benchmarks. The core tables
live in ``records.core.models``; each feature keeps its own beside it, and none of them imports this
module, so ``records.core.models`` never has to import its features back.
"""

from __future__ import annotations

from records.core import audit_models as models_ops  # noqa: F401
from records.core import models  # noqa: F401
from records.filing import models as models_filing  # noqa: F401
from records.inbound import models as inbound_models  # noqa: F401
from records.letters import models as models_letters  # noqa: F401
from records.lifecycle import models as models_lifecycle  # noqa: F401
from records.notify import models as models_notify  # noqa: F401
from records.projects import models as models_projects  # noqa: F401
from records.register import models as register_models  # noqa: F401
from records.reports import models as report_models  # noqa: F401
