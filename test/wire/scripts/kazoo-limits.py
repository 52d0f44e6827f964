# kazoo meets an error code it does not know: the test lowered the session's watch limit, so a
# watch beyond it is refused (QUOTAEXCEEDED, -125, which kazoo 2.8 cannot name). The gateway maps
# it to UNIMPLEMENTED: the call raises instead of hanging, and the session carries on.
import json, sys
from kazoo.client import KazooClient
from kazoo.exceptions import UnimplementedError

zk = KazooClient(hosts=sys.argv[1], timeout=4.0)
zk.start(timeout=15)
limit = int(sys.argv[2])
out = {'refused_at': None, 'error': None}
for i in range(limit + 1):
    zk.ensure_path('/lim/n%d' % i)
for i in range(limit + 1):
    try:
        zk.get('/lim/n%d' % i, watch=lambda e: None)
    except Exception as e:
        out['refused_at'] = i
        out['error'] = type(e).__name__
        break
out['still_works'] = zk.exists('/lim') is not None
zk.stop(); zk.close()
print(json.dumps(out), flush=True)
