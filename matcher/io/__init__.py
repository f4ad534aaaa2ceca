"""Reading and writing the import format (a directory of CSV or JSON Lines files)."""
