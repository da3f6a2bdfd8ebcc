from django import forms
from import_export.forms import ConfirmImportForm, ImportForm

from .models import ImportKind
from .reading import CSV_ENCODINGS
from .services import size_problem

ENCODING_HELP = "Only for CSV files; a workbook (.xlsx) carries its own."
NEW_TEAMS_HELP = (
    "Create the teams the file names that do not exist yet. Without this, an unknown team rejects the file."
)


def checked_upload(upload):
    too_big = size_problem(upload.size)
    if too_big:
        raise forms.ValidationError(too_big.message[0].upper() + too_big.message[1:] + ".")
    return upload


class UploadForm(forms.Form):
    """The upload page's form: the same choices the commands offer."""

    file = forms.FileField(label="File (CSV or Excel .xlsx)")
    encoding = forms.ChoiceField(
        label="Text encoding", choices=CSV_ENCODINGS.items(), initial="auto", help_text=ENCODING_HELP
    )
    create_teams = forms.BooleanField(label="Allow new teams", required=False, help_text=NEW_TEAMS_HELP)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != ImportKind.COLLEAGUES:
            del self.fields["create_teams"]

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"])


class AdminImportForm(ImportForm):
    encoding = forms.ChoiceField(
        label="Text encoding", choices=CSV_ENCODINGS.items(), initial="auto", help_text=ENCODING_HELP
    )

    def clean_import_file(self):
        return checked_upload(self.cleaned_data["import_file"])


class AdminColleagueImportForm(AdminImportForm):
    create_teams = forms.BooleanField(label="Allow new teams", required=False, help_text=NEW_TEAMS_HELP)


class AdminConfirmForm(ConfirmImportForm):
    """Carries the first step's choices to the confirm step."""

    encoding = forms.CharField(widget=forms.HiddenInput(), required=False)
    create_teams = forms.BooleanField(widget=forms.HiddenInput(), required=False)
