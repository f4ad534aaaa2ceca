"""service/schemas: a resource's PATCH body is its base's fields, each optional, with the base's rules."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from service.schemas.action_groups import GroupFields, GroupUpdate
from service.schemas.partners import PartnerFields, PartnerUpdate
from service.schemas.projects import ProjectFields, ProjectUpdate


@pytest.mark.parametrize(
    ("base", "update"), [(PartnerFields, PartnerUpdate), (ProjectFields, ProjectUpdate), (GroupFields, GroupUpdate)]
)
def test_update_has_every_field_of_the_base_each_optional(base: type[BaseModel], update: type[BaseModel]) -> None:
    assert list(update.model_fields) == list(base.model_fields)
    assert [name for name, field in update.model_fields.items() if field.is_required()] == []
    assert update.model_validate({}).model_fields_set == set()
    assert update.model_json_schema()["additionalProperties"] is False


def test_null_clears_what_may_be_empty_and_cannot_clear_what_is_required() -> None:
    cleared = PartnerUpdate.model_validate({"country": None, "languages": None, "discoverable": None})
    assert cleared.model_dump(exclude_unset=True) == {"country": None, "languages": (), "discoverable": True}
    with pytest.raises(ValidationError, match="a non-empty value is required"):
        PartnerUpdate.model_validate({"name": None})
    with pytest.raises(ValidationError, match="allowed: empty or one of idea, running, completed"):
        ProjectUpdate.model_validate({"status": "finished"})
