#!/usr/bin/env python3
"""Run arroba (an independent Python PDS, https://github.com/snarfed/arroba)
on loopback with in-memory storage, for Scripts/interop-python-pds.sh.

- generates --k256 + --p256 accounts (fresh signing keys on each curve, random
  did:plc identifiers that are never published: the identities file is the only
  source of their keys) and creates their repos with arroba's Python API
  (arroba has no com.atproto.server.createAccount);
- writes the identities file ({"did": {"signingKey": "did:key:…"}}) for breakwater;
- serves arroba's XRPC methods (com.atproto.repo.*, com.atproto.sync.*) and the
  com.atproto.sync.subscribeRepos WebSocket on HOST:PORT; writes are
  authenticated with the bearer token $REPO_TOKEN (arroba's global token auth);
- prints `listening on http://HOST:PORT` once the socket is bound.
"""
import argparse
import json
import logging
import os
import secrets
import sys

# before arroba is imported: poll for new events every 0.5 s even if a wake-up
# is missed, and don't wait long for (nonexistent) skipped sequence numbers.
os.environ.setdefault('SUBSCRIBE_REPOS_SKIPPED_SEQ_DELAY', '0.5')
os.environ.setdefault('REPO_TOKEN', 'interop-token')
os.environ.setdefault('PDS_HOST', '127.0.0.1')

from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
import lexrpc.flask_server
from werkzeug.serving import make_server

from arroba import server, firehose, xrpc_sync  # noqa: F401
from arroba import xrpc_repo, xrpc_server, xrpc_identity  # noqa: F401 (register methods)
from arroba.did import encode_did_key
from arroba.repo import Repo
from arroba.storage import MemoryStorage

B32 = 'abcdefghijklmnopqrstuvwxyz234567'


def callback(data=None, lost_seq=None):
    if data:
        firehose.send_events()
    elif lost_seq:
        firehose.mark_seq_lost(lost_seq)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--k256', type=int, default=2)
    ap.add_argument('--p256', type=int, default=2)
    ap.add_argument('--identities', required=True)
    ap.add_argument('--accounts', required=True,
                    help='JSON list of {did, curve} for the driver')
    args = ap.parse_args()

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    server.storage = MemoryStorage()
    # arroba 3.1's deleteRecord returns None, which fails lexrpc's output
    # validation (HTTP 400 after the commit was made); arroba's own tests run
    # with validation off, so do the same.
    server.server._validate = False
    identities, accounts = {}, []
    for curve_name, curve, n in (('k256', ec.SECP256K1(), args.k256),
                                 ('p256', ec.SECP256R1(), args.p256)):
        for _ in range(n):
            key = ec.generate_private_key(curve)
            did = 'did:plc:' + ''.join(secrets.choice(B32) for _ in range(24))
            Repo.create(server.storage, did, signing_key=key,
                        handle=f'{curve_name}-{len(accounts)}.interop.test',
                        callback=callback)
            identities[did] = {'signingKey': encode_did_key(key.public_key())}
            accounts.append({'did': did, 'curve': curve_name})

    with open(args.identities, 'w') as f:
        json.dump(identities, f, indent=1)
    with open(args.accounts, 'w') as f:
        json.dump(accounts, f, indent=1)

    # arroba 3.1 registers com.atproto.sync.subscribeRepos itself (xrpc_sync)
    firehose.start()

    app = Flask('arroba-interop')
    lexrpc.flask_server.init_flask(server.server, app)

    srv = make_server(args.host, args.port, app, threaded=True)
    print(f'listening on http://{args.host}:{srv.server_port}', flush=True)
    srv.serve_forever()


if __name__ == '__main__':
    main()
