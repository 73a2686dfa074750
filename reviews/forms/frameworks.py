from pathlib import PurePath

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.utils.text import slugify

from ..framework_files import (
    MAX_CODE,
    MAX_CONCEPT,
    MAX_CONCEPTS,
    MAX_NAME,
    MAX_TEXT,
    MAX_TITLE,
    FrameworkFileError,
    framework_read_csv,
    framework_read_yaml,
)
from ..models import Framework, Section

# A framework file is a few hundred expectations of text: anything bigger is not one.
MAX_FILE_BYTES = 512 * 1024
FILE_KINDS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


def _text(label: str, *, max_length: int, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": f"The {label.lower()} must be {max_length} characters or fewer",
        },
        **kwargs,
    )


class FrameworkStartForm(forms.Form):
    name = _text("Name", max_length=MAX_NAME, help_text="For example, Online safety audit.")
    description = _text(
        "Description",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the framework is for. Optional.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.textarea("description"),
            Submit("submit", "Start the draft"),
        )


class FrameworkDetailsForm(forms.Form):
    name = _text("Name", max_length=MAX_NAME)
    description = _text(
        "Description", max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    publisher = _text("Publisher", max_length=300, required=False)
    source = _text("Source", max_length=500, required=False, help_text="Where the text comes from.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.textarea("description"),
            Field.text("publisher"),
            Field.text("source"),
            Submit("save_details", "Save details", css_class="govuk-button--secondary"),
        )


class SectionForm(forms.Form):
    title = _text("Section title", max_length=MAX_TITLE)

    def __init__(self, *args, submit: str = "Save section", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("title"), Submit("submit", submit))


class ExpectationForm(forms.Form):
    code = _text(
        "Code",
        max_length=MAX_CODE,
        help_text="Unique in the framework and kept across versions, for example 2.3.",
    )
    text = _text(
        "Expectation",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="As the reviewer and the agency read it.",
    )
    what_good_looks_like = _text(
        "What good looks like",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    concepts = forms.CharField(
        label="Concepts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Everyday wordings of what the expectation asks, one a line. The evidence "
        "finder suggests passages of a policy that say any of them.",
    )
    section = forms.ModelChoiceField(
        label="Section",
        queryset=Section.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Select a section from the list"},
    )

    def __init__(self, *args, framework, submit: str = "Save expectation", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = framework.sections.order_by("number")
        self.fields["section"].label_from_instance = lambda s: f"{s.number}. {s.title}"
        self.helper = _helper(
            Field.text("code", field_width=10),
            Field.textarea("text"),
            Field.textarea("what_good_looks_like"),
            Field.textarea("concepts"),
            Field.select("section"),
            Submit("submit", submit),
        )

    def clean_concepts(self) -> list[str]:
        concepts = [line.strip() for line in self.cleaned_data["concepts"].splitlines()]
        concepts = [c for c in concepts if c]
        if len(concepts) > MAX_CONCEPTS:
            raise forms.ValidationError(f"Give at most {MAX_CONCEPTS} concepts")
        if any(len(c) > MAX_CONCEPT for c in concepts):
            raise forms.ValidationError(f"Each concept must be {MAX_CONCEPT} characters or fewer")
        return concepts

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


def _code_for(name: str) -> str:
    """An existing framework's code when the name is its name: the file is its next version."""
    existing = Framework.objects.filter(name__iexact=name.strip()).order_by("-version").first()
    return existing.code if existing is not None else slugify(name)[:80]


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text="A YAML file (.yaml) as exported from this service, or a spreadsheet saved "
        "as CSV (.csv), up to 512 KB.",
        error_messages={
            "required": "Choose a framework file",
            "empty": "The file is empty",
        },
    )
    name = _text(
        "Framework name",
        max_length=MAX_NAME,
        required=False,
        help_text="For a CSV file only: a YAML file names its framework. The same name as an "
        "existing framework makes a new version of it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("file"),
            Field.text("name"),
            Submit("submit", "Import as a draft"),
        )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        kind = FILE_KINDS.get(PurePath(upload.name).suffix.lower())
        if kind is None:
            self.add_error("file", "The file must be a YAML file (.yaml) or a CSV file (.csv)")
            return cleaned
        if upload.size > MAX_FILE_BYTES:
            self.add_error("file", "The file must be smaller than 512 KB")
            return cleaned
        raw = upload.read(MAX_FILE_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            self.add_error("file", "The file must be text saved as UTF-8, not a binary file")
            return cleaned
        name = cleaned.get("name", "")
        if kind == "csv" and not name:
            self.add_error("name", "Enter the framework name for a CSV file")
            return cleaned
        try:
            if kind == "csv":
                cleaned["data"] = framework_read_csv(text, code=_code_for(name), name=name)
            else:
                cleaned["data"] = framework_read_yaml(text)
        except FrameworkFileError as error:
            where = f"Line {error.line}: " if error.line else ""
            self.add_error("file", f"{where}{error.problem}")
        return cleaned
