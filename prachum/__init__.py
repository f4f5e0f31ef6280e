"""prachum (ประชุม): read Thai meeting minutes, extract decisions, recommendations and
assignments, tag SDGs, search them in Thai and English, track them to closure, brief on them.

Offline by construction: the environment switches below are set before any third-party
library is imported, so pythainlp never writes or downloads corpora, Hugging Face never
calls home and Chroma sends no telemetry.
"""
import os as _os

for _key, _value in {
    "PYTHAINLP_READ_ONLY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    _os.environ.setdefault(_key, _value)

__version__ = "0.1.0"
