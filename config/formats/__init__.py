"""Per-language date formats where Django's own differ from what Homeward writes (FORMAT_MODULE_PATH).

Dates: 2026年12月1日 in zh-Hant and ja (Western years; Django's own formats), 1 December 2026 in English.
Money and counts: core.money (format_twd, format_count) and the |twd and |thousands filters.
"""
