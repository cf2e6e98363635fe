"""Parsers: pasted text -> the model in checker.model, or input problems."""
