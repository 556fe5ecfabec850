"""A local fake of Stripe's API, enough for CoCharter's billing, that the real stripe SDK talks to
through ``STRIPE_API_BASE``: development (``make run``) and the tests use it instead of Stripe.

It speaks Stripe's wire format (form-encoded bodies with nested keys such as
``line_items[0][price]``, JSON answers shaped like Stripe's objects and errors), keeps everything
in memory, serves its own hosted pages (a Checkout page with Pay and Cancel, a customer portal), and
sends the webhook events Stripe would, signed with the SDK's own helper. Control methods
(``fail_payment``, ``pay``, ``cancel``, ``end_trial``, ``trial_will_end``, ``expire_checkout``)
play what would happen at Stripe's end; ``events`` keeps every event made, so a test can send them
again in any order.

Webhooks go to ``webhook_target``: a URL (POSTed to, as Stripe does), a callable
``(payload, signature_header) -> status`` (tests pass the Django test client, so delivery runs in
the caller's thread and database transaction), or None (only recorded). Events are delivered after
the state change is released, so a receiver may call back into the API. A callable is given the
events of control methods at once, and those of API calls and hosted pages (made in the server's
threads) when the test calls ``deliver_pending()``.

    python infra/dev/fake_stripe.py --port 12111 --secret whsec_dev \
        --webhook-url http://localhost:8000/stripe/webhook/ --price price_dev_annual:120000:year

Stdlib only, apart from the stripe package (for its signature helper and API version).
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

API_VERSION = stripe.api_version
DAY = 86400
# Not a secret: the fake signs its events with it unless given another.
DEFAULT_WEBHOOK_SECRET = "whsec_fake_stripe_secret"  # noqa: S105 -- a test value
INTERVAL_SECONDS = {"day": DAY, "week": 7 * DAY, "month": 30 * DAY, "year": 365 * DAY}
CURRENCY_SYMBOLS = {"gbp": "£", "usd": "$", "eur": "€"}

WebhookTarget = str | Callable[[str, str], int] | None
# Set in the server's own threads: events made there are not given to a callable target.
_serving = threading.local()


class StripeError(Exception):
    """An error answered in Stripe's shape: ``{"error": {"type", "message", "code", "param"}}``."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        code: str | None = None,
        param: str | None = None,
        type_: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message}}
        if code:
            self.body["error"]["code"] = code
            self.body["error"]["doc_url"] = f"https://stripe.com/docs/error-codes/{code}"
        if param:
            self.body["error"]["param"] = param


def missing(kind: str, object_id: str, *, param: str | None = None) -> StripeError:
    # Stripe answers a missing object in the path with 404, and one named in a parameter with 400.
    return StripeError(
        f"No such {kind}: '{object_id}'",
        status=400 if param else 404,
        code="resource_missing",
        param=param,
    )


def new_id(prefix: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(24))


def parse_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding, undone: ``a[b][0][c]=x`` becomes ``{"a": {"b": [{"c": "x"}]}}``.

    Values stay strings, as on the wire; ``expand[]`` (the SDK's older spelling) is a list too.
    """
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        key = raw_key.replace("[]", "[0]") if raw_key.endswith("[]") else raw_key
        head, _, rest = key.partition("[")
        path = [head] + ([part.rstrip("]") for part in rest.split("[")] if rest else [])
        node = root
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise StripeError(f"Invalid parameter: {raw_key}", param=raw_key)
        if raw_key.endswith("[]") and path[-1] in node:
            # Several ``expand[]=``: number them in order.
            path[-1] = str(len(node))
        node[path[-1]] = value
    return _lists_from_numbered_dicts(root)


def _lists_from_numbered_dicts(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {key: _lists_from_numbered_dicts(item) for key, item in value.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted
    return value


def as_bool(value: Any, param: str) -> bool:
    if value in ("true", True):
        return True
    if value in ("false", False, ""):
        return False
    raise StripeError(f"Invalid boolean: {value}", param=param)


def as_int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(f"Invalid integer: {value}", param=param) from None


def as_metadata(value: Any, param: str = "metadata") -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise StripeError("Invalid object", param=param)
    return {key: str(item) for key, item in value.items()}


def money(amount: int, currency: str) -> str:
    return f"{CURRENCY_SYMBOLS.get(currency, currency.upper() + ' ')}{amount / 100:,.2f}"


class FakeStripe:
    """Stripe's API in memory, served on ``url`` once started (``with FakeStripe() as fake``)."""

    def __init__(
        self,
        *,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        webhook_target: WebhookTarget = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.webhook_secret = webhook_secret
        self.webhook_target = webhook_target
        self._lock = threading.RLock()
        # Added to the clock, so a test or a developer can move Stripe's time (trials, periods).
        self.clock_offset = 0
        self.reset()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- Running ---------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget everything: objects, events, deliveries, the clock's offset, the target."""
        with self._lock:
            self.customers: dict[str, dict] = {}
            self.products: dict[str, dict] = {}
            self.prices: dict[str, dict] = {}
            self.checkout_sessions: dict[str, dict] = {}
            self.subscriptions: dict[str, dict] = {}
            self.invoices: dict[str, dict] = {}
            self.portal_sessions: dict[str, dict] = {}
            self.events: list[dict] = []
            # (event id, answer: an HTTP status, or the error's text) per delivery attempt.
            self.deliveries: list[tuple[str, int | str]] = []
            self.pending: list[dict] = []
            self.requests: list[tuple[str, str]] = []
            self._idempotent: dict[str, tuple[int, dict]] = {}
            self.clock_offset = 0

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def advance(self, *, days: float = 0, seconds: int = 0) -> None:
        """Move Stripe's clock on (it never runs anything by itself: call the control methods)."""
        self.clock_offset += int(days * DAY) + seconds

    # --- Objects ---------------------------------------------------------------------------

    def _base(self, prefix: str, object_name: str, **fields) -> dict:
        return {
            "id": new_id(prefix),
            "object": object_name,
            "created": self.now(),
            "livemode": False,
            "metadata": {},
            **fields,
        }

    def add_price(
        self,
        *,
        id: str | None = None,
        unit_amount: int = 12000,
        currency: str = "gbp",
        interval: str = "year",
        product_name: str = "CoCharter",
        nickname: str | None = None,
    ) -> dict:
        """A recurring price (and its product), with a chosen id if given (Stripe never lets one
        choose, but plans seeded for development name theirs)."""
        with self._lock:
            product = self._base("prod_", "product", name=product_name, active=True)
            self.products[product["id"]] = product
            price = self._base(
                "price_",
                "price",
                active=True,
                currency=currency,
                unit_amount=unit_amount,
                nickname=nickname,
                product=product["id"],
                recurring={"interval": interval, "interval_count": 1, "usage_type": "licensed"},
                type="recurring",
                billing_scheme="per_unit",
                lookup_key=None,
            )
            if id:
                price["id"] = id
            self.prices[price["id"]] = price
            return copy.deepcopy(price)

    def _add_customer(self, *, email: str | None, name: str | None, metadata=None) -> dict:
        customer = self._base(
            "cus_", "customer", email=email, name=name, metadata=metadata or {}, currency="gbp"
        )
        self.customers[customer["id"]] = customer
        return customer

    def _add_invoice(self, subscription: dict, *, paid: bool, reason: str) -> dict:
        item = subscription["items"]["data"][0]
        price = item["price"]
        trialing = subscription["status"] == "trialing" and reason == "subscription_create"
        amount = 0 if trialing else price["unit_amount"] * item["quantity"]
        now = self.now()
        invoice = self._base(
            "in_",
            "invoice",
            customer=subscription["customer"],
            # Older API versions name the subscription here; newer ones under ``parent``.
            subscription=subscription["id"],
            parent={
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": dict(subscription["metadata"]),
                },
            },
            billing_reason=reason,
            collection_method="charge_automatically",
            currency=price["currency"],
            amount_due=amount,
            amount_paid=amount if paid else 0,
            amount_remaining=0 if paid else amount,
            attempt_count=1 if amount else 0,
            attempted=bool(amount),
            status="paid" if paid else "open",
            paid=paid,
            period_start=item["current_period_start"],
            period_end=item["current_period_end"],
            status_transitions={"paid_at": now if paid else None, "finalized_at": now},
            hosted_invoice_url=None,
            next_payment_attempt=None if paid else now + 3 * DAY,
        )
        invoice["hosted_invoice_url"] = f"{self.url}/invoice/{invoice['id']}"
        self.invoices[invoice["id"]] = invoice
        subscription["latest_invoice"] = invoice["id"]
        return invoice

    def _set_period(self, subscription: dict, start: int, end: int) -> None:
        # Newer API versions keep the period on each item; older ones on the subscription.
        subscription["current_period_start"] = start
        subscription["current_period_end"] = end
        for item in subscription["items"]["data"]:
            item["current_period_start"] = start
            item["current_period_end"] = end

    def _next_period(self, subscription: dict) -> None:
        interval = subscription["items"]["data"][0]["price"]["recurring"]["interval"]
        start = self.now()
        self._set_period(subscription, start, start + INTERVAL_SECONDS[interval])

    def _event(self, type_: str, obj: dict, previous: dict | None = None) -> dict:
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        self.events.append(event)
        return event

    def _subscription(self, subscription_id: str) -> dict:
        try:
            return self.subscriptions[subscription_id]
        except KeyError:
            raise missing("subscription", subscription_id) from None

    def _session(self, session_id: str) -> dict:
        try:
            return self.checkout_sessions[session_id]
        except KeyError:
            raise missing("checkout.session", session_id) from None

    # --- Webhooks --------------------------------------------------------------------------

    def event(self, event_id: str) -> dict:
        return next(event for event in self.events if event["id"] == event_id)

    def events_of(self, type_: str) -> list[dict]:
        return [event for event in self.events if event["type"] == type_]

    def signed(self, event: dict | str, *, timestamp: int | None = None) -> tuple[str, str]:
        """The body and ``Stripe-Signature`` header Stripe would send for ``event`` (an event or
        its id), signed now or at ``timestamp``."""
        if isinstance(event, str):
            event = self.event(event)
        payload = json.dumps(event, indent=2)
        header = stripe.WebhookSignature.generate_signature_header(
            payload, self.webhook_secret, timestamp=timestamp
        )
        return payload, header

    def deliver(self, event: dict | str, *, target: WebhookTarget = None) -> int | str | None:
        """Send one event to ``target`` (or ``webhook_target``); its answer, also recorded."""
        target = target or self.webhook_target
        if isinstance(event, str):
            event = self.event(event)
        if target is None:
            return None
        payload, header = self.signed(event)
        if callable(target):
            answer: int | str = target(payload, header)
        else:
            if not target.startswith(("http://", "https://")):
                raise ValueError(f"Webhook URL must be http(s): {target}")
            request = urllib.request.Request(  # noqa: S310 -- http(s) only, checked above
                target,
                data=payload.encode(),
                method="POST",
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": header,
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 -- the configured URL
                    answer = response.status
            except urllib.error.HTTPError as error:
                answer = error.code
            except OSError as error:
                # Stripe would retry later; here the event stays in ``events`` to send again.
                answer = str(error)
        self.deliveries.append((event["id"], answer))
        return answer

    def _deliver_all(self, events: list[dict]) -> list[dict]:
        if callable(self.webhook_target) and getattr(_serving, "request", False):
            # A callable runs in the test's own thread and database transaction, never in the
            # server's: events of an API call or a hosted page wait for ``deliver_pending``.
            with self._lock:
                self.pending.extend(events)
            return events
        for event in events:
            self.deliver(event)
        return events

    def deliver_pending(self) -> list[dict]:
        """Deliver the events that API calls and hosted pages made for a callable target."""
        with self._lock:
            events, self.pending = self.pending, []
        for event in events:
            self.deliver(event)
        return events

    # --- Control: what happens at Stripe's end ---------------------------------------------

    def pay_checkout(self, session_id: str) -> list[dict]:
        """The customer pays on the hosted page: customer, subscription (trialing when the
        session asked for trial days), a paid invoice; then the events, delivered."""
        self.expire_due_sessions()
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise StripeError(f"This Checkout Session is {session['status']}.")
            line = session["_line_items"][0]
            price = self.prices[line["price"]]
            customer = (
                self.customers[session["customer"]]
                if session["customer"]
                else self._add_customer(email=session["customer_email"], name=None)
            )
            subscription_data = session["_subscription_data"]
            trial_days = subscription_data.get("trial_period_days") or 0
            now = self.now()
            subscription = self._base(
                "sub_",
                "subscription",
                customer=customer["id"],
                status="trialing" if trial_days else "active",
                metadata=dict(subscription_data.get("metadata") or {}),
                items={
                    "object": "list",
                    "data": [],
                    "has_more": False,
                    "total_count": 1,
                    "url": "",
                },
                start_date=now,
                trial_start=now if trial_days else None,
                trial_end=now + trial_days * DAY if trial_days else None,
                cancel_at_period_end=False,
                cancel_at=None,
                canceled_at=None,
                ended_at=None,
                collection_method="charge_automatically",
                currency=price["currency"],
                latest_invoice=None,
            )
            subscription["items"]["url"] = (
                f"/v1/subscription_items?subscription={subscription['id']}"
            )
            subscription["items"]["data"].append(
                {
                    "id": new_id("si_"),
                    "object": "subscription_item",
                    "created": now,
                    "metadata": {},
                    "price": copy.deepcopy(price),
                    "quantity": line["quantity"],
                    "subscription": subscription["id"],
                    "current_period_start": now,
                    "current_period_end": now,
                }
            )
            if trial_days:
                self._set_period(subscription, now, subscription["trial_end"])
            else:
                self._next_period(subscription)
            self.subscriptions[subscription["id"]] = subscription
            invoice = self._add_invoice(subscription, paid=True, reason="subscription_create")
            session.update(
                status="complete",
                payment_status="no_payment_required" if trial_days else "paid",
                customer=customer["id"],
                customer_details={"email": customer["email"], "name": customer["name"]},
                subscription=subscription["id"],
                invoice=invoice["id"],
            )
            events = [
                self._event("customer.subscription.created", subscription),
                self._event("invoice.paid", invoice),
                self._event("checkout.session.completed", self._public(session)),
            ]
        return self._deliver_all(events)

    def expire_due_sessions(self) -> list[dict]:
        """Expire every open Checkout Session past its ``expires_at``, as Stripe does by itself
        (the CLI runs this every few seconds; tests after ``advance``). The events, delivered."""
        with self._lock:
            now = self.now()
            events = []
            for session in self.checkout_sessions.values():
                if session["status"] == "open" and session["expires_at"] <= now:
                    session["status"] = "expired"
                    events.append(self._event("checkout.session.expired", self._public(session)))
        return self._deliver_all(events)

    def expire_checkout(self, session_id: str) -> list[dict]:
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "open":
                raise StripeError(
                    f"Only Checkout Sessions with a status of 'open' can be expired. "
                    f"This Checkout Session has a status of '{session['status']}'."
                )
            session["status"] = "expired"
            events = [self._event("checkout.session.expired", self._public(session))]
        return self._deliver_all(events)

    def fail_payment(self, subscription_id: str) -> list[dict]:
        """The renewal's card payment fails: an open invoice, the subscription past due."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            previous = {"status": subscription["status"]}
            self._next_period(subscription)
            invoice = self._add_invoice(subscription, paid=False, reason="subscription_cycle")
            subscription["status"] = "past_due"
            events = [
                self._event("invoice.payment_failed", invoice),
                self._event("customer.subscription.updated", subscription, previous),
            ]
        return self._deliver_all(events)

    def pay(self, subscription_id: str) -> list[dict]:
        """A payment succeeds: the open invoice (or a new one) is paid; the subscription active."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            previous = {"status": subscription["status"]}
            invoice = self.invoices.get(subscription["latest_invoice"] or "")
            if invoice and invoice["status"] == "open":
                invoice.update(
                    status="paid",
                    paid=True,
                    amount_paid=invoice["amount_due"],
                    amount_remaining=0,
                    next_payment_attempt=None,
                )
                invoice["status_transitions"]["paid_at"] = self.now()
            else:
                self._next_period(subscription)
                invoice = self._add_invoice(subscription, paid=True, reason="subscription_cycle")
            subscription["status"] = "active"
            events = [
                self._event("invoice.paid", invoice),
                self._event("customer.subscription.updated", subscription, previous),
            ]
        return self._deliver_all(events)

    def end_trial(self, subscription_id: str, *, paid: bool = True) -> list[dict]:
        """The trial ends now; the first real invoice is paid (active) or fails (past due)."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            previous = {"status": subscription["status"], "trial_end": subscription["trial_end"]}
            subscription["trial_end"] = self.now()
            self._next_period(subscription)
            invoice = self._add_invoice(subscription, paid=paid, reason="subscription_cycle")
            subscription["status"] = "active" if paid else "past_due"
            events = [
                self._event("invoice.paid" if paid else "invoice.payment_failed", invoice),
                self._event("customer.subscription.updated", subscription, previous),
            ]
        return self._deliver_all(events)

    def trial_will_end(self, subscription_id: str) -> list[dict]:
        """Stripe's notice three days before a trial ends (nothing changes)."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            events = [self._event("customer.subscription.trial_will_end", subscription)]
        return self._deliver_all(events)

    def cancel(self, subscription_id: str) -> list[dict]:
        """The subscription ends now (cancelled in the portal, or unpaid for too long)."""
        with self._lock:
            events = self._cancel(self._subscription(subscription_id))
        return self._deliver_all(events)

    def _cancel(self, subscription: dict) -> list[dict]:
        if subscription["status"] == "canceled":
            raise StripeError(
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        now = self.now()
        subscription.update(status="canceled", canceled_at=now, ended_at=now)
        return [self._event("customer.subscription.deleted", subscription)]

    def _public(self, obj: dict) -> dict:
        """An object as the API shows it: without the fake's own bookkeeping (``_`` keys)."""
        return {key: value for key, value in obj.items() if not key.startswith("_")}

    # --- The API ---------------------------------------------------------------------------

    def handle_api(self, method: str, path: str, params: dict) -> tuple[int, dict, list[dict]]:
        """One API request: (status, body, events to deliver once the lock is released)."""
        parts = path.strip("/").split("/")[1:]  # without "v1"
        expand = params.pop("expand", []) or []
        with self._lock:
            body, events = self._route(method, parts, params)
            body = self._expanded(copy.deepcopy(self._public(body)), expand)
        return 200, body, events

    def _route(self, method: str, parts: list[str], params: dict) -> tuple[dict, list[dict]]:
        match method, parts:
            case "POST", ["customers"]:
                return self._add_customer(
                    email=params.get("email"),
                    name=params.get("name"),
                    metadata=as_metadata(params.get("metadata")),
                ), []
            case "GET", ["customers", customer_id]:
                if customer_id not in self.customers:
                    raise missing("customer", customer_id)
                return self.customers[customer_id], []
            case "POST", ["prices"]:
                return self._create_price(params), []
            case "GET", ["prices", price_id]:
                if price_id not in self.prices:
                    raise missing("price", price_id)
                return self.prices[price_id], []
            case "POST", ["checkout", "sessions"]:
                return self._create_checkout_session(params), []
            case "GET", ["checkout", "sessions", session_id]:
                return self._session(session_id), []
            case "POST", ["checkout", "sessions", session_id, "expire"]:
                session = self._session(session_id)
                if session["status"] != "open":
                    raise StripeError(
                        "Only Checkout Sessions with a status of 'open' can be expired. "
                        f"This Checkout Session has a status of '{session['status']}'."
                    )
                session["status"] = "expired"
                return session, [self._event("checkout.session.expired", self._public(session))]
            case "GET", ["subscriptions", subscription_id]:
                return self._subscription(subscription_id), []
            case "POST", ["subscriptions", subscription_id]:
                return self._update_subscription(self._subscription(subscription_id), params)
            case "DELETE", ["subscriptions", subscription_id]:
                subscription = self._subscription(subscription_id)
                return subscription, self._cancel(subscription)
            case "GET", ["invoices", invoice_id]:
                if invoice_id not in self.invoices:
                    raise missing("invoice", invoice_id)
                return self.invoices[invoice_id], []
            case "POST", ["billing_portal", "sessions"]:
                return self._create_portal_session(params), []
            case "GET", ["events", event_id]:
                found = [event for event in self.events if event["id"] == event_id]
                if not found:
                    raise missing("event", event_id)
                return found[0], []
        raise StripeError(
            f"Unrecognized request URL ({method}: /v1/{'/'.join(parts)}).", status=404
        )

    def _expanded(self, body: dict, expand: list[str]) -> dict:
        """``expand[]`` of top-level ids (``subscription``, ``customer``, ``latest_invoice``...),
        and one level deeper with a dot (``subscription.latest_invoice``)."""
        stores = {
            "cus_": self.customers,
            "sub_": self.subscriptions,
            "in_": self.invoices,
            "price_": self.prices,
            "prod_": self.products,
        }
        for path in expand:
            node = body
            keys = path.split(".")
            for key in keys[:-1]:
                node = node.get(key) if isinstance(node, dict) else None
            last = keys[-1]
            if not isinstance(node, dict) or last not in node:
                raise StripeError(
                    f"This property cannot be expanded ({path}).", param=f"expand[{path}]"
                )
            value = node[last]
            if isinstance(value, str):
                store = next((s for prefix, s in stores.items() if value.startswith(prefix)), {})
                if value in store:
                    node[last] = copy.deepcopy(self._public(store[value]))
        return body

    def _create_price(self, params: dict) -> dict:
        for name in ("currency",):
            if not params.get(name):
                raise StripeError(f"Missing required param: {name}.", param=name)
        recurring = params.get("recurring") or {}
        product = params.get("product")
        if product and product not in self.products:
            raise missing("product", product, param="product")
        price = self.add_price(
            unit_amount=as_int(params.get("unit_amount", 0), "unit_amount"),
            currency=params["currency"],
            interval=recurring.get("interval", "month"),
            product_name=(params.get("product_data") or {}).get("name", "CoCharter"),
            nickname=params.get("nickname"),
        )
        stored = self.prices[price["id"]]
        if product:
            stored["product"] = product
        stored["metadata"] = as_metadata(params.get("metadata"))
        return stored

    def _create_checkout_session(self, params: dict) -> dict:
        mode = params.get("mode")
        if mode != "subscription":
            raise StripeError(
                "The fake Stripe server supports Checkout in subscription mode only.", param="mode"
            )
        if not params.get("success_url"):
            raise StripeError("Missing required param: success_url.", param="success_url")
        line_items = params.get("line_items")
        if not isinstance(line_items, list) or not line_items:
            raise StripeError(
                "You must specify either `line_items` or `subscription_data[items]` in "
                "`subscription` mode.",
                param="line_items",
            )
        items = []
        for index, line in enumerate(line_items):
            param = f"line_items[{index}][price]"
            price_id = line.get("price") if isinstance(line, dict) else None
            if not price_id:
                raise StripeError("Missing required param: price.", param=param)
            if price_id not in self.prices:
                raise missing("price", price_id, param=param)
            quantity = as_int(line.get("quantity", 1), f"line_items[{index}][quantity]")
            items.append({"price": price_id, "quantity": quantity})
        subscription_data = params.get("subscription_data") or {}
        trial_days = subscription_data.get("trial_period_days")
        if trial_days not in (None, ""):
            trial_days = as_int(trial_days, "subscription_data[trial_period_days]")
            if trial_days < 1 or trial_days > 730:
                raise StripeError(
                    "The trial period must be between 1 and 730 days.",
                    param="subscription_data[trial_period_days]",
                )
        now = self.now()
        expires_at = as_int(params.get("expires_at", now + DAY), "expires_at")
        if not now + 30 * 60 <= expires_at <= now + DAY:
            raise StripeError(
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                "Checkout Session creation.",
                param="expires_at",
            )
        customer = params.get("customer")
        if customer and customer not in self.customers:
            raise missing("customer", customer, param="customer")
        price = self.prices[items[0]["price"]]
        session = self._base(
            "cs_test_",
            "checkout.session",
            mode="subscription",
            status="open",
            payment_status="unpaid",
            client_reference_id=params.get("client_reference_id"),
            customer=customer,
            customer_email=params.get("customer_email"),
            customer_details=None,
            metadata=as_metadata(params.get("metadata")),
            success_url=params["success_url"],
            cancel_url=params.get("cancel_url"),
            expires_at=expires_at,
            subscription=None,
            invoice=None,
            currency=price["currency"],
            amount_total=0 if trial_days else price["unit_amount"] * items[0]["quantity"],
            url=None,
            _line_items=items,
            _subscription_data={
                "trial_period_days": trial_days or None,
                "metadata": as_metadata(
                    subscription_data.get("metadata"), "subscription_data[metadata]"
                ),
            },
        )
        session["url"] = f"{self.url}/checkout/{session['id']}"
        self.checkout_sessions[session["id"]] = session
        return session

    def _update_subscription(self, subscription: dict, params: dict) -> tuple[dict, list[dict]]:
        if subscription["status"] == "canceled":
            raise StripeError(
                "A canceled subscription can only update its cancellation_details and metadata."
            )
        previous: dict[str, Any] = {}
        for index, change in enumerate(params.get("items") or []):
            item = next(
                (i for i in subscription["items"]["data"] if i["id"] == change.get("id")),
                subscription["items"]["data"][0] if index == 0 else None,
            )
            price_id = change.get("price")
            if item is None or not price_id:
                raise StripeError("Invalid subscription item.", param=f"items[{index}]")
            if price_id not in self.prices:
                raise missing("price", price_id, param=f"items[{index}][price]")
            previous.setdefault("items", copy.deepcopy(subscription["items"]))
            item["price"] = copy.deepcopy(self.prices[price_id])
            if "quantity" in change:
                item["quantity"] = as_int(change["quantity"], f"items[{index}][quantity]")
        if "cancel_at_period_end" in params:
            flag = as_bool(params["cancel_at_period_end"], "cancel_at_period_end")
            previous["cancel_at_period_end"] = subscription["cancel_at_period_end"]
            subscription["cancel_at_period_end"] = flag
            subscription["cancel_at"] = subscription["current_period_end"] if flag else None
        if "metadata" in params:
            previous["metadata"] = dict(subscription["metadata"])
            subscription["metadata"].update(as_metadata(params["metadata"]))
            subscription["metadata"] = {k: v for k, v in subscription["metadata"].items() if v}
        return subscription, [self._event("customer.subscription.updated", subscription, previous)]

    def _create_portal_session(self, params: dict) -> dict:
        customer = params.get("customer")
        if not customer:
            raise StripeError("Missing required param: customer.", param="customer")
        if customer not in self.customers:
            raise missing("customer", customer, param="customer")
        session = self._base(
            "bps_",
            "billing_portal.session",
            customer=customer,
            return_url=params.get("return_url"),
            url=None,
        )
        del session["metadata"]
        session["url"] = f"{self.url}/portal/{session['id']}"
        self.portal_sessions[session["id"]] = session
        return session

    # --- Hosted pages ----------------------------------------------------------------------

    def checkout_page(self, session_id: str) -> tuple[int, str]:
        self.expire_due_sessions()
        with self._lock:
            session = self.checkout_sessions.get(session_id)
            if session is None:
                return 404, page("Checkout not found", "<p>There is no such checkout.</p>")
            if session["status"] != "open":
                return 200, page(
                    "This checkout has ended",
                    f"<p>This checkout is {html.escape(session['status'])}.</p>",
                )
            line = session["_line_items"][0]
            price = self.prices[line["price"]]
            trial_days = session["_subscription_data"]["trial_period_days"]
            email = session["customer_email"] or ""
        interval = price["recurring"]["interval"]
        amount = money(price["unit_amount"] * line["quantity"], price["currency"])
        trial = (
            f"<p>Free for {trial_days} days, then {amount} a {interval}.</p>"
            if trial_days
            else f"<p>{amount} a {interval}, paid today.</p>"
        )
        body = f"""
<dl>
  <dt>Email</dt><dd>{html.escape(email)}</dd>
  <dt>Plan</dt><dd>{html.escape(price.get("nickname") or price["id"])}</dd>
</dl>
{trial}
<form method="post" action="/checkout/{session_id}/pay">
  <button type="submit">Pay</button>
</form>
<form method="post" action="/checkout/{session_id}/cancel">
  <button type="submit">Cancel</button>
</form>"""
        return 200, page("Pay for CoCharter", body)

    def portal_page(self, portal_id: str) -> tuple[int, str]:
        with self._lock:
            session = self.portal_sessions.get(portal_id)
            if session is None:
                return 404, page("Billing portal not found", "<p>There is no such session.</p>")
            subscriptions = [
                s for s in self.subscriptions.values() if s["customer"] == session["customer"]
            ]
            return_url = session["return_url"] or "/"
            rows = []
            for subscription in subscriptions:
                price = subscription["items"]["data"][0]["price"]
                rows.append(
                    f"<li>{html.escape(price.get('nickname') or price['id'])}: "
                    f"{html.escape(subscription['status'])}</li>"
                )
            live = [s for s in subscriptions if s["status"] != "canceled"]
        controls = ""
        if live:
            controls = f"""
<form method="post" action="/portal/{portal_id}/cancel">
  <button type="submit">Cancel subscription</button>
</form>
<h2>Try what happens next (test mode only)</h2>
<form method="post" action="/portal/{portal_id}/fail">
  <button type="submit">Make the next payment fail</button>
</form>
<form method="post" action="/portal/{portal_id}/pay">
  <button type="submit">Pay the next invoice</button>
</form>"""
        body = f"""
<h2>Your subscription</h2>
<ul>{"".join(rows) or "<li>No subscription</li>"}</ul>
{controls}
<p><a href="{html.escape(return_url)}">Back to CoCharter</a></p>"""
        return 200, page("Manage your CoCharter subscription", body)

    def portal_action(self, portal_id: str, action: str) -> str:
        """A button on the portal page; where to go next (the portal page again)."""
        with self._lock:
            session = self.portal_sessions.get(portal_id)
            if session is None:
                raise missing("billing_portal.session", portal_id)
            live = [
                s["id"]
                for s in self.subscriptions.values()
                if s["customer"] == session["customer"] and s["status"] != "canceled"
            ]
        if live:
            # The real portal cancels at the period's end by default; this one at once, so
            # a developer sees what cancellation does to the council's site.
            {"cancel": self.cancel, "fail": self.fail_payment, "pay": self.pay}[action](live[0])
        return f"/portal/{portal_id}"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args) -> None:
                pass

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def do_DELETE(self) -> None:
                self._dispatch("DELETE")

            def _dispatch(self, method: str) -> None:
                _serving.request = True
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                fake.requests.append((method, url.path))
                if url.path.startswith("/v1/"):
                    self._api(method, url.path, url.query, body)
                else:
                    self._page(method, url.path)

            def _api(self, method: str, path: str, query: str, body: str) -> None:
                authorization = self.headers.get("Authorization", "")
                if not authorization.startswith("Bearer sk_"):
                    self._json(
                        401,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": "You did not provide an API key.",
                            }
                        },
                    )
                    return
                key = self.headers.get("Idempotency-Key")
                if method == "POST" and key and key in fake._idempotent:
                    self._json(*fake._idempotent[key])
                    return
                events: list[dict] = []
                try:
                    pairs = parse_qsl(query if method != "POST" else body, keep_blank_values=True)
                    status, answer, events = fake.handle_api(method, path, parse_form(pairs))
                except StripeError as error:
                    status, answer = error.status, error.body
                if method == "POST" and key:
                    fake._idempotent[key] = (status, answer)
                self._json(status, answer)
                fake._deliver_all(events)

            def _page(self, method: str, path: str) -> None:
                parts = path.strip("/").split("/")
                try:
                    match method, parts:
                        case "GET", ["checkout", session_id]:
                            self._html(*fake.checkout_page(session_id))
                        case "POST", ["checkout", session_id, "pay"]:
                            fake.pay_checkout(session_id)
                            success = fake.checkout_sessions[session_id]["success_url"]
                            self._redirect(success.replace("{CHECKOUT_SESSION_ID}", session_id))
                        case "POST", ["checkout", session_id, "cancel"]:
                            session = fake._session(session_id)
                            self._redirect(session["cancel_url"] or "/")
                        case "GET", ["portal", portal_id]:
                            self._html(*fake.portal_page(portal_id))
                        case "POST", ["portal", portal_id, ("cancel" | "fail" | "pay") as action]:
                            self._redirect(fake.portal_action(portal_id, action))
                        case _:
                            self._html(404, page("Not found", "<p>There is no such page.</p>"))
                except StripeError as error:
                    message = html.escape(error.body["error"]["message"])
                    self._html(error.status, page("Something went wrong", f"<p>{message}</p>"))

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", new_id("req_"))
                self.end_headers()
                self.wfile.write(data)

            def _html(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, location: str) -> None:
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler


def page(title: str, body: str) -> str:
    """A hosted page: plain HTML with landmarks, always saying that no money is taken."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} (test mode) - Fake Stripe</title>
</head>
<body>
<header>
  <p><strong>Test mode: no money is taken.</strong> This is CoCharter's local fake of Stripe.</p>
</header>
<main>
<h1>{html.escape(title)}</h1>
{body}
</main>
</body>
</html>
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="A local fake Stripe server for CoCharter.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", default=None, help="Where events are POSTed.")
    parser.add_argument("--secret", default=DEFAULT_WEBHOOK_SECRET, help="Webhook secret.")
    parser.add_argument(
        "--price",
        action="append",
        default=[],
        metavar="ID[:PENCE[:INTERVAL]]",
        help="A price to accept, e.g. price_dev_annual:120000:year (repeatable).",
    )
    args = parser.parse_args()
    fake = FakeStripe(
        webhook_secret=args.secret, webhook_target=args.webhook_url, host=args.host, port=args.port
    )
    for spec in args.price:
        price_id, _, rest = spec.partition(":")
        pence, _, interval = rest.partition(":")
        fake.add_price(
            id=price_id,
            unit_amount=int(pence or 12000),
            interval=interval or "year",
            nickname=price_id,
        )
    print(f"Fake Stripe (test mode, no money taken) on {fake.url}", flush=True)
    fake.start()
    try:
        while True:
            time.sleep(5)
            fake.expire_due_sessions()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
