"""The published OpenAPI document: every schema name belongs to one class (ninja files schemas by
class name and silently keeps one of two same-named classes, so an endpoint would publish another
app's shape), and every list's paging is bounded."""

import typing
from collections import defaultdict

from pydantic import BaseModel

from sanwu.api import api


def _models_in(annotation, seen: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, seen)


def route_schemas() -> set[type]:
    """Every pydantic class that an operation reads or answers with, nested ones included."""
    seen: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in list(operation.response_models.values()) + list(operation.models):
                    _models_in(model, seen)
    return {m for m in seen if m.__module__.startswith("sanwu.")}


def test_every_schema_name_belongs_to_one_class():
    by_name = defaultdict(set)
    for model in route_schemas():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    duplicates = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not duplicates, f"同名的接口模型（OpenAPI 中只会保留一个）：{duplicates}"


def test_every_published_component_is_a_route_schema():
    """What the document lists is what the routes use (a check that the walk above sees them all)."""
    names = {m.__name__ for m in route_schemas()}
    published = set(api.get_openapi_schema()["components"]["schemas"])
    assert published <= names | {"Input"}, published - names
    assert {"Detail", "Problems", "VoucherOut", "WarningEventOut", "TaskEventOut"} <= published


def test_every_list_bounds_its_paging():
    """limit and offset have a minimum and a maximum in the document, so that a client (and the
    fuzzer) knows the range, and the server answers 422 outside it."""
    unbounded = []
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            for p in operation.get("parameters", []):
                if p["name"] in ("limit", "offset"):
                    schema = p["schema"]
                    if "minimum" not in schema or "maximum" not in schema:
                        unbounded.append(f"{method.upper()} {path} {p['name']}")
    assert not unbounded, unbounded
