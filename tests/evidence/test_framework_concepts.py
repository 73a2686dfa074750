"""The concepts the finder looks for are kept per expectation in the framework's data file."""

import pytest

from reviews.services import FRAMEWORKS_DIR, FrameworkFileError, framework_load

from ..factories import lscb_framework

pytestmark = pytest.mark.django_db


def test_loading_the_framework_keeps_each_expectations_concepts():
    framework = lscb_framework()
    images = framework.expectations.get(code="1.6")
    assert "only use devices supplied by the organisation" in images.concepts
    assert all(len(e.concepts) >= 5 for e in framework.expectations.all())


def test_editing_the_concepts_makes_a_new_framework_version(tmp_path):
    first = lscb_framework()
    text = (FRAMEWORKS_DIR / "lscb-social-media-2015.toml").read_text(encoding="utf-8")
    edited = tmp_path / "edited.toml"
    edited.write_text(
        text.replace('"must not guess passwords",', '"must not guess passwords",\n  "no hacking",'),
        encoding="utf-8",
    )
    second = framework_load(path=edited).framework
    assert second.version == first.version + 1
    assert "no hacking" in second.expectations.get(code="3.2").concepts
    assert "no hacking" not in first.expectations.get(code="3.2").concepts


def test_concepts_that_are_not_a_list_of_wordings_are_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        'code = "x"\nname = "X"\n[[sections]]\nnumber = 1\ntitle = "One"\n'
        '[[sections.expectations]]\ncode = "1.1"\ntext = "Do it."\nconcepts = "do it"\n',
        encoding="utf-8",
    )
    with pytest.raises(FrameworkFileError, match="concepts must be a list of wordings"):
        framework_load(path=path)
