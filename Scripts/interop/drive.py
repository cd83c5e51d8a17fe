#!/usr/bin/env python3
"""Write, update and delete records on the arroba PDS over XRPC
(com.atproto.repo.createRecord / putRecord / deleteRecord / applyWrites),
for Scripts/interop-python-pds.sh. Prints `commits N` (the number of
#commit events the writes produced) on success."""
import argparse
import json
import sys
from datetime import datetime, timezone

import requests


def now():
    return datetime.now(timezone.utc).isoformat().replace('+00:00', 'Z')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', required=True)
    ap.add_argument('--accounts', required=True)
    ap.add_argument('--token', required=True)
    ap.add_argument('--bulk', type=int, default=40,
                    help='records created by one applyWrites (grows the MST)')
    args = ap.parse_args()

    s = requests.Session()
    s.headers['Authorization'] = f'Bearer {args.token}'
    commits = 0

    def call(nsid, body):
        nonlocal commits
        r = s.post(f'{args.base}/xrpc/{nsid}', json=body, timeout=30)
        if r.status_code != 200:
            sys.exit(f'drive: {nsid} failed: HTTP {r.status_code}: {r.text[:300]}')
        commits += 1
        return r.json()

    def post(text):
        return {'$type': 'app.bsky.feed.post', 'text': text, 'createdAt': now()}

    P, PROFILE, LIKE = 'app.bsky.feed.post', 'app.bsky.actor.profile', 'app.bsky.feed.like'
    accounts = json.load(open(args.accounts))
    for n, acct in enumerate(accounts):
        did = acct['did']
        rkeys = []
        # creates
        for i in range(6):
            out = call('com.atproto.repo.createRecord',
                       {'repo': did, 'collection': P, 'record': post(f'{did} post {i}')})
            rkeys.append(out['uri'].rsplit('/', 1)[1])
        # putRecord: create, then two updates of the profile
        for i in range(3):
            call('com.atproto.repo.putRecord',
                 {'repo': did, 'collection': PROFILE, 'rkey': 'self',
                  'record': {'$type': PROFILE, 'displayName': f'{acct["curve"]} #{n} v{i}'}})
        # updates of posts
        for rk in rkeys[:2]:
            call('com.atproto.repo.putRecord',
                 {'repo': did, 'collection': P, 'rkey': rk, 'record': post(f'edited {rk}')})
        # deletes
        for rk in rkeys[2:4]:
            call('com.atproto.repo.deleteRecord', {'repo': did, 'collection': P, 'rkey': rk})
        # one commit with many creates (a deeper tree), then mixed multi-op commits
        bulk = [{'$type': 'com.atproto.repo.applyWrites#create', 'collection': LIKE,
                 'value': {'$type': LIKE, 'createdAt': now(),
                           'subject': {'uri': f'at://{did}/{P}/{rkeys[0]}',
                                       'cid': 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'}}}
                for _ in range(args.bulk)]
        out = call('com.atproto.repo.applyWrites', {'repo': did, 'writes': bulk})
        likes = [r['uri'].rsplit('/', 1)[1] for r in out['results']]
        call('com.atproto.repo.applyWrites', {'repo': did, 'writes': [
            {'$type': 'com.atproto.repo.applyWrites#create', 'collection': P, 'value': post('multi a')},
            {'$type': 'com.atproto.repo.applyWrites#update', 'collection': P, 'rkey': rkeys[4],
             'value': post('multi edit')},
            {'$type': 'com.atproto.repo.applyWrites#delete', 'collection': P, 'rkey': rkeys[5]},
        ]})
        # delete likes one by one (removals from a multi-level tree), then in a batch
        for rk in likes[:5]:
            call('com.atproto.repo.deleteRecord', {'repo': did, 'collection': LIKE, 'rkey': rk})
        call('com.atproto.repo.applyWrites', {'repo': did, 'writes': [
            {'$type': 'com.atproto.repo.applyWrites#delete', 'collection': LIKE, 'rkey': rk}
            for rk in likes[5:25]]})
    print(f'commits {commits}', flush=True)


if __name__ == '__main__':
    main()
