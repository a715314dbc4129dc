"""Personal data handling: names are stored masked, numbers only as keyed salted hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def mask_name(name: str) -> str:
    """张三 -> 张*, 张小明 -> 张*明, 欧阳小明 -> 欧**明; organisations keep their first and last two characters."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return name[:2] + "*" * (len(name) - 4) + name[-2:]


def new_salt() -> str:
    return secrets.token_hex(16)


def keyed_hash(secret_key: str, salt: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the server key and a per-record salt.

    The key matters: four phone digits have only 10,000 values, so a plain salted hash in a
    leaked database would fall to brute force; without the key it cannot be tried offline.
    """
    message = f"{salt}:{value.strip().upper()}".encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def matches(secret_key: str, salt: str, value: str, expected_hash: str) -> bool:
    return hmac.compare_digest(keyed_hash(secret_key, salt, value), expected_hash)
