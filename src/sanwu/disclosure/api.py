from ninja import Router

router = Router(tags=["村务公开"])
