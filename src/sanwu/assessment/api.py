from ninja import Router

router = Router(tags=["研判、整顿与考核"])
