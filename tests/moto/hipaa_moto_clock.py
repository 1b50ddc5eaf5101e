"""Signing time, as AWS checks it: moto does not check signatures at all. Imported by
`hipaa_moto.py`.

AWS refuses a request whose Signature Version 4 time (`X-Amz-Date`) is more than 15 minutes
from its own (common errors of every AWS API, `RequestExpired`: "The request reached the
service more than 15 minutes after the date stamp on the request …, or the date stamp on the
request is more than 15 minutes in the future"), each service with its own code and document:

* the query APIs (CloudFormation, RDS, STS, …): `SignatureDoesNotMatch`, HTTP 403, "Signature
  expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15
  min.)";
* EC2: `RequestExpired` (API reference, "Error codes for the Amazon EC2 API"), HTTP 400;
* S3: `RequestTimeTooSkewed`, HTTP 403, "The difference between the request time and the
  current time is too large." (S3 API reference, "Error responses");
* JSON APIs (CloudWatch Logs): `InvalidSignatureException`, HTTP 400.

Every answer carries AWS's time in its `Date` header, from which the AWS SDKs correct their
signing time (aws-runtime, `service_clock_skew`). `HIPAA_MOTO_CLOCK_AHEAD_SECONDS` sets the
emulated AWS's clock that many seconds ahead of this machine's (negative: behind), for the
tests of a client whose clock is off; it changes both the check and the `Date` header.
"""

import email.utils
import os
import time
import uuid
from datetime import datetime, timezone

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from werkzeug.serving import WSGIRequestHandler

# RequestExpired: "more than 15 minutes".
ALLOWED_SKEW_SECONDS = 15 * 60


def _ahead():
    try:
        return float(os.environ.get("HIPAA_MOTO_CLOCK_AHEAD_SECONDS", "0"))
    except ValueError:
        return 0.0


def aws_now():
    """The emulated AWS's time, in seconds since the epoch."""
    return time.time() + _ahead()


def _date_time_string(self, timestamp=None):
    """The `Date` header of every answer: the emulated AWS's time."""
    return email.utils.formatdate(aws_now() if timestamp is None else timestamp, usegmt=True)


def _stamp(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _service(environ):
    """The service of the credential scope (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    at = auth.find("Credential=")
    if at < 0:
        return None
    scope = auth[at + len("Credential="):].split(",")[0].split("/")
    return scope[3] if len(scope) > 3 else None


def _refusal(service, signed, now):
    """The status, content type and body AWS answers a request signed at `signed` (seconds)."""
    request_id = str(uuid.uuid4())
    if signed < now:
        message = (
            f"Signature expired: {_stamp(signed)} is now earlier than "
            f"{_stamp(now - ALLOWED_SKEW_SECONDS)} ({_stamp(now)} - 15 min.)"
        )
    else:
        message = (
            f"Signature not yet current: {_stamp(signed)} is still later than "
            f"{_stamp(now + ALLOWED_SKEW_SECONDS)} ({_stamp(now)} + 15 min.)"
        )
    if service == "ec2":
        body = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
            f"<Code>RequestExpired</Code><Message>Request has expired.</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return "400 Bad Request", "text/xml", body
    if service == "s3":
        body = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>RequestTimeTooSkewed</Code>"
            "<Message>The difference between the request time and the current time is too large.</Message>"
            f"<RequestTime>{_stamp(signed)}</RequestTime><ServerTime>{_stamp(now)}</ServerTime>"
            f"<MaxAllowedSkewMilliseconds>{ALLOWED_SKEW_SECONDS * 1000}</MaxAllowedSkewMilliseconds>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
        return "403 Forbidden", "application/xml", body
    if service == "logs":
        body = '{"__type":"InvalidSignatureException","message":"%s"}' % message
        return "400 Bad Request", "application/x-amz-json-1.1", body
    body = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>"
        f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return "403 Forbidden", "text/xml", body


_dispatch = DomainDispatcherApplication.__call__


def checked_call(self, environ, start_response):
    """Refuses a request signed more than 15 minutes from the emulated AWS's time, as AWS does;
    the harness's own API (`/moto-api/`) and unsigned requests pass."""
    signed_at = environ.get("HTTP_X_AMZ_DATE")
    if signed_at and not environ.get("PATH_INFO", "").startswith("/moto-api"):
        try:
            signed = datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            signed = None
        now = aws_now()
        if signed is not None and abs(signed - now) > ALLOWED_SKEW_SECONDS:
            status, content_type, body = _refusal(_service(environ), signed, now)
            data = body.encode("utf-8")
            start_response(
                status,
                [("Content-Type", content_type), ("Content-Length", str(len(data)))],
            )
            return [data]
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = checked_call
WSGIRequestHandler.date_time_string = _date_time_string
