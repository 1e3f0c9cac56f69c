"""The review app: ``streamlit run app.py``. A thin shell over ``bilingual.review``."""

from bilingual.review import render_app

render_app()
