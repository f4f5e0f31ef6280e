"""Hybrid search over extracted items and passages: BM25 over Thai-aware tokens plus
multilingual embeddings, fused, with filters and highlighted snippets.

`prachum.search.index.SearchIndex` is the entry point; `prachum.search.embed.get_embedder`
chooses the embedder from the settings; `prachum.search.service` holds the functions the
CLI and the API call.
"""
