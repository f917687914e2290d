"""Page styles the Streamlit API cannot express; each rule is scoped to a keyed container (class st-key-<key>)."""
from __future__ import annotations

import streamlit as st

# The workbench's two columns (conversation | new citizen, channel, tone check) sit beside the sidebar. Where the
# page's content area is narrow (a ~800 px window with the sidebar open leaves ~400 px), two columns would squeeze
# the answer and its protocol card to a few characters a line: stack them, the controls first, the answer full width.
# A container query measures the content area itself, so it is right whether the sidebar is open or collapsed.
WORKBENCH = """
<style>
[data-testid="stMainBlockContainer"] { container-type: inline-size; }
@container (max-width: 700px) {
  [data-testid="stHorizontalBlock"]:has(.st-key-wb_side) { flex-wrap: wrap; row-gap: 0.5rem; }
  [data-testid="stColumn"]:has(.st-key-wb_side), [data-testid="stColumn"]:has(.st-key-wb_main) {
    flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important; }
  [data-testid="stColumn"]:has(.st-key-wb_side) { order: -1; }
}
</style>
"""


def apply(css: str) -> None:
    """Add a <style> block to the page (st.html with only a style element takes no space)."""
    st.html(css)
