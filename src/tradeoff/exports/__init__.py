"""Exports: any list, ranking, forecast or promise list as a CSV file a spreadsheet opens."""
