"""Request and response schemas of the HTTP API: one module per resource, one class per direction.

A resource's base (``PartnerFields``) holds its fields with their rules; ``...Create`` (POST) and ``...Replace`` (PUT)
extend it, ``...Update`` (PATCH) is derived from it with every field optional (:func:`~service.schemas.fields.
all_optional`); ``...Record``, ``...Page`` and ``...Public`` go out, built with ``model_validate``. What they share
is :mod:`service.schemas.fields`.
"""
