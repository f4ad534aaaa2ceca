"""Vector indexes: an interface (:mod:`matcher.index.base`) and FAISS implementations."""
