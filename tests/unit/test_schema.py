"""The shipped JSON Schema accepts every example finding and rejects what check rejects."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(
        resources.files("briefgen").joinpath("schemas/findings.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", sorted((REPO / "findings").glob("*.yaml")), ids=str)
def test_example_findings_are_valid(validator, path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = list(validator.iter_errors(data))
    assert errors == []


@pytest.mark.parametrize("bad", [
    [{"id": "Bad Id", "claim": "c", "source": "k", "quote": "q"}],
    [{"id": "a", "claim": "c", "source": "k"}],
    [{"id": "a", "claim": "c", "source": "k", "quote": "q", "page": "p. 12"}],
    [{"id": "a", "claim": "c", "source": "k", "quote": "q", "tags": ["Bad Tag"]}],
    [{"id": "a", "claim": "c", "source": "k", "quote": "q", "date": "June 2012"}],
    [{"id": "a", "claim": "c", "source": "k", "quote": "q",
      "evidence": [{"source": "k", "quote": "q"}]}],
    {"id": "a"},
])
def test_schema_rejects_what_check_rejects(validator, bad) -> None:
    assert list(validator.iter_errors(bad)) != []
