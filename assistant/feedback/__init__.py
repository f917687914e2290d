"""Feedback, query log, knowledge-gap and 热点问题 reports, FAQ edits from the page, and audit-log reads."""
