# A kazoo (the Python ZooKeeper client) session against the connect string in argv[1]: every result
# goes into one JSON object on stdout for the test to judge. Bounded: every wait has a timeout.
import json, sys, threading
from kazoo.client import KazooClient
from kazoo.exceptions import NodeExistsError, NotEmptyError, NoNodeError, BadVersionError

hosts = sys.argv[1]
out = {}

def client():
    zk = KazooClient(hosts=hosts, timeout=4.0, connection_retry={'max_tries': 5, 'delay': 0.1})
    zk.start(timeout=15)
    return zk

zk = client()
out['session'] = zk.client_id[0] != 0
zk.create('/k', b'hello')
data, stat = zk.get('/k')
out['get'] = [data.decode(), stat.version, stat.dataLength]
out['set_version'] = zk.set('/k', b'world').version
zk.create('/k/c1', b'')
zk.create('/k/c2', b'two')
out['children'] = sorted(zk.get_children('/k'))
children, stat = zk.get_children('/k', include_data=True)
out['children2'] = [sorted(children), stat.numChildren]

fired = threading.Event()
events = []
def on_data(event):
    events.append([event.type, event.path])
    fired.set()
zk.get('/k/c1', watch=on_data)
zk.set('/k/c1', b'x')
fired.wait(10)
out['data_watch'] = events

child_fired = threading.Event()
child_events = []
def on_children(event):
    child_events.append([event.type, event.path])
    child_fired.set()
zk.get_children('/k', watch=on_children)
zk.create('/k/c3', b'')
child_fired.wait(10)
out['child_watch'] = child_events

seq = zk.create('/k/seq-', b'', ephemeral=True, sequence=True)
out['sequence'] = seq
out['ephemeral_owner_is_me'] = zk.exists(seq).ephemeralOwner == zk.client_id[0]

t = zk.transaction()
t.create('/k/t1', b'a')
t.set_data('/k', b'z', version=1)
t.check('/k/c1', 1)
out['txn_ok'] = [r if isinstance(r, (str, bool)) else type(r).__name__ for r in t.commit()]

t = zk.transaction()
t.create('/k/t2', b'')
t.delete('/nope')
out['txn_failed'] = [r if isinstance(r, (str, bool)) else type(r).__name__ for r in t.commit()]
out['txn_failed_left_nothing'] = zk.exists('/k/t2') is None

def error_of(fn):
    try:
        fn()
        return None
    except Exception as e:
        return type(e).__name__
out['create_existing'] = error_of(lambda: zk.create('/k'))
out['delete_nonempty'] = error_of(lambda: zk.delete('/k'))
out['get_missing'] = error_of(lambda: zk.get('/missing'))
out['set_bad_version'] = error_of(lambda: zk.set('/k/c1', b'', version=99))
out['exists_missing'] = zk.exists('/missing') is None
zk.delete('/k/c2')
out['after_delete'] = sorted(zk.get_children('/k'))

zk.stop()
zk.close()

zk2 = client()
out['ephemeral_after_close'] = zk2.exists(seq) is not None
out['survivors'] = sorted(zk2.get_children('/k'))
zk2.stop()
zk2.close()
print(json.dumps(out))
