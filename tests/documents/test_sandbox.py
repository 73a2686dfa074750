"""The one sandbox every parser child runs in: time, memory, output and file limits."""

from documents.sandbox import Failure, run_in_child

CHILD = "tests.documents.child_programs"


def run(*args: str, **limits):
    return run_in_child(CHILD, list(args), **{"timeout_seconds": 20, "memory_mb": 512, **limits})


def test_a_child_gets_its_input_and_environment_and_its_answer_comes_back():
    result = run("echo", "-", stdin=b"policy bytes", env={"COLOUR": "green"})

    assert result.ok
    assert result.json() == {"stdin": "policy bytes", "colour": "green"}


def test_a_child_that_takes_too_long_is_stopped():
    result = run("sleep", "30", timeout_seconds=0.5)

    assert result.failure == Failure.TOO_SLOW
    assert result.json() is None


def test_a_child_that_needs_too_much_memory_is_stopped():
    result = run("allocate", "800", memory_mb=300)

    assert result.failure == Failure.TOO_BIG


def test_a_child_that_prints_too_much_is_stopped():
    result = run("shout", "3", max_output_bytes=1024 * 1024)

    assert result.failure == Failure.CRASHED


def test_a_child_may_not_write_files_unless_allowed(tmp_path):
    refused = run("write", str(tmp_path / "refused"))
    allowed = run("write", str(tmp_path / "allowed"), max_file_mb=2)

    assert refused.json() == {"error": True}
    assert not (tmp_path / "refused").exists() or (tmp_path / "refused").stat().st_size == 0
    assert allowed.json() == {"written": True}
