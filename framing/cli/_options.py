"""Options and exit codes shared by several commands."""

#: Exit code of ``framing ingest`` / ``analyse`` / ``events`` / ``compare`` when the run finished
#: but some records or files were skipped (listed in the report). 0 = everything read, 1 = error.
EXIT_SKIPPED = 3

RAW_CELLS_HELP = ("Write text cells as they are in CSV/XLSX. By default a cell starting with = + - @ "
                  "(or tab / CR), which a spreadsheet would run as a formula, gets a leading ' ; the "
                  "manifest records which (\"cells\": \"neutralised\" or \"raw\").")

SKIPS_EPILOG = (f"Exit codes: 0 = every record read; {EXIT_SKIPPED} = finished, but some records or files "
                "were skipped (each is listed with file, line and reason); 1 = error, nothing written.")
