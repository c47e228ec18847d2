"""The HTTP API under /api/v1/: token auth (Authorization: Bearer TOKEN), OpenAPI, local docs."""

import json

from django.http import Http404
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from sanwu.core import context
from sanwu.core.gate import refuse
from sanwu.regions.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            context.set_user(user)
            actor = getattr(request, "actor", None)
            if actor is not None:
                actor.channel = "api"
        return user


class ChineseJSONRenderer(JSONRenderer):
    """Real Chinese in JSON, never \\uXXXX."""

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=self.encoder_class, ensure_ascii=False)


api = NinjaAPI(
    title="三务 Sanwu API",
    version="1.0.0",
    description="村级三务（账务、集体经济、党务）接口。所有数据均经管辖范围过滤。",
    auth=TokenAuth(),
    renderer=ChineseJSONRenderer(),
    urls_namespace="api-1.0.0",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到，或不在您的管辖范围内"}, status=404)


from sanwu.ledger.api import router as ledger_router  # noqa: E402
from sanwu.regions.api import router as regions_router  # noqa: E402

api.add_router("/", regions_router)
api.add_router("/", ledger_router)
