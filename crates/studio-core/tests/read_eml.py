"""Reads a mail file (.eml or a maildir message) with Python's own email parser and prints
what a mail program would show: sender, recipients, subject, the text, and each attachment
with its type, size, SHA-256 and first bytes."""

import hashlib
import json
import sys
from email import policy
from email.parser import BytesParser


def main(path):
    with open(path, "rb") as f:
        msg = BytesParser(policy=policy.default).parse(f)
    body = msg.get_body(preferencelist=("plain",))
    attachments = []
    for part in msg.iter_attachments():
        data = part.get_content()
        if isinstance(data, str):
            data = data.encode()
        attachments.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "head": data[:5].decode("latin-1"),
        })
    print(json.dumps({
        "from": str(msg["From"]),
        "to": [str(a) for a in msg["To"].addresses],
        "subject": str(msg["Subject"]),
        "unsent": msg["X-Unsent"],
        "date": msg["Date"] is not None,
        "text": body.get_content() if body is not None else None,
        "defects": [str(d) for part in msg.walk() for d in part.defects],
        "attachments": attachments,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
