from django import forms

from platform_.api.enums import ApiKeyScope


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which system will use it, so you know which key to revoke, for example "
        "“Council website” or “Schools CRM”.",
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=ApiKeyScope.choices,
        widget=forms.RadioSelect,
        help_text="Read only is enough to show the register or check applications. Read and "
        "write also invites people and starts data exports.",
    )
