"""Entry script for ``bilingual review`` when run outside the project folder."""

from bilingual.app.page import render_app

render_app()
