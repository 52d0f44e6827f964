// Every limit in one place (TigerBeetle's constants.zig habit). Names are snake_case with the unit
// last. Input beyond a limit is refused at the edge with a KeeperError, never asserted on.

export const limits = {
  /** Znode data, ZooKeeper's jute.maxbuffer default (1 MiB). */
  data_bytes_max: 1024 * 1024,
  /** A path's UTF-8 length. ZooKeeper bounds it only by jute.maxbuffer; we keep it sane. */
  path_bytes_max: 4096,
  /** Children of one znode. */
  children_per_node_max: 1_000_000,
  /** Entries in one ACL list. */
  acl_entries_max: 64,
  /** A scheme or id string in an ACL or an auth request. */
  acl_id_bytes_max: 1024,
  /** Operations in one multi or multiRead. */
  multi_ops_max: 1_000,
  /** Watches one session may hold (all kinds together). */
  watches_per_session_max: 100_000,
  /** Watch events a client's async watch stream buffers for a slow consumer before it fails. */
  watch_stream_events_max: 10_000,
  /** Auth ids one session may add. */
  auth_ids_per_session_max: 16,
  /** Live sessions in an ensemble. */
  sessions_max: 100_000,
  /** Ephemeral znodes one session may own. */
  ephemerals_per_session_max: 100_000,
  /** TTL of a TTL node: ZooKeeper's EphemeralType.MAX_TTL (2^40 - 1 ms). */
  ttl_ms_max: 2 ** 40 - 1,
  /** Highest epoch: a zxid is epoch * 2^32 + counter and stays exact in a JS number below 2^53. */
  epoch_max: 2 ** 21 - 1,
  /** A counter at or past this forces a new election before the 32-bit counter overflows. */
  zxid_counter_max: 2 ** 32 - 2 ** 16,
  /** A peer id (ZooKeeper's myid). */
  peer_id_max: 255,
  /** Peers in one ensemble, voters and observers together. */
  peers_max: 32,
  /** Client requests one peer holds unanswered (ZooKeeper's globalOutstandingLimit); more: THROTTLEDOP. */
  pending_requests_per_peer_max: 10_000,
  /** One framed record in a log (a txn or a stored blob): a length beyond it is corruption, not a torn tail. */
  record_bytes_max: 256 * 1024 * 1024,
  /** A log segment file rolls over to a new one once it is this large. */
  log_segment_bytes_max: 64 * 1024 * 1024,
  /** One IndexedDB value: a snapshot chunk, or a run of logged txns (one txn may exceed it alone). */
  idb_value_bytes_max: 1024 * 1024,
  /** Events a runtime peer keeps for late subscribers (the UI's timeline); older ones are dropped. */
  peer_event_history_max: 1_000,
  /** One peer message reassembled from data channel chunks (a SNAP may be large). */
  peer_message_bytes_max: 256 * 1024 * 1024,
  /** One data channel frame: messages over 256 KiB fail, 64 KiB keeps latency fair. */
  datachannel_chunk_bytes_max: 64 * 1024,
  /** Bytes one link may queue behind data channel backpressure before it is broken. */
  link_send_queue_bytes_max: 512 * 1024 * 1024,
  /** One signaling message (an encrypted offer, answer or candidate) relayed by the signal server. */
  signal_message_bytes_max: 64 * 1024,
  /** Rooms (ensembles) one signaling server holds. */
  signal_rooms_max: 1_000,
  /** An ensemble (room) name's length. */
  ensemble_name_bytes_max: 128,
  /** Attempts a recipe makes at one step (a create after CONNECTIONLOSS, an update(fn) after BADVERSION). */
  recipe_attempts_max: 100,
  /** One ZooKeeper client packet (jute.maxbuffer's role): 1 MiB of data plus room for its path and ACL. */
  client_packet_bytes_max: 1024 * 1024 + 256 * 1024,
  /** A session password in a ConnectRequest (ZooKeeper's are 16 bytes). */
  session_passwd_bytes_max: 64,
  /** Bytes a client connection may leave unread (replies, watch events) before it is dropped. */
  client_send_queue_bytes_max: 64 * 1024 * 1024,
  /** Packets a client may send behind its ConnectRequest before the handshake is answered. */
  client_early_packets_max: 1_000,
  /** Client channels carried on peer links that one peer opens, and that one peer serves. */
  client_channels_max: 1_000,
  /** deleteContainer txns one leader sweep proposes (ZooKeeper's maxPerMinute); the rest wait. */
  sweep_txns_max: 1_000,
} as const;

export type Limits = typeof limits;
