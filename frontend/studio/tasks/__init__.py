"""The task inbox, one task (fill in a form, decide an approval) and in-app notices."""
