"""Entry script for ``bilingual review`` when run outside the project folder."""

from bilingual.review import render_app

render_app()
