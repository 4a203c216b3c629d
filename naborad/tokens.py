"""Random codes and tokens; only their hashes are stored."""
import hashlib
import secrets

# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 10 x 5 bits = 50 bits of randomness


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    code = code.upper().replace("-", "").replace(" ", "")
    return code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def display_code(code: str) -> str:
    """A code as typed ("abcde12345", "abcde 12345") in the form it is printed: "ABCDE-12345"."""
    code = normalise_code(code)
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def code_hash(code: str) -> str:
    return sha256(normalise_code(code))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
