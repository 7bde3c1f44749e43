"""``trellis export DIR`` and ``trellis import DIR``: every document as a folder
of JSON files, and back.

The folder is meant to be committed, reviewed and diffed, so every file is
:func:`builder.canonical.pretty_json` (sorted keys, two-space indent, UTF-8,
final newline), times are ISO 8601 in UTC with microseconds, lists are in a
fixed order, and nothing in it depends on when the export ran. Exporting,
importing into an empty database and exporting again gives the same bytes.
The layout is described in :mod:`runtime.transfer.format`.

Import reads and checks the whole folder before it writes anything, and then
writes inside the caller's transaction: any problem raises
:class:`TransferError` listing every problem as ``FILE: POINTER: message``.
Published versions are inserted, never updated.

Modules, in the order an import uses them: ``format`` (layout and records),
``load`` (one file's JSON and values), ``read`` (the folder), ``check``
(against the database), ``write`` (``import_all``); ``export``
(``export_all``) and ``cli`` (``run_export``, ``run_import``) stand apart.
"""

from __future__ import annotations

# Export writes every file through this name, looked up here when called.
from runtime.transfer.cli import run_export, run_import
from runtime.transfer.export import ExportError, ExportSummary, export_all
from runtime.transfer.format import FORMAT, FORMAT_VERSION, MANIFEST
from runtime.transfer.problems import Problem, TransferError
from runtime.transfer.write import ImportSummary, import_all

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "ExportError",
    "ExportSummary",
    "ImportSummary",
    "Problem",
    "TransferError",
    "export_all",
    "import_all",
    "run_export",
    "run_import",
]
