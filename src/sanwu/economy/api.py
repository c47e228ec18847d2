from ninja import Router

router = Router(tags=["集体经济"])
