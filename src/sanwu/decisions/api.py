from ninja import Router

router = Router(tags=["四议两公开"])
