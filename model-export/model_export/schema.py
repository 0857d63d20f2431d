"""The extraction schema shared with the TypeScript app: fields and their labels in head order.

Read from src/domain/schema.json so the browser and the model always agree on label indices.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# model-export/ sits beside src/ in the repository.
DEFAULT_SCHEMA = Path(__file__).resolve().parents[2] / "src" / "domain" / "schema.json"
NOT_STATED = "not_stated"


@dataclass(frozen=True)
class Field:
    name: str
    labels: tuple[str, ...]

    def index(self, label: str) -> int:
        try:
            return self.labels.index(label)
        except ValueError:
            raise ValueError(f"{label!r} is not a label of {self.name} ({', '.join(self.labels)})") from None


@dataclass(frozen=True)
class Schema:
    version: int
    fields: tuple[Field, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"unknown field {name!r}; schema fields: {', '.join(self.names)}")

    def to_json(self) -> list[dict]:
        return [{"name": f.name, "labels": list(f.labels)} for f in self.fields]

    @staticmethod
    def from_json(fields: list[dict], version: int = 1) -> "Schema":
        """The schema a run or package was made with (its head order), from its manifest."""
        return Schema(version=version, fields=tuple(Field(f["name"], tuple(f["labels"])) for f in fields))


def load_schema(path: Path | str = DEFAULT_SCHEMA) -> Schema:
    raw = json.loads(Path(path).read_text())
    fields = tuple(Field(f["name"], tuple(f["labels"])) for f in raw["fields"])
    if not fields:
        raise ValueError(f"{path}: no fields")
    return Schema(version=int(raw["version"]), fields=fields)
