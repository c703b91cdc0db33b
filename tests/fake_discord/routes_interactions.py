"""REST routes of interaction responses: callback, @original, follow-ups, deadlines, tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors as E
from .errors import ApiError
from .interactions import (
    ALLOWED_CALLBACKS,
    APPLICATION_COMMAND,
    InteractionEvent,
    InteractionState,
)
from .limits import FieldError, check_autocomplete, check_modal
from .models import EPHEMERAL, IS_COMPONENTS_V2, LOADING, SUPPRESS_EMBEDS, Message
from .rest import ApiRequest, Router, no_content, ok
from .state import INTERACTION_FLAGS

if TYPE_CHECKING:
    from .server import FakeDiscord


class InteractionRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.state

    def register(self, router: Router) -> None:
        base = "/webhooks/{app_id}/{token}/messages"
        router.add(
            "POST", "/interactions/{interaction_id}/{token}/callback", self.callback, auth=False
        )
        router.add("GET", f"{base}/@original", self.get_original, auth=False)
        router.add("PATCH", f"{base}/@original", self.edit_original, auth=False)
        router.add("DELETE", f"{base}/@original", self.delete_original, auth=False)

    # --- lookup and token checks ------------------------------------------------------------

    def by_token(self, app_id: str, token: str) -> InteractionState | None:
        if app_id != str(self.world.application_id):
            return None
        return self.fake.interactions_by_token.get(token)

    def usable(self, req: ApiRequest) -> InteractionState:
        """The interaction behind a webhook-token route, if its token may still be used."""
        inter = self.by_token(req.params["app_id"], req.params["token"])
        if inter is None:
            raise ApiError(404, E.UNKNOWN_WEBHOOK, "Unknown Webhook", violation="interaction-token")
        age = self.fake.clock() - inter.created
        if inter.invalidated or age > self.fake.token_lifetime:
            why = "the 3 s deadline was missed" if inter.invalidated else f"it is {age:.0f}s old"
            raise ApiError(
                401,
                E.INVALID_WEBHOOK_TOKEN,
                "Invalid Webhook Token",
                violation="interaction-token",
                detail=f"token of interaction {inter.id} is no longer valid: {why}",
            )
        if not inter.acked:
            raise ApiError(
                404,
                E.UNKNOWN_WEBHOOK,
                "Unknown Webhook",
                violation="interaction-token",
                detail=f"interaction {inter.id} used before its initial response",
            )
        return inter

    # --- callback ---------------------------------------------------------------------------

    async def callback(self, req: ApiRequest) -> web.StreamResponse:
        inter = self.fake.interactions.get(_int(req.params["interaction_id"]))
        if inter is None or inter.token != req.params["token"]:
            raise ApiError(
                404, E.UNKNOWN_INTERACTION, "Unknown interaction", violation="interaction"
            )
        if inter.answered is None:
            inter.answered = self.fake.clock()
        self._check_timing(inter)
        body = req.json()
        rtype = body.get("type")
        if rtype not in ALLOWED_CALLBACKS.get(inter.type, frozenset()) or not self._fits(
            inter, rtype
        ):
            err = FieldError(
                ("type",),
                "INTERACTION_CALLBACK_TYPE_INVALID",
                f"Callback type {rtype} is not valid here",
            )
            raise ApiError.invalid_form([err], kind="callback")
        data = body.get("data") or {}
        message = self._respond(inter, rtype, data, req)
        inter.acked, inter.response_type = True, rtype
        inter.events.append(InteractionEvent("callback", rtype, message, data))
        if not req.flag("with_response"):
            return no_content()
        return ok(self._callback_response(inter, rtype, message))

    def _check_timing(self, inter: InteractionState) -> None:
        if inter.acked:
            raise ApiError(
                400,
                E.ALREADY_ACKNOWLEDGED,
                "Interaction has already been acknowledged.",
                violation="double-response",
                detail=f"second initial response to interaction {inter.id}",
            )
        elapsed = self.fake.clock() - inter.created
        if inter.invalidated or elapsed > self.fake.response_deadline:
            inter.invalidated = True
            raise ApiError(
                404,
                E.UNKNOWN_INTERACTION,
                "Unknown interaction",
                violation="late-response",
                detail=(
                    f"initial response to interaction {inter.id} came {elapsed:.3f}s "
                    "after dispatch "
                    f"(deadline {self.fake.response_deadline}s)"
                ),
            )

    def _fits(self, inter: InteractionState, rtype: int) -> bool:
        """Types 6 and 7 need a message to update (components, or modals opened from one)."""
        return rtype not in (6, 7) or inter.source_message_id is not None

    def _respond(
        self, inter: InteractionState, rtype: int, data: dict[str, Any], req: ApiRequest
    ) -> Message | None:
        if rtype == 4:
            return self._new_response_message(inter, data, req)
        if rtype == 5:
            return self._deferred_message(inter, data)
        if rtype in (6, 7):
            return self._update_source(inter, rtype, data, req)
        if rtype == 8:
            if errs := check_autocomplete(data):
                raise ApiError.invalid_form(errs)
            inter.choices = list(data.get("choices") or [])
        elif rtype == 9:
            if errs := check_modal(data):
                raise ApiError.invalid_form(errs)
            inter.modal = data
        return None

    def _new_response_message(
        self, inter: InteractionState, data: dict[str, Any], req: ApiRequest
    ) -> Message:
        channel = self.world.channels[inter.channel_id]
        msg = self.world.create_message(
            channel,
            data,
            req.files,
            author=self.world.bot,
            source="interaction",
            allowed_flags=INTERACTION_FLAGS,
            extra=self._interaction_extra(inter, response=True),
        )
        inter.original_id, inter.original_filled = msg.id, True
        return msg

    def _deferred_message(self, inter: InteractionState, data: dict[str, Any]) -> Message:
        channel = self.world.channels[inter.channel_id]
        extra = self._interaction_extra(inter, response=True)
        ephemeral = bool((data.get("flags") or 0) & EPHEMERAL)
        msg = self.world.create_loading_message(channel, ephemeral=ephemeral, **extra)
        inter.original_id = msg.id
        return msg

    def _update_source(
        self, inter: InteractionState, rtype: int, data: dict[str, Any], req: ApiRequest
    ) -> Message:
        source = self.world.messages[inter.source_message_id or 0]
        inter.original_id, inter.original_filled = source.id, rtype == 7
        if rtype == 7:
            self.world.edit_message(source, data, req.files)
        return source

    def _interaction_extra(self, inter: InteractionState, *, response: bool) -> dict[str, Any]:
        user = self.world.users[inter.user_id]
        meta = {
            "id": str(inter.id),
            "type": inter.type,
            "user": user.to_payload(),
            "authorizing_integration_owners": inter.payload.get(
                "authorizing_integration_owners", {}
            ),
        }
        if not response and inter.original_id is not None:
            meta["original_response_message_id"] = str(inter.original_id)
        if inter.source_message_id is not None:
            meta["interacted_message_id"] = str(inter.source_message_id)
        return {
            "webhook_id": self.world.application_id,
            "application_id": self.world.application_id,
            "interaction_id": inter.id,
            "interaction_meta": meta,
            "type": 20 if response and inter.type == APPLICATION_COMMAND else 0,
        }

    def _callback_response(
        self, inter: InteractionState, rtype: int, message: Message | None
    ) -> dict[str, Any]:
        info: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
        if message is not None and rtype in (4, 5):
            info["response_message_id"] = str(message.id)
            info["response_message_loading"] = rtype == 5
            info["response_message_ephemeral"] = message.ephemeral
        resource: dict[str, Any] = {"type": rtype}
        if message is not None and rtype in (4, 7):
            resource["message"] = self.world.message_payload(message)
        return {"interaction": info, "resource": resource}

    # --- @original --------------------------------------------------------------------------

    def _original(self, inter: InteractionState) -> Message:
        msg = self.world.messages.get(inter.original_id or 0)
        if msg is None or msg.deleted:
            raise E.unknown("Message", E.UNKNOWN_MESSAGE, violation="interaction")
        return msg

    async def get_original(self, req: ApiRequest) -> web.StreamResponse:
        inter = self.usable(req)
        return ok(self.world.message_payload(self._original(inter)))

    async def edit_original(self, req: ApiRequest) -> web.StreamResponse:
        inter = self.usable(req)
        msg = self._original(inter)
        self.fill_or_edit(inter, msg, req.json(), req, kind="edit_original")
        return ok(self.world.message_payload(msg))

    def fill_or_edit(
        self,
        inter: InteractionState,
        msg: Message,
        body: dict[str, Any],
        req: ApiRequest,
        *,
        kind: str,
    ) -> None:
        self.world.edit_message(msg, body, req.files, allowed_flags=_edit_flags(msg))
        inter.original_filled = True
        inter.events.append(InteractionEvent(kind, inter.response_type, msg, body))

    async def delete_original(self, req: ApiRequest) -> web.StreamResponse:
        inter = self.usable(req)
        msg = self._original(inter)
        self.world.delete_message(msg)
        inter.events.append(InteractionEvent("delete_original", inter.response_type, msg))
        return no_content()

    # --- follow-ups (called from the webhook routes, which share the URL space) -------------

    async def followup(self, req: ApiRequest, inter: InteractionState) -> web.StreamResponse:
        body = req.json()
        original = self.world.messages.get(inter.original_id or 0)
        placeholder = original is not None and not original.deleted and original.flags & LOADING
        if inter.response_type == 5 and placeholder:
            # Documented legacy behaviour: the first follow-up after a defer fills the placeholder.
            self.fill_or_edit(inter, original, body, req, kind="edit_original")
            return ok(self.world.message_payload(original))
        if errs := _followup_field_errors(body):
            raise ApiError.invalid_form(errs)
        channel = self.world.channels[inter.channel_id]
        msg = self.world.create_message(
            channel,
            body,
            req.files,
            author=self.world.bot,
            source="followup",
            allowed_flags=INTERACTION_FLAGS,
            extra=self._interaction_extra(inter, response=False),
        )
        inter.followup_ids.append(msg.id)
        inter.events.append(InteractionEvent("followup", inter.response_type, msg, body))
        return ok(self.world.message_payload(msg))

    def followup_message(self, inter: InteractionState, message_id: str) -> Message:
        mid = _int(message_id)
        if mid not in inter.followup_ids and mid != inter.original_id:
            raise E.unknown("Message", E.UNKNOWN_MESSAGE, violation="interaction")
        msg = self.world.messages[mid]
        if msg.deleted:
            raise E.unknown("Message", E.UNKNOWN_MESSAGE, violation="interaction")
        return msg

    async def followup_op(
        self, req: ApiRequest, inter: InteractionState, message_id: str
    ) -> web.StreamResponse:
        msg = self.followup_message(inter, message_id)
        if req.method == "GET":
            return ok(self.world.message_payload(msg))
        if req.method == "DELETE":
            self.world.delete_message(msg)
            inter.events.append(InteractionEvent("delete_followup", inter.response_type, msg))
            return no_content()
        self.world.edit_message(msg, req.json(), req.files, allowed_flags=_edit_flags(msg))
        kind = "edit_original" if msg.id == inter.original_id else "edit_followup"
        inter.events.append(InteractionEvent(kind, inter.response_type, msg, req.json()))
        return ok(self.world.message_payload(msg))


def _edit_flags(msg: Message) -> int:
    """Flags an edit may change; EPHEMERAL and the rest are kept as they were."""
    return SUPPRESS_EMBEDS | IS_COMPONENTS_V2


def _followup_field_errors(body: dict[str, Any]) -> list[FieldError]:
    errs = [
        FieldError(
            (key,),
            "WEBHOOK_FIELD_UNSUPPORTED",
            f"{key} is not supported for interaction follow-ups",
        )
        for key in ("username", "avatar_url", "thread_id")
        if body.get(key)
    ]
    return errs


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
