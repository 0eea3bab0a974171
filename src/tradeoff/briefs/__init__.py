"""Audience briefs: executive, engineering, sales and customers, built from live data as a structured document
whose every statement cites its records, then rendered to Markdown, HTML, PDF and plain text."""
