"""Entry point: ``flask --app app run`` and ``gunicorn app:app``."""

from records import create_app

app = create_app()
