"""The review app: ``streamlit run app.py``. A thin shell over ``bilingual.app.page``."""

from bilingual.app.page import render_app

render_app()
