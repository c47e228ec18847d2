from ninja import Router

router = Router(tags=["党建工作"])
