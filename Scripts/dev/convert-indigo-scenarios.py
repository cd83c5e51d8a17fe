#!/usr/bin/env python3
"""Converts the indigo relay test scenarios (JSON frames) into Breakwater recordings (Docs/CONTRACT.md §2).

Development script: its output is committed under Replays/indigo-*/ and the tests read that output, so
neither the product nor its tests need Python.

For each scenario it writes frames.bin (header and body DAG-CBOR-encoded; `blocks` keeps the original CAR
bytes), identities.json (the scenario's account keys), scenario.json (source and policy), and expected.jsonl.

Expected outcomes are derived from the scenario, not from Breakwater:
  * policy: `relay` when the scenario is lenient, else `strict`;
  * a message with drop=false is `verified` (#commit, #sync) or `applied` (other types);
  * a message with drop=true gets the reason recorded in DROP_REASONS below, each justified by the scenario
    text (deactivated account, old or equal rev, duplicate or lower seq).
Usage: Scripts/dev/convert-indigo-scenarios.py [VECTORS_DIR] [REPLAYS_DIR]
"""
import base64, json, os, struct, sys

VECTORS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Tests/Vectors")
REPLAYS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../Replays")
SCENARIOS = os.path.join(VECTORS, "indigo/cmd/relay/testing/testdata")

# Lenient scenarios that upstream also asserts fail in strict mode: written a second time with policy
# strict, where every commit lacks prevData and is therefore unverifiable (legacy-commit).
STRICT_VARIANTS = {"post_lifecycle_legacy"}

# (scenario, seq) -> (outcome, reason) for messages the relay must drop.
DROP_REASONS = {
    ("deactivation", 102): ("ignored", "account-inactive"),   # account deactivated at seq 101
    ("rev_ordering", 101): ("rejected", "malformed-event"),   # the edited rev "3lmxjza3nva00" is not a TID ("0" is outside the alphabet)
    ("rev_ordering", 102): ("ignored", "stale-rev"),          # body rev equal to the stored rev
    ("seq_ordering", 1000): ("ignored", "stale-rev"),         # the #account repeats seq 1000
    ("seq_ordering", 5): ("ignored", "stale-rev"),            # seq 5 is lower than 1000
}


def b64(text):
    return base64.b64decode(text + "=" * (-len(text) % 4))


def b32(data):
    return base64.b32encode(data).decode().lower().rstrip("=")


def cid_bytes(text):
    assert text[0] == "b"
    return b32decode(text[1:])


def b32decode(text):
    return base64.b32decode(text.upper() + "=" * (-len(text) % 8))


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError(n)


def enc(v):
    """Canonical DAG-CBOR of a JSON value in atproto form ($link, $bytes)."""
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, str):
        raw = v.encode()
        return head(3, len(raw)) + raw
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(enc(x) for x in v)
    if isinstance(v, dict):
        if set(v) == {"$link"}:
            raw = b"\x00" + cid_bytes(v["$link"])
            return b"\xd8\x2a" + head(2, len(raw)) + raw
        if set(v) == {"$bytes"}:
            raw = b64(v["$bytes"])
            return head(2, len(raw)) + raw
        keys = sorted(v, key=lambda k: (len(k.encode()), k.encode()))
        return head(5, len(keys)) + b"".join(enc(k) + enc(v[k]) for k in keys)
    raise TypeError(type(v))


def main():
    jobs = []
    for name in sorted(os.listdir(SCENARIOS)):
        if name.endswith(".json"):
            jobs.append((name, False))
            if name[:-5] in STRICT_VARIANTS:
                jobs.append((name, True))
    for name, strict_variant in jobs:
        scenario = name[:-5]
        data = json.load(open(os.path.join(SCENARIOS, name)))
        policy = "relay" if data.get("lenient") and not strict_variant else "strict"
        out = os.path.join(REPLAYS, "indigo-" + scenario.replace("_", "-") + ("-strict" if strict_variant else ""))
        os.makedirs(out, exist_ok=True)
        identities = {}
        for account in data["accounts"]:
            ident = account["identity"]
            key = ident["keys"]["atproto"]["publicKeyMultibase"]
            entry = {"signingKey": "did:key:" + key}
            pds = ident.get("services", {}).get("atproto_pds", {}).get("url")
            if pds:
                entry["pds"] = pds
            identities[ident["did"]] = entry
        frames, expected = b"", []
        for i, message in enumerate(data["messages"]):
            header, body = message["frame"]["header"], dict(message["frame"]["body"])
            t = header.get("t", "")
            if t == "#commit" and body.get("blobs") is None:
                body["blobs"] = []  # a Go artefact in the JSON; the wire carries an empty array
            frame = enc(header) + enc(body)
            frames += struct.pack(">I", len(frame)) + frame
            kind = t.lstrip("#")
            if strict_variant and kind == "commit":
                outcome, reason = "unverifiable", "legacy-commit"
            elif message.get("drop"):
                outcome, reason = DROP_REASONS[(scenario, body.get("seq"))]
            else:
                outcome, reason = ("verified" if kind in ("commit", "sync") else "applied"), None
            expected.append({
                "i": i, "seq": body.get("seq"), "type": kind,
                "did": body.get("repo") or body.get("did"), "rev": body.get("rev"),
                "outcome": outcome, "reason": reason,
            })
        open(os.path.join(out, "frames.bin"), "wb").write(frames)
        json.dump(identities, open(os.path.join(out, "identities.json"), "w"), indent=2, sort_keys=True)
        json.dump({"source": "bluesky-social/indigo cmd/relay/testing/testdata/" + name, "policy": policy,
                   "description": data.get("description", "")},
                  open(os.path.join(out, "scenario.json"), "w"), indent=2, sort_keys=True)
        with open(os.path.join(out, "expected.jsonl"), "w") as f:
            for line in expected:
                f.write(json.dumps(line) + "\n")
        print(f"{out}: {len(expected)} frames, policy {policy}")


if __name__ == "__main__":
    main()
