from ninja import Router

router = Router(tags=["实时监管"])
