"""`{% changelist_rows cl %}`: Django's `{% result_list cl %}`, with the rows written by
`oversight.admin_rows` (issue 13, ADR 11). Same template, looked up the same way."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from oversight import admin_rows

register = template.Library()


@register.tag(name="changelist_rows")
def changelist_rows_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=admin_rows.result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
