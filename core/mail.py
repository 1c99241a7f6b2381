"""What every email Homeward sends shares."""

from django.template.loader import render_to_string


def subject_line(template_name, context):
    """The subject rendered from `template_name`, on one line: a name or a title typed with a line break would
    otherwise reach the header as typed, and Django refuses such a header (BadHeaderError)."""
    return " ".join(render_to_string(template_name, context).split())
