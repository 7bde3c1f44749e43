"""The record screens: a form's records as a list, one record with its history, and
a new record; every field as the records API lets the signed-in user see it."""
