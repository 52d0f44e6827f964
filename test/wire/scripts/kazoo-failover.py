# kazoo keeps its session across the loss of its server: it creates an ephemeral, prints its
# session id, waits for the test to stop that server (a line on stdin), and then checks that it
# reconnected to another one with the same session and that its ephemeral survived. (kazoo 2.8
# does not re-send its watches on reconnect, against ZooKeeper either: node-zookeeper-client's test
# covers SetWatches.) One JSON object on stdout at the end. Bounded waits.
import json, sys, time
from kazoo.client import KazooClient

hosts = sys.argv[1]
states = []
zk = KazooClient(hosts=hosts, timeout=4.0, connection_retry={'max_tries': -1, 'delay': 0.05, 'max_delay': 0.5})
zk.add_listener(lambda s: states.append(str(s)))
zk.start(timeout=15)
session = zk.client_id[0]
zk.create('/f', b'0')
zk.create('/f/e', b'', ephemeral=True)
print(json.dumps({'session': session}), flush=True)

sys.stdin.readline()
deadline = time.time() + 20
while time.time() < deadline and not ('SUSPENDED' in states and zk.state == 'CONNECTED'):
    time.sleep(0.05)

other = KazooClient(hosts=hosts, timeout=4.0)
other.start(timeout=15)
out = {
    'states': list(states),
    'same_session': zk.client_id[0] == session,
    'ephemeral': other.exists('/f/e') is not None,
    'reads_after': zk.get('/f')[0].decode(),
}
zk.stop(); zk.close(); other.stop(); other.close()
print(json.dumps(out), flush=True)
