"""The Streamlit review app: ``page`` draws it, ``rows`` and ``state`` decide what it shows and saves.

Importing the package imports nothing else, so ``bilingual.app.server`` starts the app without loading Streamlit.
"""
