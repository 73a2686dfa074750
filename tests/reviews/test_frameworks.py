import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from reviews.models import Expectation, Framework
from reviews.services import FRAMEWORKS_DIR, framework_load

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_df13f60bc367b84c.txt"
LSCB_FILE = FRAMEWORKS_DIR / "lscb-social-media-2015.toml"


def seed_expectations() -> dict[str, str]:
    """Read the published paper: numbered sections, each a bulleted list of expectations."""
    if not SEED.exists():
        pytest.skip(f"{SEED} is not present")
    codes, section = {}, 0
    for line in SEED.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#+ \*\*(\d)\. ", line)
        if heading:
            section, item = int(heading.group(1)), 0
        elif line.startswith("- ") and section:
            item += 1
            codes[f"{section}.{item}"] = line[2:].strip()
    return codes


@pytest.mark.django_db
def test_lscb_framework_has_every_expectation_verbatim_from_the_paper():
    framework = framework_load(path=LSCB_FILE).framework
    loaded = dict(framework.expectations.values_list("code", "text"))
    expected = seed_expectations()
    assert len(expected) == 15
    assert list(loaded) == [f"1.{i}" for i in range(1, 7)] + [f"2.{i}" for i in range(1, 5)] + [
        f"3.{i}" for i in range(1, 6)
    ]
    assert loaded == expected
    assert framework.sections.count() == 3
    assert all(e.what_good_looks_like for e in framework.expectations.all())


@pytest.mark.django_db
def test_loading_the_same_file_twice_changes_nothing():
    call_command("load_frameworks")
    first = list(Framework.objects.values_list("pk", "version", "content_hash"))
    expectation_count = Expectation.objects.count()
    call_command("load_frameworks")
    assert list(Framework.objects.values_list("pk", "version", "content_hash")) == first
    assert Expectation.objects.count() == expectation_count == 15


@pytest.mark.django_db
def test_an_edited_file_makes_version_2_and_leaves_version_1_as_it_was(tmp_path):
    v1 = framework_load(path=LSCB_FILE).framework
    v1_texts = list(v1.expectations.values_list("code", "text", "what_good_looks_like"))
    edited = tmp_path / "lscb.toml"
    shutil.copy(LSCB_FILE, edited)
    edited.write_text(
        edited.read_text().replace("check its minimum age requirement", "check its minimum age"),
        encoding="utf-8",
    )

    result = framework_load(path=edited)

    assert result.created
    assert result.framework.version == 2
    assert result.framework.code == v1.code
    v1.refresh_from_db()
    assert v1.version == 1
    assert list(v1.expectations.values_list("code", "text", "what_good_looks_like")) == v1_texts
    assert "check its minimum age to ensure" in result.framework.expectations.get(code="2.1").text


@pytest.mark.django_db
def test_a_broken_framework_file_is_refused_and_loads_nothing(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('code = "x"\nname = "X"\n[[sections]]\nnumber = 1\ntitle = "S"\n')
    with pytest.raises(Exception, match="section 1 has no expectations"):
        call_command("load_frameworks", str(broken))
    assert not Framework.objects.exists()


@pytest.mark.django_db
def test_framework_page_shows_sections_and_expectations(alice_client):
    framework = framework_load(path=LSCB_FILE).framework
    listing = alice_client.get("/frameworks/")
    assert "LSCB expectations for agencies" in listing.content.decode()
    page = alice_client.get(framework.get_absolute_url()).content.decode()
    for section in framework.sections.all():
        assert section.title in page
    for code in ["1.1", "1.6", "2.4", "3.5"]:
        assert f">{code}<" in page
    assert "What good looks like" in page
