"""Article extraction: HTML bytes + URL + HTTP headers -> ``Article``."""
