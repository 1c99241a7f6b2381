"""Path converters every app's URLconf may use; registered by CoreConfig.ready(), before any URLconf is imported.

`<id:pk>` is `<int:pk>` bounded to what a database key can hold. Django's `int` matches any run of digits, and a
number past 2**63 - 1 reaches the query: SQLite (the embedded default) then raises OverflowError, a 500 for a URL
anyone can type. Out of range, `id` does not match, so the answer is the ordinary 404.
"""

from django.urls import converters, register_converter

LARGEST_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter(converters.IntConverter):
    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if number > LARGEST_DATABASE_ID:
            raise ValueError(f"{value} is larger than any database id")
        return number


def register():
    register_converter(DatabaseIdConverter, "id")
