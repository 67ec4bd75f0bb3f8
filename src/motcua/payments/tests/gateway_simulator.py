"""A local simulator of a signed-redirect payment gateway (the VNPay kind), for the tests.

It is the other side of the protocol, written apart from the adapter: it checks the merchant's
signature on the payment URL and on the query, and signs what it sends back (return, IPN, query
answer) with the merchant's secret. `pay(reference, outcome)` plays the person paying on the
gateway's page and returns what the gateway would send: the browser's return URL and the IPN's
parameters (the tests deliver the IPN to the site, or withhold it to test reconciliation). A browser
sees the payment page (`/pay`) and its buttons (`/pay/confirm`), which send the IPN to `ipn_url`
and the browser back to the site.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
import urllib.request
from typing import Any

from motcua.core.testing.loopback import Handler, LoopbackServer

MERCHANT, SECRET = "MOTCUA01", "simulator-secret-0123456789"


def _hash(text: str) -> str:
    return hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()


def _signed_query(params: dict[str, str]) -> str:
    pairs = sorted((k, v) for k, v in params.items() if v != "")
    return "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in pairs)


class GatewaySimulator(LoopbackServer):
    def __init__(self) -> None:
        self.orders: dict[str, dict[str, str]] = {}  # reference → the checked payment parameters
        self.results: dict[str, dict[str, str]] = {}  # reference → what the gateway knows after payment
        self.refused: list[str] = []
        self.ipn_url = ""  # where /pay/confirm delivers the IPN (a browser test's live server); "" = withheld
        self.ipn_answers: list[dict[str, str]] = []
        simulator = self

        class Gateway(Handler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
                if url.path == "/pay/confirm":
                    self._confirm(params)
                    return
                given = params.pop("vnp_SecureHash", "")
                if url.path != "/pay" or given != _hash(_signed_query(params)) or params["vnp_TmnCode"] != MERCHANT:
                    simulator.refused.append(self.path)
                    self.send_json(400, {"error": "invalid signature"})
                    return
                simulator.orders[params["vnp_TxnRef"]] = params
                self._page(params)

            def _page(self, params: dict[str, str]) -> None:
                """The gateway's payment page: the amount and two choices a browser test clicks."""
                reference = urllib.parse.quote(params["vnp_TxnRef"])
                amount = int(params["vnp_Amount"]) // 100
                html = (
                    "<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Cổng thanh toán</title></head>"
                    f"<body><main><h1>Cổng thanh toán (mô phỏng)</h1><p>Số tiền: {amount:,} VND</p>"
                    f"<p><a href='/pay/confirm?ref={reference}&outcome=paid'>Thanh toán</a></p>"
                    f"<p><a href='/pay/confirm?ref={reference}&outcome=declined'>Hủy giao dịch</a></p>"
                    "</main></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(html)))
                self.end_headers()
                self.wfile.write(html)

            def _confirm(self, query: dict[str, str]) -> None:
                """The person paid on the gateway: the IPN to the merchant's server, then the browser back."""
                return_url, ipn = simulator.pay(query["ref"], query.get("outcome", "paid"))
                if simulator.ipn_url:
                    with urllib.request.urlopen(f"{simulator.ipn_url}?{urllib.parse.urlencode(ipn)}") as answer:  # noqa: S310
                        simulator.ipn_answers.append(json.loads(answer.read()))
                self.send_redirect(return_url)

            def do_POST(self) -> None:
                body = json.loads(self.read_body())
                fields = [
                    "vnp_RequestId",
                    "vnp_Version",
                    "vnp_Command",
                    "vnp_TmnCode",
                    "vnp_TxnRef",
                    "vnp_TransactionDate",
                    "vnp_CreateDate",
                    "vnp_IpAddr",
                    "vnp_OrderInfo",
                ]
                if body.get("vnp_SecureHash") != _hash("|".join(str(body.get(f, "")) for f in fields)):
                    self.send_json(200, simulator._query_answer(body, "97", {}))
                    return
                result = simulator.results.get(body["vnp_TxnRef"])
                self.send_json(200, simulator._query_answer(body, "00" if result else "91", result or {}))

        super().__init__(Gateway)

    def pay(self, reference: str, outcome: str = "paid", *, amount: int | None = None) -> tuple[str, dict[str, str]]:
        """The person pays (or the bank declines) on the gateway's page: (return URL, IPN parameters)."""
        order = self.orders[reference]
        code = {"paid": "00", "declined": "24"}[outcome]
        params = {
            "vnp_TmnCode": MERCHANT,
            "vnp_Amount": str(amount * 100) if amount is not None else order["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_OrderInfo": order["vnp_OrderInfo"],
            "vnp_PayDate": "20261126103000",
            "vnp_ResponseCode": code,
            "vnp_TransactionNo": "14226" + reference[-4:],
            "vnp_TransactionStatus": "00" if outcome == "paid" else "02",
            "vnp_TxnRef": reference,
        }
        self.results[reference] = params
        signed = _signed_query(params)
        query = f"{signed}&vnp_SecureHash={_hash(signed)}"
        return f"{order['vnp_ReturnUrl']}?{query}", dict(urllib.parse.parse_qsl(query))

    def _query_answer(self, request: dict[str, Any], code: str, result: dict[str, str]) -> dict[str, str]:
        answer = {
            "vnp_ResponseId": "R" + str(request.get("vnp_RequestId", ""))[:10],
            "vnp_Command": "querydr",
            "vnp_ResponseCode": code,
            "vnp_Message": "OK" if code == "00" else "Not found",
            "vnp_TmnCode": MERCHANT,
            "vnp_TxnRef": str(request.get("vnp_TxnRef", "")),
            "vnp_Amount": result.get("vnp_Amount", ""),
            "vnp_BankCode": result.get("vnp_BankCode", ""),
            "vnp_PayDate": result.get("vnp_PayDate", ""),
            "vnp_TransactionNo": result.get("vnp_TransactionNo", ""),
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": result.get("vnp_TransactionStatus", ""),
            "vnp_OrderInfo": result.get("vnp_OrderInfo", ""),
            "vnp_PromotionCode": "",
            "vnp_PromotionAmount": "",
        }
        fields = [
            "vnp_ResponseId",
            "vnp_Command",
            "vnp_ResponseCode",
            "vnp_Message",
            "vnp_TmnCode",
            "vnp_TxnRef",
            "vnp_Amount",
            "vnp_BankCode",
            "vnp_PayDate",
            "vnp_TransactionNo",
            "vnp_TransactionType",
            "vnp_TransactionStatus",
            "vnp_OrderInfo",
            "vnp_PromotionCode",
            "vnp_PromotionAmount",
        ]
        answer["vnp_SecureHash"] = _hash("|".join(answer[f] for f in fields))
        return answer
