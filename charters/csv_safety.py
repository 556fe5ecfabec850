"""CSV cells that a spreadsheet will not run as formulas (CSV injection)."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_row(values) -> list:
    return [
        f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for value in values
    ]
