// Ctrl+Enter (Cmd+Enter) in a row's editor presses that row's Save button. Streamlit's own
// button shortcuts are page-wide, so one per row would collide; this listener scopes it to the row.
(() => {
  if (window.__bilingualShortcuts) return;
  window.__bilingualShortcuts = true;
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.key !== "Enter") return;
    const area = event.target;
    if (!area || area.tagName !== "TEXTAREA") return;
    const row = area.closest('[class*="st-key-row_"]');
    // Streamlit keeps a hidden copy of some buttons for measuring; press the visible one.
    const save = row && [...row.querySelectorAll('[class*="st-key-save_"] button')]
      .find((b) => b.offsetParent !== null);
    // Let the editor commit its value first, then press Save.
    if (save && !save.disabled) setTimeout(() => save.click(), 120);
  }, true);
  // Streamlit sends an editor's text when the editor loses focus, and leaving the page does not
  // blur it: blur it first, so the typing may still reach the server and be kept as a draft. Best
  // effort: the session can close before the server has stored it.
  window.addEventListener("beforeunload", () => {
    const area = document.activeElement;
    if (area && area.tagName === "TEXTAREA") area.blur();
  });
})();
