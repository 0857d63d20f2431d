"""Shared fixtures: tiny random Llama-3-style backbones built in-process, the real Llama-3 tokenizer from
node_modules, the app's schema. Nothing is downloaded; no hub cache is read."""
from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HOME"] = os.path.join(os.path.dirname(__file__), ".hf-home-unused")  # never the user's cache

import pytest  # noqa: E402

from model_export.schema import load_schema  # noqa: E402
from model_export.tiny import LLAMA3_TOKENIZER  # noqa: E402


@pytest.fixture(scope="session")
def schema():
    return load_schema()


@pytest.fixture(scope="session")
def llama3_tokenizer_dir():
    if not (LLAMA3_TOKENIZER / "tokenizer.json").exists():
        pytest.fail(f"{LLAMA3_TOKENIZER} is missing: run `npm ci` in the repository root first")
    return LLAMA3_TOKENIZER


@pytest.fixture(scope="session")
def llama3_tokenizer(llama3_tokenizer_dir):
    from model_export.common import load_tokenizer

    return load_tokenizer(llama3_tokenizer_dir)
