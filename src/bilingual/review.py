"""The Streamlit review page (a first version: documents with their translations)."""

from __future__ import annotations


def render_app() -> None:
    """Draw the review page for the store named by ``BILINGUAL_DB``."""
    import streamlit as st

    from bilingual.pipeline import translation_records
    from bilingual.settings import setting_value
    from bilingual.store import Store

    st.set_page_config(page_title="bilingual review", layout="wide")
    st.title("bilingual: review")
    db = setting_value("db")
    store = Store(db)
    counts = store.stats()
    st.caption(f"store {db}: {counts['documents']} documents, {counts['danish segments']} Danish sentences, "
               f"{counts['translated']} translated, {counts['reviewed']} reviewed")
    danish = store.documents(language="da")
    if not danish:
        st.info("The store is empty. Run `bilingual translate seeds/*.txt` to import the sample documents.")
        return
    choice = st.selectbox("Danish document", danish, format_func=lambda d: f"{d.name}: {d.title}")
    rows = translation_records(store, [choice.id])
    st.dataframe(
        [{"id": r["id"], "Danish": r["source"], "English (MT)": r["mt"] or "", "status": r["status"]} for r in rows],
        width="stretch", hide_index=True,
    )
