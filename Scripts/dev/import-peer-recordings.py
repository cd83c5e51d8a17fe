#!/usr/bin/env python3
"""Copies the live captures of independent Python PDSes (Tests/Vectors/peers/*) into Replays/peer-*/ and
writes their expected.jsonl from the frames themselves, by these rules (not from Breakwater's output):

  * every #commit is `verified` (the capture notes say every commit verifies with an independent verifier);
  * #identity and #account are `applied`;
  * a #sync whose rev equals the account's latest commit rev is `ignored` (`stale-rev`): arroba emits the
    account-creation #sync after the first commit, with the same rev (Docs/CONTRACT.md §4, #sync).

Development script; the tests read its committed output.
"""
import json, os, shutil, struct, sys

VECTORS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Tests/Vectors")
REPLAYS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../Replays")


def decode(data, pos):
    """Minimal DAG-CBOR decoder (enough for frame headers and bodies)."""
    first = data[pos]; pos += 1
    major, info = first >> 5, first & 31
    if info < 24:
        arg = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        arg = int.from_bytes(data[pos:pos + size], "big"); pos += size
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major == 2:
        return bytes(data[pos:pos + arg]), pos + arg
    if major == 3:
        return data[pos:pos + arg].decode(), pos + arg
    if major == 4:
        out = []
        for _ in range(arg):
            v, pos = decode(data, pos); out.append(v)
        return out, pos
    if major == 5:
        out = {}
        for _ in range(arg):
            k, pos = decode(data, pos); v, pos = decode(data, pos); out[k] = v
        return out, pos
    if major == 6:
        v, pos = decode(data, pos)
        return ("cid", v), pos
    return {20: False, 21: True, 22: None}[info], pos


def main():
    for peer in ("arroba", "millipds"):
        src = os.path.join(VECTORS, "peers", peer)
        out = os.path.join(REPLAYS, "peer-" + peer)
        os.makedirs(out, exist_ok=True)
        for name in ("frames.bin", "identities.json"):
            shutil.copyfile(os.path.join(src, name), os.path.join(out, name))
        data = open(os.path.join(src, "frames.bin"), "rb").read()
        pos, index, revs, lines = 0, 0, {}, []
        while pos < len(data):
            (length,) = struct.unpack(">I", data[pos:pos + 4]); pos += 4
            frame = data[pos:pos + length]; pos += length
            header, p = decode(frame, 0)
            body, _ = decode(frame, p)
            kind = header.get("t", "").lstrip("#")
            did = body.get("repo") or body.get("did")
            rev = body.get("rev")
            outcome, reason = "applied", None
            if kind == "commit":
                outcome = "verified"
                revs[did] = rev
            elif kind == "sync":
                if revs.get(did) is not None and rev <= revs[did]:
                    outcome, reason = "ignored", "stale-rev"
                else:
                    outcome = "verified"
                    revs[did] = rev
            lines.append({"i": index, "seq": body.get("seq"), "type": kind, "did": did, "rev": rev,
                          "outcome": outcome, "reason": reason})
            index += 1
        with open(os.path.join(out, "expected.jsonl"), "w") as f:
            for line in lines:
                f.write(json.dumps(line) + "\n")
        json.dump({"source": "Tests/Vectors/peers/" + peer + " (see its SOURCE.txt)", "policy": "strict"},
                  open(os.path.join(out, "scenario.json"), "w"), indent=2, sort_keys=True)
        print(f"{out}: {index} frames")


if __name__ == "__main__":
    main()
